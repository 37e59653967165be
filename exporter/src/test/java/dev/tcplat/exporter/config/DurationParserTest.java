package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationParserTest {
    @Test
    void unitsOfPrometheusDurations() {
        assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationParser.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationParser.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void numbersWithoutUnitAreRejected() {
        assertThatThrownBy(() -> DurationParser.parse("10")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DurationParser.parse("-1s")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DurationParser.parse("1.5s")).hasMessageContaining("not a duration");
    }

    @Test
    void durationsBeyondTheNanosecondClockAreTooLong() {
        assertThat(DurationParser.parse("2562047h")).isEqualTo(Duration.ofHours(2_562_047));
        assertThatThrownBy(() -> DurationParser.parse("2562048h")).hasMessage("'2562048h' is too long; at most 2562047h");
        assertThatThrownBy(() -> DurationParser.parse("99999999999999999999ms")).hasMessageContaining("is too long");
        assertThatThrownBy(() -> DurationParser.parse("9999999999999999h")).hasMessageContaining("is too long");
    }

    @Test
    void formatWritesDurationsAsTheyAreParsed() {
        assertThat(DurationParser.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationParser.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(DurationParser.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationParser.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationParser.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationParser.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationParser.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
        for (String text : new String[] {"0s", "500ms", "90s", "2m", "1h", "15m"}) {
            assertThat(DurationParser.format(DurationParser.parse(text))).isEqualTo(text);
        }
    }
}
