package dev.tcplat.exporter.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcplat.exporter.bpf.Link;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterfaceSelectorTest {
    private static final Link LO = new Link(1, "lo", true, true);
    private static final Link ETH0 = new Link(2, "eth0", true, false);
    private static final Link ETH1_DOWN = new Link(3, "eth1", false, false);
    private static final Link ENS3 = new Link(4, "ens3", true, false);
    private static final Link VETH = new Link(5, "veth1a2b", true, false);
    private static final Link WG_DOWN = new Link(6, "wg0", false, false);
    private static final List<Link> HOST = List.of(LO, ETH0, ETH1_DOWN, ENS3, VETH, WG_DOWN);

    private static List<String> select(List<String> selections, List<String> excludes) {
        return InterfaceSelector.of(selections, excludes).select(HOST).stream().map(Link::name).toList();
    }

    @Test
    void anExactNameSelectsThatInterfaceInAnyStateEvenLoopback() {
        assertThat(select(List.of("eth1"), List.of())).containsExactly("eth1");
        assertThat(select(List.of("lo"), List.of())).containsExactly("lo");
        assertThat(select(List.of("eth9"), List.of())).isEmpty();
    }

    @Test
    void patternsMatchNamesUpOrDownButNeverLoopback() {
        assertThat(select(List.of("eth*"), List.of())).containsExactly("eth0", "eth1");
        assertThat(select(List.of("eth*", "ens*"), List.of())).containsExactly("eth0", "eth1", "ens3");
        assertThat(select(List.of("e??0"), List.of())).containsExactly("eth0");
        assertThat(select(List.of("eth[1-9]"), List.of())).containsExactly("eth1");
        assertThat(select(List.of("eth[!1]"), List.of())).containsExactly("eth0");
        assertThat(select(List.of("*"), List.of())).doesNotContain("lo").hasSize(5);
        assertThat(select(List.of("l*"), List.of())).isEmpty();
    }

    @Test
    void allIsEveryNonLoopbackInterfaceThatIsUp() {
        assertThat(select(List.of("all"), List.of())).containsExactly("eth0", "ens3", "veth1a2b");
    }

    @Test
    void exclusionsRemoveWhatTheyMatchFromPatternsAndAll() {
        assertThat(select(List.of("all"), List.of("veth*"))).containsExactly("eth0", "ens3");
        assertThat(select(List.of("e*"), List.of("ens3", "eth1"))).containsExactly("eth0");
        assertThat(select(List.of("all"), List.of("e*", "v*"))).isEmpty();
    }

    @Test
    void anExclusionOfAnExactlyNamedInterfaceIsAContradiction() {
        assertThatThrownBy(() -> InterfaceSelector.of(List.of("eth0"), List.of("eth*")))
                .hasMessage("interface eth0 is both selected by name and excluded by --interface.exclude eth*;"
                        + " drop one of them");
    }

    @Test
    void patternCharactersAreTheOnlySpecialOnes() {
        Link dotted = new Link(7, "eth0.100", true, false);
        Link plus = new Link(8, "ethX100", true, false);
        InterfaceSelector selector = InterfaceSelector.of(List.of("eth0.*"), List.of());
        assertThat(selector.select(List.of(dotted, plus))).containsExactly(dotted);
        assertThat(InterfaceSelector.of(List.of("a[.^]"), List.of()).select(List.of(
                new Link(9, "a.", true, false), new Link(10, "a^", true, false), new Link(11, "ab", true, false))))
                .extracting(Link::name).containsExactly("a.", "a^");
    }

    @Test
    void namesMustBeOnesLinuxCanHave() {
        assertThatThrownBy(() -> InterfaceSelector.of(List.of("a-very-long-name0"), List.of()))
                .hasMessage("--interface: 'a-very-long-name0' is longer than the 15 characters an interface name"
                        + " can have");
        assertThatThrownBy(() -> InterfaceSelector.of(List.of("eth0/1"), List.of()))
                .hasMessageStartingWith("--interface: 'eth0/1' cannot be an interface name");
        assertThatThrownBy(() -> InterfaceSelector.of(List.of("eth[0"), List.of()))
                .hasMessage("--interface: 'eth[0': '[' without a closing ']'");
        assertThatThrownBy(() -> InterfaceSelector.of(List.of("eth0"), List.of("")))
                .hasMessage("--interface.exclude: an empty interface name or pattern");
        assertThatThrownBy(() -> InterfaceSelector.of(List.of(), List.of()))
                .hasMessageStartingWith("no interface to watch");
    }

    @Test
    void exactNamesAreRequiredAndReportedWhenMissing() {
        InterfaceSelector selector = InterfaceSelector.of(List.of("eth0", "tun0", "ens*"), List.of());
        assertThat(selector.names()).containsExactly("eth0", "tun0");
        assertThat(selector.firstMissingName(HOST)).hasValue("tun0");
        assertThat(selector.followsNewNames()).isTrue();
        assertThat(InterfaceSelector.of(List.of("eth0"), List.of()).followsNewNames()).isFalse();
        assertThat(InterfaceSelector.of(List.of("eth0"), List.of()).firstMissingName(HOST)).isEmpty();
    }

    @Test
    void describesItselfForLogs() {
        assertThat(InterfaceSelector.of(List.of("eth0", "ens*", "all"), List.of("veth*")))
                .hasToString("eth0, ens*, all up non-loopback interfaces except veth*");
    }
}
