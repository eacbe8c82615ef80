#!/usr/bin/env bash
# Builds the Debian package of scxgamer with dpkg-deb from the build's runtime: build-deb.sh VERSION OUTDIR
# (VERSION as Maven has it; 0.1.0-SNAPSHOT becomes 0.1.0~snapshot). Layout: the runtime in /usr/lib/scxgamer
# (its data/ and log/ point to /var/lib/scxgamer and /var/log/scxgamer), configuration in /etc/scxgamer
# (conffiles), the unit, the D-Bus policy, a man page.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# = 2 ] || { echo "usage: build-deb.sh VERSION OUTDIR" >&2; exit 2; }
version=$(printf '%s' "$1" | sed 's/-SNAPSHOT$/~snapshot/')
out=$2
src=$here/src/debian
jar=$root/runtime/target/scxgamer.jar
[ -f "$jar" ] || { echo "build-deb.sh: $jar missing: build the runtime module first" >&2; exit 1; }

# The maintainer: DEBFULLNAME and DEBEMAIL as Debian's tools take them, else the repository's git identity.
name=${DEBFULLNAME:-$(git -C "$root" config user.name 2>/dev/null || true)}
email=${DEBEMAIL:-$(git -C "$root" config user.email 2>/dev/null || true)}
if [ -z "$name" ] || [ -z "$email" ]; then
  echo "build-deb.sh: no maintainer: set DEBFULLNAME and DEBEMAIL (or git config user.name / user.email)" >&2
  exit 1
fi
maintainer="$name <$email>"

stage=$out/stage
rm -rf "$stage"
lib=$stage/usr/lib/scxgamer
install -d "$stage/DEBIAN" "$lib/bin" "$lib/conf" "$lib/lib" "$lib/deploy" "$lib/plugins" "$stage/usr/sbin" \
  "$stage/etc/scxgamer" "$stage/lib/systemd/system" "$stage/usr/share/dbus-1/system.d" \
  "$stage/usr/share/doc/scxgamer" "$stage/usr/share/man/man8"
install -m 0755 "$root/runtime/bin/scxgamer" "$lib/bin/"
install -m 0644 "$root/runtime/conf/logback.xml" "$root/runtime/conf/logging.properties" "$lib/conf/"
install -m 0644 "$jar" "$lib/lib/"
# every plugin to copy from; the D-Bus control and the profiles it switches run by default
install -m 0644 "$root"/runtime/target/plugins/*.jar "$lib/plugins/"
install -m 0644 "$root/runtime/target/plugins/org.scxgamer.dbus.jar" "$root/runtime/target/plugins/org.scxgamer.policy.profiles.jar" "$lib/deploy/"
ln -s /var/lib/scxgamer "$lib/data"
ln -s /var/log/scxgamer "$lib/log"
ln -s ../lib/scxgamer/bin/scxgamer "$stage/usr/sbin/scxgamer"
install -m 0644 "$src/scxgamer.dbus.cfg" "$stage/etc/scxgamer/"
install -m 0644 "$src/scxgamer.service" "$stage/lib/systemd/system/"
# Debian has no group wheel: its administrators' group is sudo (the policy and control.groups name it)
sed 's/\bwheel\b/sudo/g' "$root/runtime/dbus/org.scxgamer.conf" > "$stage/usr/share/dbus-1/system.d/org.scxgamer.conf"
install -m 0644 "$src/copyright" "$stage/usr/share/doc/scxgamer/"
install -m 0644 "$root/README.md" "$stage/usr/share/doc/scxgamer/README.md"
install -m 0644 "$root/bundles/dbus/README.md" "$stage/usr/share/doc/scxgamer/dbus.md"
date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}")
printf 'scxgamer (%s) unstable; urgency=medium\n\n  * Built from the scxgamer source tree.\n\n -- %s  %s\n' \
  "$version" "$maintainer" "$date" | gzip -9n > "$stage/usr/share/doc/scxgamer/changelog.gz"
gzip -9n < "$src/scxgamer.8" > "$stage/usr/share/man/man8/scxgamer.8.gz"
install -m 0644 "$src/conffiles" "$stage/DEBIAN/"
install -m 0755 "$src/postinst" "$src/prerm" "$src/postrm" "$stage/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s|@MAINTAINER@|$maintainer|" "$src/control" > "$stage/DEBIAN/control"
chmod -R u=rwX,go=rX "$stage"
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm" "$lib/bin/scxgamer"
deb=$out/scxgamer_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
