"""Stand-in for power-profiles-daemon on a test bus: owns a bus name, serves ActiveProfile on
/net/hadess/PowerProfiles and sets it to each line read from stdin, announcing PropertiesChanged.
Usage: power-profiles-standin.py BUS_ADDRESS [NAME] (NAME defaults to net.hadess.PowerProfiles; any other
name just squats it, e.g. org.scx.Loader as if scx_loader ran). Prints 'ready' once the name is owned."""
import sys
import threading

from gi.repository import Gio, GLib

address = sys.argv[1]
name = sys.argv[2] if len(sys.argv) > 2 else "net.hadess.PowerProfiles"
IFACE = "net.hadess.PowerProfiles"
PATH = "/net/hadess/PowerProfiles"
XML = f"""<node><interface name="{IFACE}"><property name="ActiveProfile" type="s" access="readwrite"/></interface></node>"""
state = {"profile": "balanced"}

bus = Gio.DBusConnection.new_for_address_sync(
    address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)


def get_property(conn, sender, path, iface, prop):
    return GLib.Variant("s", state["profile"])


bus.register_object(PATH, Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0], None, get_property, None)
reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
                      GLib.Variant("(su)", (name, 4)), None, Gio.DBusCallFlags.NONE, -1, None)
if reply.unpack()[0] != 1:
    print(f"could not own {name}: RequestName answered {reply.unpack()[0]}", flush=True)
    sys.exit(1)
loop = GLib.MainLoop()


def flip(profile):
    state["profile"] = profile
    bus.emit_signal(None, PATH, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                    GLib.Variant("(sa{sv}as)", (IFACE, {"ActiveProfile": GLib.Variant("s", profile)}, [])))
    print("set " + profile, flush=True)
    return False


def read_stdin():
    for line in sys.stdin:
        GLib.idle_add(flip, line.strip())
    GLib.idle_add(loop.quit)


threading.Thread(target=read_stdin, daemon=True).start()
print("ready", flush=True)
loop.run()
