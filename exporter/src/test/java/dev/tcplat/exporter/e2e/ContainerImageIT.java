package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tcplat.exporter.deploy.SystemdUnit;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image as the DaemonSet runs it: the shipped Containerfile built with podman, run with the
 * manifest's securityContext (read from the manifest, not restated), its volumes as tmpfs, its
 * environment and arguments, in the client namespace of a veth pair as it would run in the
 * node's. Under the shipped seccomp profile it measures real handshakes; under the runtime's
 * default profile (Debian 12's podman allows bpf(2) only with CAP_SYS_ADMIN) it must refuse to
 * start with the message that names the filter.
 */
class ContainerImageIT {
    private static final String IMAGE = "localhost/tcplat-exporter:it";
    private static final int CONNECTIONS = 10;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static JsonNode container;
    private static Path seccompProfile;

    @BeforeAll
    static void buildTheImage() throws Exception {
        Path deploy = SystemdUnit.deployDirectory();
        JsonNode daemonSet = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(deploy.resolve("kubernetes/tcplat-exporter.yaml").toFile()).readAll().stream()
                .map(JsonNode.class::cast).filter(d -> d.path("kind").asText().equals("DaemonSet"))
                .findFirst().orElseThrow();
        container = daemonSet.at("/spec/template/spec/containers/0");
        String localhostProfile = container.at("/securityContext/seccompProfile/localhostProfile").asText();
        seccompProfile = deploy.resolve("kubernetes/seccomp").resolve(Path.of(localhostProfile).getFileName());
        Podman.build(deploy.getParent(), deploy.resolve("kubernetes/Containerfile"), IMAGE);
    }

    @Test
    void measuresHandshakesUnderTheShippedProfile() throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4))) {
            String name = containerName();
            Path log = Files.createTempFile("tcplat-container-", ".log");
            Process podman = new ProcessBuilder(runCommand(name, veth, container.path("securityContext")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null"))
                    .start();
            try {
                Await.until(() -> served(veth) >= 0, READY_TIMEOUT, () -> read(log));
                TcpClient.connectAndClose(veth.client(), veth.serverAddress(IpFamily.V4), listener.port(),
                        CONNECTIONS);
                Await.until(() -> served(veth) >= CONNECTIONS, Duration.ofSeconds(5), () -> read(log));
                Thread.sleep(500);
                assertThat(served(veth)).isEqualTo(CONNECTIONS);
                assertThat(read(log)).contains("attached to " + veth.clientInterface() + " via tcx");
            } finally {
                Command.run(Podman.command("rm", "--force", "--time", "10", name));
                podman.waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(log);
            }
        }
    }

    @Test
    void theRuntimesDefaultProfileIsNamedAsTheCause() throws Exception {
        ObjectNode securityContext = container.path("securityContext").deepCopy();
        securityContext.putObject("seccompProfile").put("type", "RuntimeDefault");
        try (NetworkNamespace ns = NetworkNamespace.create("podman")) {
            String name = containerName();
            List<String> command = runCommand(name, ns, List.of("--interface", "lo"), securityContext);
            Command.Result result = Command.run(command);
            Command.run(Podman.command("rm", "--force", "--time", "0", name));
            String output = result.stdout() + result.stderr();
            assertThat(result.exitCode()).as(output).isEqualTo(1);
            assertThat(output).contains("cannot load the BPF program: refused (EPERM) although CAP_BPF, CAP_NET_ADMIN"
                    + " and CAP_PERFMON are held: a seccomp filter refuses the bpf system call")
                    .doesNotContain("it needs CAP_BPF");
        }
    }

    private static String containerName() {
        return NetworkNamespace.PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    private static List<String> runCommand(String name, VethPair veth, JsonNode securityContext) {
        return runCommand(name, veth.client(), List.of("--interface", veth.clientInterface()), securityContext);
    }

    /** {@code podman run} of the image with the manifest's container spec, {@code securityContext} replacing its own. */
    private static List<String> runCommand(String name, NetworkNamespace ns, List<String> moreArgs,
            JsonNode securityContext) {
        List<String> run = new ArrayList<>(List.of("run", "--rm", "--name", name, "--network=ns:" + ns.path(),
                // what a kubelet's containerd gives a pod; podman's defaults are higher than this host allows
                "--ulimit=nofile=1024:1024", "--ulimit=nproc=4096:4096"));
        run.addAll(Podman.securityFlags(securityContext, seccompProfile));
        container.path("volumeMounts").forEach(mount -> run.add("--tmpfs=" + mount.path("mountPath").asText()));
        container.path("env").forEach(env -> run.add("--env=" + env.path("name").asText() + "="
                + env.path("value").asText()));
        run.add(IMAGE);
        container.path("args").forEach(arg -> run.add(arg.asText()));
        run.addAll(moreArgs);
        return Podman.command(run.toArray(String[]::new));
    }

    /** The outbound count to the server, -1 while nothing answers on the manifest's port. */
    private static double served(VethPair veth) {
        try {
            int port = container.at("/ports/0/containerPort").asInt();
            MetricsText metrics = Scraper.scrape(veth.client(), "127.0.0.1", port, "/metrics");
            return Handshakes.outboundCount(metrics, veth.serverPeerLabel(IpFamily.V4)).orElse(0);
        } catch (Exception e) {
            return -1;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
