package dev.tcplat.exporter.preflight;

import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.LinkWatch;
import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.iface.InterfaceSelector;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What is checked before anything touches the kernel, so that an unfit environment ends in one
 * line naming the problem and its fix, with nothing attached:
 *
 * <ol>
 *   <li>the kernel is new enough for the BPF programs (5.14);</li>
 *   <li>the process holds CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or is root);</li>
 *   <li>the native shim loads and was built with this jar's ABI (one hash over every shared constant);</li>
 *   <li>every interface named exactly exists;</li>
 *   <li>the metrics port can be bound.</li>
 * </ol>
 *
 * <p>Not checked, because not needed: the BPF filesystem (nothing is pinned) and kernel BTF
 * ({@code /sys/kernel/btf/vmlinux}; the program uses no CO-RE relocations, which
 * {@code BpfObjectTest} keeps true). A kernel without TCX links is not an error either: the
 * probe falls back to legacy clsact and says so once.
 */
public final class Preflight {
    /**
     * BPF_PROG_TYPE_SYSCALL, the program userspace runs to forget a handshake, arrived in Linux 5.14;
     * ring buffers (5.8) and BPF compare-and-swap (5.12) came before it.
     */
    static final int MIN_MAJOR = 5;
    static final int MIN_MINOR = 14;

    private Preflight() {}

    public static void run(InterfaceSelector interfaces, ListenAddress listenAddress) throws PreflightException {
        checkKernel(read(Path.of("/proc/sys/kernel/osrelease")));
        checkCapabilities(read(Path.of("/proc/self/status")));
        try {
            Probe.checkShim();
            checkInterfaces(interfaces, LinkWatch.list());
        } catch (ProbeException e) {
            throw new PreflightException(e.getMessage());
        }
        checkPort(listenAddress);
    }

    /**
     * A one-line account of a refusal ({@code failure}'s errno EPERM) that happened although the
     * capabilities are held: {@code failure}'s own advice, to grant them, would be wrong. Empty
     * for any other failure, which already says what to do.
     */
    public static Optional<String> explainRefusal(ProbeException failure) {
        return explainRefusal(failure, ProcessFacts.ofThisProcess());
    }

    static Optional<String> explainRefusal(ProbeException failure, ProcessFacts facts) {
        if (failure.errno() != RefusalDiagnosis.EPERM || !holdsTheCapabilities(facts.status())) {
            return Optional.empty();
        }
        // Probe's messages read "what failed: the kernel's detail; advice"; only what failed is kept.
        String message = failure.getMessage();
        int colon = message.indexOf(": ");
        String what = colon < 0 ? message : message.substring(0, colon);
        return Optional.of(what + ": refused (EPERM) although CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON are held: "
                + RefusalDiagnosis.explain(facts));
    }

    private static boolean holdsTheCapabilities(String status) {
        try {
            return Capabilities.missing(Capabilities.effective(status)).isEmpty();
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    static void checkKernel(String osRelease) throws PreflightException {
        KernelRelease release = KernelRelease.parse(osRelease);
        if (!release.atLeast(MIN_MAJOR, MIN_MINOR)) {
            throw new PreflightException("kernel " + release.text() + " is too old: the BPF programs need Linux "
                    + MIN_MAJOR + "." + MIN_MINOR + " or newer; upgrade the kernel");
        }
    }

    static void checkCapabilities(String status) throws PreflightException {
        List<String> missing = Capabilities.missing(Capabilities.effective(status));
        if (!missing.isEmpty()) {
            throw new PreflightException("missing " + String.join(", ", missing) + " (running as uid "
                    + Capabilities.uid(status) + "): run as root, or grant CAP_BPF CAP_NET_ADMIN CAP_PERFMON"
                    + " (systemd: " + Capabilities.SYSTEMD_FIX + ")");
        }
    }

    static void checkInterfaces(InterfaceSelector interfaces, List<Link> links) throws PreflightException {
        Optional<String> missing = interfaces.firstMissingName(links);
        if (missing.isPresent()) {
            String name = missing.get();
            throw new PreflightException("interface " + name + " not found in this network namespace: check the"
                    + " name with 'ip link', or pass a pattern such as '" + name + "*' to attach whenever it appears");
        }
    }

    /**
     * Binds the port once and lets it go. Done before attaching so a taken port fails fast; the
     * server binds it for real a moment later (a closed listener leaves no TIME_WAIT behind).
     */
    static void checkPort(ListenAddress address) throws PreflightException {
        InetSocketAddress socketAddress = address.anyHost() ? new InetSocketAddress(address.port())
                : new InetSocketAddress(address.host(), address.port());
        if (socketAddress.isUnresolved()) {
            throw new PreflightException("--web.listen-address " + address + ": cannot resolve " + address.host()
                    + "; give an IP address or a resolvable name");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(socketAddress);
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("in use")) {
                throw new PreflightException("--web.listen-address " + address + ": port " + address.port()
                        + " is already in use; stop what listens there (ss -ltnp 'sport = :" + address.port()
                        + "' shows it) or choose another port");
            }
            if (reason.contains("ermission")) {
                throw new PreflightException("--web.listen-address " + address + ": binding port " + address.port()
                        + " needs CAP_NET_BIND_SERVICE; choose a port of 1024 or above, or grant it"
                        + " (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE)");
            }
            if (reason.contains("assign")) {
                throw new PreflightException("--web.listen-address " + address + ": " + address.host()
                        + " is not an address of this host; use one of its addresses, or :" + address.port()
                        + " for all of them");
            }
            throw new PreflightException("--web.listen-address " + address + ": cannot listen there (" + reason
                    + "); choose another address");
        } catch (IOException e) {
            throw new PreflightException("--web.listen-address " + address + ": cannot listen there ("
                    + e.getMessage() + "); choose another address");
        }
    }

    private static String read(Path path) throws PreflightException {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new PreflightException("cannot read " + path + " (" + e.getMessage() + "): is /proc mounted?");
        }
    }
}
