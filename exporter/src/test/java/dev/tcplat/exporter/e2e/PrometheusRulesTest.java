package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The alerting and recording rules in {@code deploy/prometheus/rules.yml}, checked by Prometheus'
 * own tool: they load, and they do what {@code rules_test.yml} specifies on synthetic series
 * (each alert fires when it should, after its {@code for}, with its labels and annotations, and
 * stays quiet otherwise).
 */
class PrometheusRulesTest {
    private static final Path DIR = Dashboard.repositoryRoot().resolve("deploy").resolve("prometheus");

    @Test
    void rulesLoad() throws Exception {
        Promtool.Result result = Promtool.run(null, "check", "rules", DIR.resolve("rules.yml").toString());
        assertThat(result.exitCode()).as(result::toString).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirSpecification() throws Exception {
        Promtool.Result result = Promtool.run(null, "test", "rules", DIR.resolve("rules_test.yml").toString());
        assertThat(result.exitCode()).as(result::toString).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }
}
