package dev.tcplat.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman as the tests drive it: runc (crun refuses hosts with hybrid cgroups), cgroupfs
 * (no systemd to manage cgroups on a test machine), and a storage of its own under
 * {@link DebianRootfs#CACHE}, so the images the tests make never mix with the machine's.
 *
 * <p>No registry is reachable: the Containerfile's base, {@code debian:bookworm-slim}, is the
 * cached Debian 12 rootfs imported under that name, and builds never pull.
 */
final class Podman {
    static final String BASE_IMAGE = "docker.io/library/debian:bookworm-slim";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private Podman() {}

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("podman",
                "--root", DebianRootfs.CACHE.resolve("podman").toString(),
                "--runroot", "/run/tcplat-exporter-test/podman",
                "--runtime", "/usr/sbin/runc", "--cgroup-manager", "cgroupfs"));
        command.addAll(List.of(args));
        return command;
    }

    /** Builds {@code containerfile} in {@code context} as {@code tag}, on top of the imported base. */
    static void build(Path context, Path containerfile, String tag) throws IOException, InterruptedException {
        if (!Command.run(command("image", "exists", BASE_IMAGE)).ok()) {
            run(command("import", DebianRootfs.tarball().toString(), BASE_IMAGE));
        }
        // The build's apt-get reaches Debian's mirror through the host's network; the image runs in a test namespace.
        run(command("build", "--pull=never", "--network=host", "--quiet", "-f", containerfile.toString(), "-t", tag,
                context.toString()));
    }

    /**
     * The flags that give a container what {@code securityContext} of a Kubernetes container
     * spec gives it; {@code seccompProfile} replaces a Localhost profile's node path by a file.
     */
    static List<String> securityFlags(JsonNode securityContext, Path localhostProfile) {
        List<String> flags = new ArrayList<>();
        if (securityContext.path("readOnlyRootFilesystem").asBoolean()) {
            flags.add("--read-only");
        }
        if (!securityContext.path("allowPrivilegeEscalation").asBoolean(true)) {
            flags.add("--security-opt=no-new-privileges");
        }
        if (securityContext.has("runAsUser")) {
            flags.add("--user=" + securityContext.path("runAsUser").asInt());
        }
        securityContext.at("/capabilities/drop").forEach(cap -> flags.add("--cap-drop=" + cap.asText()));
        securityContext.at("/capabilities/add").forEach(cap -> flags.add("--cap-add=" + cap.asText()));
        String seccomp = securityContext.at("/seccompProfile/type").asText("RuntimeDefault");
        switch (seccomp) {
            case "Localhost" -> flags.add("--security-opt=seccomp=" + localhostProfile);
            case "Unconfined" -> flags.add("--security-opt=seccomp=unconfined");
            default -> { } // RuntimeDefault: podman's own profile
        }
        return flags;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tcplat-podman-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + BUILD_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue()
                        + ":\n" + Files.readString(log));
            }
        } finally {
            Files.delete(log);
        }
    }
}
