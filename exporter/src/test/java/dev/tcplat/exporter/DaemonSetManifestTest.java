package dev.tcplat.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.deploy.SystemdUnit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/kubernetes/tcplat-exporter.yaml, checked as far as a machine without a cluster can: it
 * parses, and its parts agree with each other, with the exporter's own flags and endpoints, and
 * with the systemd unit's capabilities.
 */
class DaemonSetManifestTest {
    static JsonNode namespace;
    static JsonNode daemonSet;
    static JsonNode pod;
    static JsonNode container;

    @BeforeAll
    static void parse() throws IOException {
        Path file = SystemdUnit.deployDirectory().resolve("kubernetes/tcplat-exporter.yaml");
        List<JsonNode> documents = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        try (var values = mapper.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            values.forEachRemaining(documents::add);
        }
        assertThat(documents).extracting(d -> d.path("kind").asText()).containsExactly("Namespace", "DaemonSet");
        namespace = documents.get(0);
        daemonSet = documents.get(1);
        pod = daemonSet.at("/spec/template/spec");
        assertThat(pod.path("containers")).hasSize(1);
        container = pod.path("containers").get(0);
    }

    @Test
    void daemonSetInItsOwnPrivilegedNamespace() {
        assertThat(daemonSet.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(daemonSet.at("/metadata/namespace").asText()).isEqualTo(namespace.at("/metadata/name").asText());
        assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("privileged");
        JsonNode selector = daemonSet.at("/spec/selector/matchLabels");
        JsonNode labels = daemonSet.at("/spec/template/metadata/labels");
        selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey())).isEqualTo(e.getValue()));
        assertThat(selector.size()).isPositive();
    }

    @Test
    void hostNetworkWithTheUnitsCapabilitiesOnly() throws IOException {
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
        JsonNode security = container.path("securityContext");
        Set<String> added = new TreeSet<>();
        security.at("/capabilities/add").forEach(c -> added.add(c.asText().toLowerCase(Locale.ROOT)));
        assertThat(added).isEqualTo(SystemdUnit.load().ambientCapabilities());
        assertThat(security.at("/capabilities/drop").get(0).asText()).isEqualTo("ALL");
        assertThat(security.path("privileged").asBoolean(true)).isFalse();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    }

    @Test
    void argumentsAreExporterFlagsAndAgreeWithPortsAndAnnotations() {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        Flags flags = new Flags();
        new CommandLine(flags).parseArgs(args.toArray(String[]::new)); // unknown flags throw
        int port = ListenAddress.parse(flags.listenAddress).port();

        JsonNode metricsPort = container.path("ports").get(0);
        assertThat(metricsPort.path("containerPort").asInt()).isEqualTo(port);
        assertThat(metricsPort.path("hostPort").asInt()).isEqualTo(port);
        JsonNode annotations = daemonSet.at("/spec/template/metadata/annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(flags.telemetryPath);
    }

    @Test
    void probesUseTheHealthEndpoints() {
        String portName = container.path("ports").get(0).path("name").asText();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/-/ready");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo(portName);
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/-/healthy");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo(portName);
    }

    @Test
    void jnaDirectoryIsAWritableVolume() {
        String runtimeDirectory = null;
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("RUNTIME_DIRECTORY")) {
                runtimeDirectory = env.path("value").asText();
            }
        }
        Set<String> volumes = new TreeSet<>();
        pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        List<JsonNode> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(mounts::add);
        assertThat(mounts).allSatisfy(m -> assertThat(volumes).contains(m.path("name").asText()));
        assertThat(mounts.stream().map(m -> m.path("mountPath").asText()).collect(Collectors.toList()))
                .contains(runtimeDirectory, "/tmp");
    }

    /**
     * The pod's seccomp profile is the shipped one, by file name: a runtime's default profile may
     * refuse bpf(2) despite CAP_BPF. The profile allows bpf and refuses what runtime defaults
     * refuse to a container without CAP_SYS_ADMIN. (ContainerImageIT runs the image under it.)
     */
    @Test
    void seccompProfileIsTheShippedOneAndAllowsBpf() throws IOException {
        JsonNode seccomp = container.at("/securityContext/seccompProfile");
        assertThat(seccomp.path("type").asText()).isEqualTo("Localhost");
        String localhostProfile = seccomp.path("localhostProfile").asText();
        assertThat(localhostProfile).startsWith("profiles/");
        Path shipped = SystemdUnit.deployDirectory().resolve("kubernetes/seccomp")
                .resolve(Path.of(localhostProfile).getFileName());
        JsonNode profile = new ObjectMapper().readTree(shipped.toFile());
        assertThat(profile.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        Set<String> allowed = new TreeSet<>();
        Set<String> refused = new TreeSet<>();
        for (JsonNode rule : profile.path("syscalls")) {
            Set<String> into = rule.path("action").asText().equals("SCMP_ACT_ALLOW") ? allowed : refused;
            rule.path("names").forEach(name -> into.add(name.asText()));
        }
        assertThat(allowed).contains("bpf", "socket", "clone", "clone3", "mmap", "mprotect", "futex", "execve")
                .doesNotContainAnyElementsOf(refused);
        assertThat(refused).contains("mount", "unshare", "setns", "ptrace", "perf_event_open", "init_module",
                "kexec_load", "keyctl", "userfaultfd", "open_by_handle_at");
    }
}
