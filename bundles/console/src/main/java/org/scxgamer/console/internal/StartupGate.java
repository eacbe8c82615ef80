package org.scxgamer.console.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.ScxControl;

/**
 * {@code console:await}: holds the interactive shell until the platform is up, as Karaf holds its
 * console until the boot features are installed. The login profile (bundles/shell) runs it before the
 * first prompt, so commands typed or piped in early wait in standard input instead of failing with
 * "Command not found". Up means: the framework reached its final start level
 * (org.osgi.framework.startlevel.beginning) and the core finished loading (its ScxControl service and
 * the scx commands are registered). Says so when that takes long, and gives up after a bound. Then
 * prints the parts' states, one line each, as the first thing the console shows.
 */
@Component(service = StartupGate.class, property = {"osgi.command.scope=console", "osgi.command.function=await"})
public class StartupGate {
    static final long NOTICE_MILLIS = 3000, REPEAT_MILLIS = 30_000, DEFAULT_LIMIT_SECONDS = 300;
    private static final long POLL_MILLIS = 50;
    private static final String SCX_COMMANDS = "(osgi.command.scope=scx)";

    private final BundleContext context;

    @Activate
    public StartupGate(BundleContext context) {
        this.context = context;
    }

    @Descriptor("Waits until the framework reached its final start level and the core finished loading "
            + "(the console's login profile runs it before the first prompt)")
    public String await(@Descriptor("[SECONDS] give up after (default 300)") String... args) throws InterruptedException {
        long limit = DEFAULT_LIMIT_SECONDS;
        if (args != null && args.length == 1) {
            try {
                limit = Long.parseLong(args[0]);
            } catch (NumberFormatException e) {
                limit = -1;
            }
        }
        if (args != null && args.length > 1 || limit < 0) {
            return "error: console:await [SECONDS]: SECONDS is a whole number >= 0";
        }
        if (awaitUp(this::pending, System::nanoTime, System.out, TimeUnit.SECONDS.toMillis(limit))) {
            ServiceReference<ScxControl> ref = context.getServiceReference(ScxControl.class);
            ScxControl control = ref == null ? null : context.getService(ref);
            if (control != null) {
                try {
                    return parts(control.parts());
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        return null;
    }

    /** One line per part: name, state, reason ('scx:status' adds the mode and the kernel facts). */
    static String parts(List<PartStatus> parts) {
        StringBuilder sb = new StringBuilder();
        for (PartStatus p : parts) {
            sb.append(String.format("%-11s %-11s %s", p.part().name().toLowerCase(Locale.ROOT), p.state(), p.reason()).stripTrailing())
                    .append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /**
     * Waits while {@code pending} names something missing; prints one line after {@link #NOTICE_MILLIS},
     * again every {@link #REPEAT_MILLIS}, and one when it gives up after {@code limitMillis}.
     *
     * @return true when the platform came up
     */
    static boolean awaitUp(Supplier<String> pending, LongSupplier nanos, PrintStream out, long limitMillis)
            throws InterruptedException {
        long start = nanos.getAsLong(), nextNotice = NOTICE_MILLIS;
        String missing;
        while ((missing = pending.get()) != null) {
            long waited = TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - start);
            if (waited >= limitMillis) {
                out.println("scxgamer: not up after " + waited / 1000 + " s (" + missing + "); the shell opens anyway, "
                        + "'log:display -l WARN' shows what went wrong");
                out.flush();
                return false;
            }
            if (waited >= nextNotice) {
                out.println("scxgamer: starting, " + waited / 1000 + " s so far: " + missing
                        + " (the shell opens when the platform is up; typed commands wait)");
                out.flush();
                nextNotice = waited + REPEAT_MILLIS;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** What is not up yet, or null. */
    String pending() {
        FrameworkStartLevel fsl = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkStartLevel.class);
        int target = finalStartLevel();
        if (fsl.getStartLevel() < target) {
            return "framework at start level " + fsl.getStartLevel() + " of " + target;
        }
        if (context.getServiceReference(ScxControl.class) == null) {
            return "the core is loading the kernel objects";
        }
        try {
            if (context.getServiceReferences((String) null, SCX_COMMANDS) == null) {
                return "the scx commands are not registered yet";
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    private int finalStartLevel() {
        String beginning = context.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL);
        try {
            return beginning == null ? 1 : Integer.parseInt(beginning.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
