package dev.tcplat.exporter.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Prometheus rule file: each alerting rule's name and expression. */
public final class AlertRules {
    public static final String FILE = "deploy/prometheus/rules.yml";
    public static final String TEST_FILE = "deploy/prometheus/rules_test.yml";

    private AlertRules() {}

    public record Rule(String alert, String expr) {}

    public static Path path() {
        return RepositoryFiles.find(FILE);
    }

    public static List<Rule> load() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(path().toFile());
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(rule.path("alert").asText(rule.path("record").asText()),
                        rule.path("expr").asText()));
            }
        }
        return rules;
    }
}
