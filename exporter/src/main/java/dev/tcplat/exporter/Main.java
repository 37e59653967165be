package dev.tcplat.exporter;

import ch.qos.logback.classic.Level;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.config.ExporterConfig;
import dev.tcplat.exporter.config.PageSize;
import dev.tcplat.exporter.preflight.Preflight;
import dev.tcplat.exporter.preflight.PreflightException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * Entry point: flags → config → exporter → block until SIGTERM/SIGINT or a fatal error → one
 * shutdown path. Only this class exits the process.
 *
 * <p>Exit codes: 0 after a signal-initiated shutdown, 1 when the environment fails a preflight
 * check, the exporter can not start or it stops reading events, 2 for bad flags.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Flags flags = new Flags();
        CommandLine cli = new CommandLine(flags);
        PrintWriter err = cli.getErr();
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("tcplat-exporter: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(cli.getOut());
            return EXIT_OK;
        }
        if (cli.isVersionHelpRequested()) {
            cli.printVersionHelp(cli.getOut());
            return EXIT_OK;
        }
        ExporterConfig config;
        try {
            config = flags.toConfig().requireRingbufPages(PageSize.ofThisKernel());
        } catch (IllegalArgumentException | IOException e) {
            err.println("tcplat-exporter: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (flags.configCheck) {
            cli.getOut().println("tcplat-exporter: configuration is valid; per-peer series are bounded at "
                    + config.metrics().maxSeries());
            cli.getOut().flush();
            return EXIT_OK;
        }
        setLogLevel(config.logLevel());
        LogFormat.apply(config.logFormat());
        try {
            Preflight.run(config.interfaceSelector(), config.listenAddress());
        } catch (PreflightException e) {
            LoggerFactory.getLogger(Main.class).error("{}", e.getMessage());
            return EXIT_FAILURE;
        }
        return serve(config);
    }

    private static int serve(ExporterConfig config) {
        Logger log = LoggerFactory.getLogger(Main.class);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(EXIT_OK);
        // Handling the signals ourselves (rather than only a shutdown hook) lets an orderly stop
        // exit 0 instead of the JVM's 143, which systemd would report as a failure.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        Exporter exporter;
        try {
            exporter = Exporter.start(config, () -> {
                exitCode.set(EXIT_FAILURE);
                stop.countDown();
            });
        } catch (ProbeException e) {
            log.error("{}", Preflight.explainRefusal(e).orElse(e.getMessage()));
            return EXIT_FAILURE;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return EXIT_FAILURE;
        }
        // Any other way the JVM ends (System.exit elsewhere, SIGHUP) still detaches.
        Thread safetyNet = new Thread(exporter::close, "tcplat-shutdown");
        Runtime.getRuntime().addShutdownHook(safetyNet);

        awaitUninterruptibly(stop);
        log.info("shutting down");
        exporter.close();
        Runtime.getRuntime().removeShutdownHook(safetyNet);
        log.info("stopped");
        return exitCode.get();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // Only the signal or a drain failure ends the wait.
            }
        }
    }

    private static void setLogLevel(String level) {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }
}
