package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.deploy.SystemdUnit;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The .deb installed into a real, booted systemd (Debian 12 under systemd-nspawn, in the client
 * namespace of a veth pair) and run as the unit says: dynamic user, three capabilities, its
 * seccomp filter. Booting costs a few seconds, so one container serves the whole class; every
 * test brings the service to the state it starts from, and the journal is read last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemdServiceIT {
    private static final String UNIT = "tcplat-exporter.service";
    private static final String PORT = "10090";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** RestartSec=5s, then a JVM start: well inside this. */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONNECTIONS = 10;
    /** The unit's three capabilities as CapEff shows them: bits 12, 38 and 39. */
    private static final String UNIT_CAP_EFF = "000000c000001000";
    private static final Duration PACE = Duration.ofMillis(20);

    private VethPair veth;
    private TcpListener listener;
    private SystemdContainer host;

    @BeforeAll
    void bootAndInstall() throws Exception {
        veth = VethPair.create();
        try {
            listener = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4));
            Path deb = Path.of(System.getProperty("tcplat.deb", "target/tcplat-exporter.deb"));
            host = SystemdContainer.boot(veth.client(), List.<Path[]>of(new Path[] {deb,
                    Path.of("/root/tcplat-exporter.deb")}));
            host.exec("dpkg", "-i", "/root/tcplat-exporter.deb").check();
            Path defaults = host.file("/etc/default/tcplat-exporter");
            Files.writeString(defaults, Files.readString(defaults).replaceFirst("(?m)^ARGS=.*$",
                    "ARGS=\"--interface " + veth.clientInterface() + "\""));
        } catch (Exception | Error e) {
            cleanUp();
            throw e;
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            try {
                if (listener != null) {
                    listener.close();
                }
            } finally {
                veth.close();
            }
        }
    }

    @Test
    @Order(1)
    void measuresRealHandshakesAsTheUnitsDynamicUser() throws Exception {
        startAndAwaitMetrics();
        String pid = mainPid();
        String status = host.exec("cat", "/proc/" + pid + "/status").check().stdout();
        assertThat(field(status, "Uid")).doesNotStartWith("0\t");
        assertThat(field(status, "CapEff")).isEqualTo(UNIT_CAP_EFF);
        assertThat(field(status, "Seccomp")).isEqualTo("2");
        String commandLine = host.exec("cat", "/proc/" + pid + "/cmdline").check().stdout().replace('\0', ' ');
        assertThat(commandLine).as("the wrapper's JVM defaults").contains(wrapperJvmDefaults());
        System.out.printf("SystemdServiceIT: the service's RSS when idle: %s%n", field(status, "VmRSS"));

        double before = outbound();
        TcpClient.connectAndClose(veth.client(), veth.serverAddress(IpFamily.V4), listener.port(), CONNECTIONS);
        Await.until(() -> outbound() >= before + CONNECTIONS, Duration.ofSeconds(5), this::state);
        Thread.sleep(500);
        assertThat(outbound()).isEqualTo(before + CONNECTIONS);
    }

    @Test
    @Order(2)
    void stopLeavesNoProgramAttached() throws Exception {
        startAndAwaitMetrics();
        assertOneProgramPerHook();
        host.exec("systemctl", "stop", UNIT).check();
        assertThat(host.exec("systemctl", "is-active", UNIT).stdout().strip()).isEqualTo("inactive");
        for (Attachments.Hook hook : Attachments.Hook.values()) {
            assertThat(Attachments.tcx(veth.client(), veth.clientInterface(), hook).isEmpty()).as("%s", hook).isTrue();
        }
        assertThat(Attachments.hasClsact(veth.client(), veth.clientInterface())).isFalse();
    }

    @Test
    @Order(3)
    void killNineIsRestartedWithoutADuplicateAttachment() throws Exception {
        startAndAwaitMetrics();
        String killed = mainPid();
        int restarts = restarts();
        host.exec("kill", "-9", killed).check();
        Await.until(() -> !mainPid().equals(killed) && !mainPid().equals("0") && metricsServed(), RESTART_TIMEOUT,
                this::state);
        assertThat(restarts()).isEqualTo(restarts + 1);
        assertOneProgramPerHook();
        double before = outbound();
        TcpClient.connectAndClose(veth.client(), veth.serverAddress(IpFamily.V4), listener.port(), CONNECTIONS);
        Await.until(() -> outbound() >= before + CONNECTIONS, Duration.ofSeconds(5), this::state);
        Thread.sleep(500);
        assertThat(outbound()).as("each handshake counted once").isEqualTo(before + CONNECTIONS);
    }

    /**
     * Connections keep coming, one every 20 ms, across {@code systemctl restart}. The new process
     * must count every one that began after it logged its attachment, and none that ended before
     * the old one logged that it was shutting down; those in between fell into the outage and are
     * counted here, from the journal's two timestamps.
     */
    @Test
    @Order(4)
    void aRestartLosesOnlyTheOutageWindow() throws Exception {
        startAndAwaitMetrics();
        String oldPid = mainPid();
        List<long[]> connections = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean flowing = new AtomicBoolean(true);
        InetAddress server = veth.serverAddress(IpFamily.V4);
        Future<?> client = veth.client().submit(() -> {
            while (flowing.get()) {
                long begin = System.currentTimeMillis();
                TcpClient.Outcome outcome = TcpClient.connect(veth.client(), server, listener.port(), 3000);
                if (outcome == TcpClient.Outcome.CONNECTED) {
                    connections.add(new long[] {begin, System.currentTimeMillis()});
                }
                Thread.sleep(PACE.toMillis());
            }
            return null;
        });
        try {
            Thread.sleep(1000);
            host.exec("systemctl", "restart", UNIT).check();
            Await.until(this::metricsServed, READY_TIMEOUT, this::state);
            Thread.sleep(1500);
        } finally {
            flowing.set(false);
            client.get();
        }
        String newPid = mainPid();
        assertThat(newPid).isNotEqualTo(oldPid);
        long shuttingDown = journalMillis(oldPid, "shutting down");
        long attached = journalMillis(newPid, "attached to " + veth.clientInterface() + " via tcx");
        List<long[]> made = List.copyOf(connections);
        long afterAttach = made.stream().filter(c -> c[0] > attached).count();
        long notBeforeShutdown = made.stream().filter(c -> c[1] >= shuttingDown).count();
        long inWindow = made.stream().filter(c -> c[1] >= shuttingDown && c[0] <= attached).count();
        Await.until(() -> outbound() >= afterAttach, Duration.ofSeconds(5), this::state);
        Thread.sleep(500);
        double counted = outbound();
        System.out.printf("SystemdServiceIT: restart outage %d ms: %d of %d connections fell in it, the new"
                + " process counted %.0f%n", attached - shuttingDown, inWindow, made.size(), counted);
        assertThat(attached - shuttingDown).as("outage, ms").isPositive().isLessThan(RESTART_TIMEOUT.toMillis());
        assertThat(afterAttach).as("connections after the restart").isPositive();
        assertThat(counted).as("every connection after the attachment, none ended before the shutdown began")
                .isBetween((double) afterAttach, (double) notBeforeShutdown);
    }

    @Test
    @Order(5)
    void systemdRatesTheInstalledUnitOnline() throws Exception {
        String output = host.exec("systemd-analyze", "security", "--no-pager", UNIT).check().stdout();
        Matcher score = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)").matcher(output);
        assertThat(score.find()).as(output).isTrue();
        assertThat(Double.parseDouble(score.group(1))).as(output).isLessThanOrEqualTo(SystemdUnit.MAX_EXPOSURE);
    }

    /** What the exporter wrote to the journal over all the tests above: one line per message. */
    @Test
    @Order(6)
    void theJournalHoldsOneLineMessages() throws Exception {
        host.exec("systemctl", "stop", UNIT).check();
        String journal = host.exec("journalctl", "--no-pager", "-o", "cat", "-u", UNIT, "_COMM=java").check().stdout();
        List<String> lines = journal.lines().toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARN) +\\S.*"));
        assertThat(journal).contains("attached to " + veth.clientInterface() + " via tcx")
                .contains("serving metrics on :" + PORT).contains("shutting down").contains("stopped")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void startAndAwaitMetrics() throws Exception {
        host.exec("systemctl", "start", UNIT).check();
        Await.until(this::metricsServed, READY_TIMEOUT, this::state);
    }

    private void assertOneProgramPerHook() throws Exception {
        for (Attachments.Hook hook : Attachments.Hook.values()) {
            Attachments.Tcx tcx = Attachments.tcx(veth.client(), veth.clientInterface(), hook);
            assertThat(tcx.programIds()).as("%s programs", hook).hasSize(1);
            assertThat(tcx.linkIds()).as("%s links", hook).hasSize(1);
        }
    }

    private boolean metricsServed() {
        try {
            return outboundOrMissing() >= 0;
        } catch (Exception e) {
            return false;
        }
    }

    private double outbound() throws Exception {
        return Math.max(0, outboundOrMissing());
    }

    /** The outbound count to the server's peer label; 0 before the first handshake, so -1 means no scrape. */
    private double outboundOrMissing() throws Exception {
        MetricsText metrics = Scraper.scrape(veth.client(), "127.0.0.1", Integer.parseInt(PORT), "/metrics");
        return Handshakes.outboundCount(metrics, veth.serverPeerLabel(IpFamily.V4)).orElse(0);
    }

    private String mainPid() {
        return host.exec("systemctl", "show", "--property=MainPID", "--value", UNIT).check().stdout().strip();
    }

    private int restarts() {
        return Integer.parseInt(host.exec("systemctl", "show", "--property=NRestarts", "--value", UNIT).check()
                .stdout().strip());
    }

    /** When the exporter with {@code pid} logged {@code message}, by its own timestamp, in ms. */
    private long journalMillis(String pid, String message) {
        String journal = host.exec("journalctl", "--no-pager", "-o", "cat", "_PID=" + pid).check().stdout();
        return journal.lines().filter(line -> line.contains(message)).findFirst()
                .map(line -> java.time.Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli())
                .orElseThrow(() -> new AssertionError("pid " + pid + " never logged '" + message + "':\n" + journal));
    }

    /** The options the installed wrapper gives the JVM before JAVA_OPTS, from the wrapper in the repository. */
    private static String wrapperJvmDefaults() throws java.io.IOException {
        Path wrapper = SystemdUnit.deployDirectory().resolve("systemd/tcplat-exporter");
        Matcher defaults = Pattern.compile("(?m)^jvm_defaults=\"([^\"]+)\"$").matcher(Files.readString(wrapper));
        assertThat(defaults.find()).as("jvm_defaults in %s", wrapper).isTrue();
        return defaults.group(1);
    }

    private static String field(String status, String name) {
        return status.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> line.substring(name.length() + 1).strip()).orElse("");
    }

    private String state() {
        return host.exec("systemctl", "status", "--no-pager", "--lines=20", UNIT).stdout() + "\n"
                + host.exec("journalctl", "--no-pager", "-n", "30", "-u", UNIT).stdout();
    }
}
