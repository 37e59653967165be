package dev.tcplat.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard shipped in {@code grafana/}, read as Grafana reads it: its panels, their
 * Prometheus queries, and the template variables those queries use. Grafana itself is not needed
 * to run the queries: {@link #substitute} replaces the variables the way Grafana interpolates them
 * for Prometheus before a query is sent.
 */
final class Dashboard {
    /** The dashboard file, relative to the repository root. */
    static final Path FILE = repositoryRoot().resolve("grafana").resolve("tcplat-exporter.json");
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)(?::\\w+)?}");

    /** One query of one panel. */
    record Query(String panel, String refId, String expr, boolean instant, String format, String legend) {
        @Override
        public String toString() {
            return "'" + panel + "' " + refId + ": " + expr;
        }
    }

    private final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    static Dashboard load() throws IOException {
        return new Dashboard(new ObjectMapper().readTree(FILE.toFile()));
    }

    static Path repositoryRoot() {
        // Maven runs the tests in the exporter module's directory.
        return Path.of("").toAbsolutePath().getParent();
    }

    JsonNode root() {
        return root;
    }

    /** Every panel but rows, including panels nested in collapsed rows. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** Every query of every panel, in the order a person reads the dashboard. */
    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(),
                        target.path("expr").asText(), target.path("instant").asBoolean(false),
                        target.path("format").asText("time_series"), target.path("legendFormat").asText("")));
            }
        }
        return queries;
    }

    /** The template variables, by name. */
    List<JsonNode> variables() {
        List<JsonNode> variables = new ArrayList<>();
        root.path("templating").path("list").forEach(variables::add);
        return variables;
    }

    /** The names of the variables {@code text} refers to ({@code $name} or {@code ${name}}). */
    static List<String> variablesIn(String text) {
        List<String> names = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        }
        return names;
    }

    /**
     * {@code expr} with every variable replaced by {@code values}; fails on a variable without a
     * value, so a query can never reach Prometheus with a {@code $} left in it.
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name + " in " + expr);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
