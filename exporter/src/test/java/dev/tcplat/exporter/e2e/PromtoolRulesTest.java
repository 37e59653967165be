package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.grafana.AlertRules;
import dev.tcplat.exporter.grafana.RepositoryFiles;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus itself reads them: {@code promtool check rules} (syntax, PromQL,
 * templates) and {@code promtool test rules} (the unit tests in rules_test.yml: each alert fires
 * on the series it is meant for, and stays quiet on the others). No kernel involved; it lives
 * here for {@link Promtool}.
 */
class PromtoolRulesTest {
    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Promtool.Result result = Promtool.run(null, "check", "rules", AlertRules.path().toString());
        assertThat(result.exitCode()).as(result::toString).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Promtool.Result result = Promtool.run(null, "test", "rules",
                RepositoryFiles.find(AlertRules.TEST_FILE).toString());
        assertThat(result.exitCode()).as(result::toString).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }
}
