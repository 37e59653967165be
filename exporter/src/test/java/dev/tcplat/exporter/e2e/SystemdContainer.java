package dev.tcplat.exporter.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd host for one test class: the cached Debian 12 rootfs ({@link DebianRootfs})
 * unpacked afresh and booted with systemd-nspawn inside a test network namespace, driven from
 * outside through {@code nsenter} into its init. It holds only what the unit needs
 * (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN on top of nspawn's defaults); nspawn's own seccomp filter
 * refuses bpf(2), so the boot allows that one call, as a host's systemd does.
 *
 * <p>{@link #close} powers it off (nspawn's SIGTERM handling halts the container), kills what is
 * left by pid, and removes the unpacked tree, whatever state a failure left it in.
 */
final class SystemdContainer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HALT_TIMEOUT = Duration.ofSeconds(20);
    static final String CAPABILITIES = "CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN";

    private final Path work;
    private final Path rootfs;
    private final Process nspawn;
    private final Path console;
    private final long init;

    private SystemdContainer(Path work, Path rootfs, Process nspawn, Path console, long init) {
        this.work = work;
        this.rootfs = rootfs;
        this.nspawn = nspawn;
        this.console = console;
        this.init = init;
    }

    /** Unpacks a rootfs, copies {@code files} (host path → path inside) into it, and boots it in {@code ns}. */
    static SystemdContainer boot(NetworkNamespace ns, List<Path[]> files) throws Exception {
        Path work = Files.createTempDirectory("tcplat-systemd-");
        Process nspawn = null;
        try {
            Path rootfs = DebianRootfs.unpack(work, "rootfs");
            for (Path[] file : files) {
                Path target = rootfs.resolve(file[1].toString().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(file[0], target);
            }
            Path console = work.resolve("console.log");
            nspawn = new ProcessBuilder(nspawnCommand(ns, rootfs, List.of("--system-call-filter=bpf", "-b")))
                    .redirectErrorStream(true).redirectOutput(console.toFile())
                    .redirectInput(new File("/dev/null")).start();
            long init = awaitInit(nspawn, console);
            SystemdContainer container = new SystemdContainer(work, rootfs, nspawn, console, init);
            container.awaitBooted();
            return container;
        } catch (Exception | Error e) {
            if (nspawn != null) {
                halt(nspawn);
            }
            removeTree(work);
            throw e;
        }
    }

    /**
     * Runs {@code argv} in a container of a fresh rootfs with nspawn's defaults (its seccomp
     * filter included) and the unit's capabilities, without booting; after installing {@code deb}.
     */
    static Command.Result runOnce(NetworkNamespace ns, Path deb, String... argv) throws Exception {
        Path work = Files.createTempDirectory("tcplat-nspawn-");
        try {
            Path rootfs = DebianRootfs.unpack(work, "rootfs");
            Files.copy(deb, rootfs.resolve("root/tcplat-exporter.deb"));
            List<String> install = nspawnCommand(ns, rootfs, List.of("dpkg", "-i", "/root/tcplat-exporter.deb"));
            Command.run(install).check();
            return Command.run(nspawnCommand(ns, rootfs, List.of(argv)));
        } finally {
            removeTree(work);
        }
    }

    private static List<String> nspawnCommand(NetworkNamespace ns, Path rootfs, List<String> rest) {
        List<String> command = new ArrayList<>(List.of("systemd-nspawn", "--quiet", "--register=no", "--keep-unit",
                "-D", rootfs.toString(), "--network-namespace-path=" + ns.path(), "--capability=" + CAPABILITIES));
        command.addAll(rest);
        return command;
    }

    /** nspawn's child is the container's init, systemd, once it has exec'd. */
    private static long awaitInit(Process nspawn, Path console) throws Exception {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!nspawn.isAlive()) {
                throw new IllegalStateException("systemd-nspawn exited " + nspawn.exitValue() + ":\n"
                        + Files.readString(console));
            }
            Optional<ProcessHandle> init = nspawn.children().filter(child -> child.info().command()
                    .map(command -> command.endsWith("/systemd")).orElse(false)).findFirst();
            if (init.isPresent()) {
                return init.get().pid();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no systemd in the container after " + BOOT_TIMEOUT);
    }

    /**
     * Until systemd reports the boot finished. Asked too early (before its bus is up) systemctl
     * fails outright, so it is asked again; "degraded" is a booted system too, as some unit of
     * the minimal rootfs may fail in a container.
     */
    private void awaitBooted() throws Exception {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = exec("systemctl", "is-system-running", "--wait").stdout().strip();
            if (state.equals("running") || state.equals("degraded")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the container did not finish booting (last state '" + state + "'):\n"
                + console());
    }

    /** Runs {@code argv} inside the container, in all of its namespaces; reports any exit code. */
    Command.Result exec(String... argv) {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(init), "-a"));
        command.addAll(List.of(argv));
        return Command.run(command);
    }

    /** Where {@code path} inside the container is on the host. */
    Path file(String path) {
        return rootfs.resolve(path.substring(1));
    }

    String console() {
        try {
            return Files.readString(console);
        } catch (IOException e) {
            return "(console unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            halt(nspawn);
        } finally {
            removeTree(work);
        }
    }

    /** SIGTERM makes nspawn power the container off; what does not end in time is killed, by pid. */
    private static void halt(Process nspawn) throws InterruptedException {
        nspawn.destroy();
        if (!nspawn.waitFor(HALT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            List<ProcessHandle> inside = nspawn.descendants().toList();
            nspawn.destroyForcibly().waitFor();
            inside.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        // A mount nspawn could not undo (it was killed) must not be emptied with the tree.
        if (Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + dir + "/")) {
            Command.run("umount", "--recursive", "--lazy", dir.resolve("rootfs").toString());
        }
        Command.run("rm", "-rf", "--one-file-system", dir.toString()).check();
    }
}
