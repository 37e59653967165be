package dev.tcplat.exporter.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus itself reads them: {@code promtool check rules} (syntax, PromQL,
 * templates) and {@code promtool test rules} (the unit tests in rules_test.yml: each alert fires
 * on the series it is meant for, and stays quiet on the others). promtool comes with Debian's
 * {@code prometheus} package, which {@code scripts/install-deps.sh --test} installs.
 */
class PromtoolRulesTest {
    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Result result = promtool("check", "rules", AlertRules.path().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Result result = promtool("test", "rules", RepositoryFiles.find(AlertRules.TEST_FILE).toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    record Result(int exitCode, String output) {}

    static Result promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            throw new AssertionError("promtool not found at " + promtool
                    + ": install the test dependencies with scripts/install-deps.sh --test (Debian package prometheus)");
        }
        List<String> argv = new java.util.ArrayList<>(List.of(promtool.toString()));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(new File("/dev/null"))
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), String.join(" ", argv) + "\n" + new String(output, StandardCharsets.UTF_8));
    }
}
