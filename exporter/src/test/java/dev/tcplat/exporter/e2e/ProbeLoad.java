package dev.tcplat.exporter.e2e;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that loads the probe and attaches it to one interface, then detaches and exits: 0
 * on success, 1 with the probe's message. It skips the exporter's preflight checks on purpose,
 * so that {@link CapabilitiesIT} learns what the kernel itself refuses without a capability.
 */
final class ProbeLoad {
    private ProbeLoad() {}

    public static void main(String[] args) throws Exception {
        String ifname = args[0];
        int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "ifindex")).strip());
        try (Probe probe = Probe.open(1 << 16)) {
            AttachMode mode = AttachMode.valueOf(args[1]);
            probe.attach(ifindex, ifname, mode);
            probe.detach(ifindex, ifname);
            System.out.println("attached and detached");
        } catch (ProbeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
