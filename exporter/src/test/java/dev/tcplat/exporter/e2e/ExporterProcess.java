package dev.tcplat.exporter.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged exporter, run as a user runs it, inside a namespace:
 * {@code ip netns exec NS java -jar tcplat-exporter.jar ARGS --web.listen-address 127.0.0.1:PORT}.
 * ({@code ip netns exec} execs the command, so the process' pid is the JVM's own and SIGTERM
 * reaches the exporter directly.)
 *
 * <p>{@link #start} returns once every {@code --interface} has been reported attached and the
 * metrics endpoint answers; stdout and stderr go to files under {@code target/e2e-logs}, and
 * {@link #log()} puts stderr into failure messages. {@link #close()} stops the exporter with
 * SIGTERM, and kills it if it does not exit; a shutdown hook kills whatever is left if the test
 * JVM itself ends first.
 */
final class ExporterProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String HOST = "127.0.0.1";
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "exporter-cleanup"));
    }

    private final NetworkNamespace ns;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;

    private ExporterProcess(NetworkNamespace ns, List<String> command, Process process, Path stdout, Path stderr,
            int port) {
        this.ns = ns;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /**
     * Starts the exporter in {@code ns} with {@code args} (which name the interfaces) plus a
     * listen address on the namespace's loopback, and waits until it is attached and serving.
     */
    static ExporterProcess start(NetworkNamespace ns, String... args) throws Exception {
        return start(ns, List.of(), args);
    }

    /**
     * As {@link #start(NetworkNamespace, String...)}, with {@code launcher} (e.g. {@code setpriv
     * ... --}) between {@code ip netns exec NS} and {@code java}; it must exec what follows.
     */
    static ExporterProcess start(NetworkNamespace ns, List<String> launcher, String... args) throws Exception {
        ExporterProcess exporter = launch(ns, launcher, args);
        try {
            exporter.awaitReady(interfacesIn(args));
            return exporter;
        } catch (Throwable e) {
            exporter.close();
            throw e;
        }
    }

    /**
     * Runs the exporter in {@code ns} with exactly {@code args} (no listen address added) until
     * it exits by itself, for error paths; kills it after {@code timeout}.
     */
    static Exit runToExit(NetworkNamespace ns, Duration timeout, String... args) throws Exception {
        return runToExit(ns, List.of(), timeout, args);
    }

    /** As {@link #runToExit(NetworkNamespace, Duration, String...)}, with a launcher before {@code java}. */
    static Exit runToExit(NetworkNamespace ns, List<String> launcher, Duration timeout, String... args)
            throws Exception {
        String base = ns.name() + "-" + System.nanoTime();
        Path out = logDirectory().resolve(base + ".stdout");
        Path err = logDirectory().resolve(base + ".stderr");
        Process process = spawn(command(ns, launcher, List.of(args)), out, err);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("exporter did not exit within " + timeout + "; stderr:\n" + read(err));
            }
            return new Exit(process.exitValue(), read(out), read(err));
        } finally {
            process.destroyForcibly();
            LIVE.remove(process);
        }
    }

    /** How a process that ran to completion ended. */
    record Exit(int code, String stdout, String stderr) {}

    private static ExporterProcess launch(NetworkNamespace ns, List<String> launcher, String[] args)
            throws Exception {
        int port = freePort(ns);
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--web.listen-address");
        full.add(HOST + ":" + port);
        List<String> command = command(ns, launcher, full);
        Path out = logDirectory().resolve(ns.name() + "-" + port + ".stdout");
        Path err = logDirectory().resolve(ns.name() + "-" + port + ".stderr");
        return new ExporterProcess(ns, command, spawn(command, out, err), out, err, port);
    }

    private static Process spawn(List<String> command, Path out, Path err) throws IOException {
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(new File("/dev/null")).start();
        LIVE.add(process);
        return process;
    }

    private static List<String> command(NetworkNamespace ns, List<String> launcher, List<String> args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        command.addAll(launcher);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar().toString()));
        command.addAll(args);
        return command;
    }

    /** The shaded jar failsafe names in {@code tcplat.jar}; built by {@code package}. */
    static Path jar() {
        String property = System.getProperty("tcplat.jar");
        Path jar = property != null ? Path.of(property) : Path.of("target", "tcplat-exporter.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("exporter jar " + jar.toAbsolutePath()
                    + " does not exist: run the tests with 'mvn verify', which packages it first");
        }
        return jar;
    }

    static Path logDirectory() throws IOException {
        Path dir = jar().toAbsolutePath().getParent().resolve("e2e-logs");
        return Files.createDirectories(dir);
    }

    /**
     * A port that is free on the namespace's loopback: bound and released on a thread there. The
     * namespace is fresh and private to this test, so nothing else can take it in between.
     */
    static int freePort(NetworkNamespace ns) throws Exception {
        return ns.call(() -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                return socket.getLocalPort();
            }
        });
    }

    /**
     * Like {@link #start}, but returns as soon as every named interface is attached, without
     * waiting for the metrics endpoint: for tests that kill the exporter right there.
     */
    static ExporterProcess startAttached(NetworkNamespace ns, String... args) throws Exception {
        ExporterProcess exporter = launch(ns, List.of(), args);
        try {
            exporter.awaitAttached(interfacesIn(args));
            return exporter;
        } catch (Throwable e) {
            exporter.close();
            throw e;
        }
    }

    /**
     * The interfaces named exactly in {@code args}; patterns and {@code all} name none in
     * advance, so a test waits for those itself.
     */
    private static List<String> interfacesIn(String[] args) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--interface") || args[i].equals("-i")) && i + 1 < args.length) {
                values.addAll(List.of(args[i + 1].split(",")));
            } else if (args[i].startsWith("--interface=")) {
                values.addAll(List.of(args[i].substring("--interface=".length()).split(",")));
            }
        }
        return values.stream().filter(v -> !v.equals("all") && !v.matches(".*[*?\\[].*")).toList();
    }

    private void awaitAttached(List<String> interfaces) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!attachedAll(interfaces)) {
            if (!process.isAlive()) {
                throw new AssertionError("exporter exited with " + process.exitValue() + " before it attached: "
                        + String.join(" ", command) + "\n" + log());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("exporter not attached after " + READY_TIMEOUT.toSeconds() + " s: "
                        + String.join(" ", command) + "\n" + log());
            }
            Thread.sleep(20);
        }
    }

    private void awaitReady(List<String> interfaces) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("exporter exited with " + process.exitValue() + " before it was ready: "
                        + String.join(" ", command) + "\n" + log());
            }
            if (attachedAll(interfaces) && answers()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("exporter not attached and serving after " + READY_TIMEOUT.toSeconds()
                        + " s: " + String.join(" ", command) + "\n" + log());
            }
            Thread.sleep(100);
        }
    }

    private boolean attachedAll(List<String> interfaces) {
        String log = stderrText();
        return interfaces.stream().allMatch(i -> log.contains("attached to " + i + " "));
    }

    private boolean answers() {
        try {
            scrape();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Scrapes {@code /metrics} from inside the exporter's namespace. */
    MetricsText scrape() throws Exception {
        return Scraper.scrape(ns, HOST, port, "/metrics");
    }

    int port() {
        return port;
    }

    /** Where the exporter listens, as a scrape target inside its namespace: {@code 127.0.0.1:PORT}. */
    String listenAddress() {
        return HOST + ":" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderrText() {
        return read(stderr);
    }

    /** The exporter's command line and everything it printed so far, for failure messages. */
    String log() {
        return "--- exporter (" + String.join(" ", command) + ")\n--- stderr:\n" + read(stderr)
                + "--- stdout:\n" + read(stdout) + "---";
    }

    /**
     * Sends SIGTERM and waits for the exporter to exit; returns its exit code. Kills it and
     * fails if it has not exited within 15 s.
     */
    int stop() throws InterruptedException {
        process.destroy(); // SIGTERM
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            LIVE.remove(process);
            throw new AssertionError("exporter still running " + STOP_TIMEOUT.toSeconds()
                    + " s after SIGTERM; killed\n" + log());
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    /** SIGKILL, as a crash or the OOM killer would; waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("exporter still running " + STOP_TIMEOUT.toSeconds() + " s after SIGKILL");
        }
        LIVE.remove(process);
    }

    /** Stops the exporter if it still runs: SIGTERM, then SIGKILL. Never throws. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(process);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
