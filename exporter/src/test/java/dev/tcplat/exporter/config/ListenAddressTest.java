package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenAddressTest {
    @Test
    void portAloneListensOnAllAddresses() {
        ListenAddress address = ListenAddress.parse(":10090");
        assertThat(address.anyHost()).isTrue();
        assertThat(address.port()).isEqualTo(10090);
    }

    @Test
    void hostAndPort() {
        assertThat(ListenAddress.parse("127.0.0.1:9999")).isEqualTo(new ListenAddress("127.0.0.1", 9999));
        assertThat(ListenAddress.parse("[::1]:9999")).isEqualTo(new ListenAddress("::1", 9999));
        assertThat(ListenAddress.parse("[::1]:9999").toString()).isEqualTo("[::1]:9999");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10090        | has no port",
        "host:http    | is not a number",
        ":0           | within 1..65535",
        ":70000       | within 1..65535",
        "::1:9000     | brackets",
    })
    void badAddressesSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
