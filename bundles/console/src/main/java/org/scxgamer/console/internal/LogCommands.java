package org.scxgamer.console.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;

/**
 * Gogo commands, scope {@code log}: the log file that conf/logback.xml writes (runtime/log/scxgamer.log),
 * shown or followed, like Karaf's log:display and log:tail. The interactive console shows only warnings
 * and errors; everything is in the file. Errors come back as one "error: …" line.
 */
@Component(service = LogCommands.class, property = {
        "osgi.command.scope=log", "osgi.command.function=display", "osgi.command.function=tail"})
public class LogCommands {
    static final String DISPLAY_USAGE = "log:display [-n RECORDS] [-l LEVEL] — the last RECORDS log records (default 50) "
            + "of LEVEL (TRACE, DEBUG, INFO, WARN, ERROR) or above (default: all), from the log file";
    static final String TAIL_USAGE = "log:tail [-n RECORDS] [-l LEVEL] — the last RECORDS log records (default 10), then "
            + "every new one as it is written, until Enter (a piped shell: the next line) ends it";
    private static final long POLL_MILLIS = 200;

    @Descriptor("The last log records (default 50) from the log file; -l LEVEL keeps that level and above")
    public String display(@Descriptor("[-n RECORDS] [-l LEVEL], or 'help'") String... args) {
        try {
            Options o = Options.parse(args, 50, DISPLAY_USAGE);
            if (o == null) {
                return DISPLAY_USAGE;
            }
            LogFile log = new LogFile(logFile(), o.level);
            return String.join("\n", log.last(o.count));
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    @Descriptor("The last log records (default 10), then new ones as they are written, until Enter")
    public String tail(CommandSession session, @Descriptor("[-n RECORDS] [-l LEVEL], or 'help'") String... args) {
        try {
            Options o = Options.parse(args, 10, TAIL_USAGE);
            if (o == null) {
                return TAIL_USAGE;
            }
            LogFile log = new LogFile(logFile(), o.level);
            PrintStream out = System.out;
            out.println("following " + log.path() + " (Enter ends)");
            log.follow(o.count, out, LogFile.lineTyped(session.getKeyboard()), POLL_MILLIS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    /** The file of the first file appender on the root logger, as conf/logback.xml configured it. */
    static Path logFile() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("the log is not written by Logback here, so there is no log file to show");
        }
        for (Iterator<Appender<ILoggingEvent>> it = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext();) {
            if (it.next() instanceof FileAppender<ILoggingEvent> file && file.getFile() != null) {
                return Path.of(file.getFile());
            }
        }
        throw new IllegalStateException("the logging configuration has no file appender on the root logger: "
                + "add one to conf/logback.xml (see the shipped one)");
    }

    /** -n COUNT and -l LEVEL; null for 'help'. */
    record Options(int count, String level) {
        static Options parse(String[] args, int defaultCount, String usage) {
            int count = defaultCount;
            String level = null;
            for (int i = 0; args != null && i < args.length; i++) {
                String a = args[i];
                if (a.equals("help") || a.equals("-h") || a.equals("--help")) {
                    return null;
                }
                if ((a.equals("-n") || a.equals("-l")) && i + 1 < args.length) {
                    String v = args[++i];
                    if (a.equals("-n")) {
                        try {
                            count = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            count = -1;
                        }
                        if (count < 1) {
                            throw new IllegalArgumentException("-n " + v + ": give a whole number of records, 1 or more\n" + usage);
                        }
                    } else {
                        LogFile.level(v);
                        level = v;
                    }
                } else {
                    throw new IllegalArgumentException("unexpected '" + a + "'\n" + usage);
                }
            }
            return new Options(count, level);
        }
    }
}
