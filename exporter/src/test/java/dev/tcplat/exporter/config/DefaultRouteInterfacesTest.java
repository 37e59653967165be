package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefaultRouteInterfacesTest {
    private static final String ROUTE_V4 = String.join("\n",
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0",
            "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
            "wg0\t00000000\t00000000\t0001\t0\t0\t100\t00000000\t0\t0\t0",
            "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0");

    private static final String ROUTE_V6 = String.join("\n",
            "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth1",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo");

    @Test
    void interfacesOfIpv4AndIpv6DefaultRoutesInOrder() {
        assertThat(DefaultRouteInterfaces.parse(ROUTE_V4, ROUTE_V6)).containsExactly("eth0", "wg0", "eth1");
    }

    @Test
    void noDefaultRouteMeansNoInterface() {
        String onlyLan = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
                + "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF";
        assertThat(DefaultRouteInterfaces.parse(onlyLan, "")).isEmpty();
    }
}
