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
}
