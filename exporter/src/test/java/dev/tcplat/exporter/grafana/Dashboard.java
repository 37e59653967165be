package dev.tcplat.exporter.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard as data: its panels (rows flattened), their queries and its variables. */
public final class Dashboard {
    public static final String FILE = "grafana/tcplat-exporter.json";
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    private final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    public static Dashboard load() throws IOException {
        return new Dashboard(new ObjectMapper().readTree(path().toFile()));
    }

    public static Path path() {
        return RepositoryFiles.find(FILE);
    }

    public JsonNode root() {
        return root;
    }

    /** Every panel that is not a row, including those inside collapsed rows. */
    public List<JsonNode> panels() {
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

    /** One PromQL expression of a panel, named for failure messages. */
    public record Query(String panel, String refId, String expr) {
        public String name() {
            return "panel \"" + panel + "\" query " + refId;
        }
    }

    public List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(),
                        target.path("expr").asText()));
            }
        }
        return queries;
    }

    /** Every templating variable. */
    public List<JsonNode> variables() {
        List<JsonNode> variables = new ArrayList<>();
        root.path("templating").path("list").forEach(variables::add);
        return variables;
    }

    /**
     * The variable queries ({@code label_values(SELECTOR, LABEL)}) as the PromQL Grafana's
     * Prometheus data source runs for them: which values of LABEL the selector has.
     */
    public List<Query> variableQueries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode variable : variables()) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            String definition = variable.path("definition").asText();
            Matcher m = LABEL_VALUES.matcher(definition);
            if (!m.matches()) {
                throw new IllegalStateException("variable " + variable.path("name").asText()
                        + " is not a label_values query: " + definition);
            }
            queries.add(new Query("variable $" + variable.path("name").asText(), "-",
                    "count by (" + m.group(2) + ") (" + m.group(1) + ")"));
        }
        return queries;
    }

    /**
     * {@code expr} with every {@code $name} and {@code ${name}} replaced from {@code values};
     * fails on a variable it has no value for, so a new variable cannot slip through untested.
     */
    public static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no test value for $" + m.group(1) + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
