package dev.tcplat.exporter.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shim's rtnetlink dump, read in the test JVM's own network namespace (read only: nothing is
 * attached), must agree with what sysfs says about the same interfaces. The watch socket's
 * wake-ups are exercised where changes can be made safely, in {@code InterfaceLifecycleIT}.
 */
class LinkWatchTest {
    @Test
    void listsEveryInterfaceWithItsIndexAndState() throws Exception {
        Map<String, Link> fromNetlink = LinkWatch.list().stream()
                .collect(Collectors.toMap(Link::name, l -> l, (a, b) -> a, TreeMap::new));
        Map<String, Link> fromSysfs = sysfs();

        assertThat(fromNetlink).isEqualTo(fromSysfs);
        assertThat(fromNetlink.get("lo")).isEqualTo(new Link(1, "lo", true, true));
    }

    /** /sys/class/net/NAME/{ifindex,flags}: the test JVM runs in the namespace sysfs shows. */
    private static Map<String, Link> sysfs() throws IOException {
        Map<String, Link> links = new TreeMap<>();
        try (Stream<Path> devices = Files.list(Path.of("/sys/class/net"))) {
            for (Path device : devices.toList()) {
                String name = device.getFileName().toString();
                Path ifindex = device.resolve("ifindex");
                if (!Files.exists(ifindex)) {
                    continue; // bonding_masters and similar control files
                }
                int index = Integer.parseInt(Files.readString(ifindex).strip());
                int flags = Integer.decode(Files.readString(device.resolve("flags")).strip());
                links.put(name, Link.fromFlags(index, name, flags));
            }
        }
        return links;
    }
}
