package dev.tcplat.exporter.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What makes the dashboard portable and readable: it names its data source only through the
 * {@code $datasource} variable (so it works imported into any Grafana and provisioned from a
 * file), every panel explains itself, latency is in seconds, and queries use classic buckets
 * and Grafana's rate interval.
 */
class DashboardConventionsTest {
    private static final String DATASOURCE = "${datasource}";
    /** Grafana's own annotation source, present in every dashboard. */
    private static final String GRAFANA_BUILTIN = "-- Grafana --";
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)]");

    private static Dashboard dashboard;

    @BeforeAll
    static void load() throws Exception {
        dashboard = Dashboard.load();
    }

    @Test
    void hasAStableUidAndAnExplicitSchemaVersion() {
        assertThat(dashboard.root().path("uid").asText()).isEqualTo("tcplat-exporter");
        assertThat(dashboard.root().path("schemaVersion").isInt()).as("schemaVersion is a number").isTrue();
        assertThat(dashboard.root().path("schemaVersion").asInt()).isPositive();
        assertThat(dashboard.root().path("title").asText()).isNotBlank();
    }

    @Test
    void datasourceIsAPrometheusVariable() {
        JsonNode datasource = variable("datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariable() {
        assertThat(dashboard.panels()).isNotEmpty();
        for (JsonNode panel : dashboard.panels()) {
            assertThat(panel.path("datasource").path("uid").asText()).as(title(panel)).isEqualTo(DATASOURCE);
            assertThat(panel.path("targets")).as(title(panel) + " has queries").isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as(title(panel)).isEqualTo(DATASOURCE);
            }
        }
    }

    @Test
    void noDatasourceIsHardCodedAnywhere() {
        List<String> found = new ArrayList<>();
        collectDatasources(dashboard.root(), "", found);
        assertThat(found).as("every datasource reference in the file").isNotEmpty()
                .allSatisfy(reference -> assertThat(reference).endsWith("=" + DATASOURCE));
    }

    @Test
    void everyPanelSaysWhatItShowsAndWhatToDo() {
        for (JsonNode panel : dashboard.panels()) {
            assertThat(panel.path("description").asText()).as(title(panel)).isNotBlank();
            // A description that only restates the title tells nobody what to do.
            assertThat(panel.path("description").asText().length()).as(title(panel)).isGreaterThan(60);
        }
    }

    @Test
    void latencyPanelsAreInSeconds() {
        List<JsonNode> latency = dashboard.panels().stream().filter(DashboardConventionsTest::showsLatency).toList();
        assertThat(latency).as("latency panels").hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode panel : latency) {
            String unit = panel.path("type").asText().equals("heatmap")
                    ? panel.path("options").path("yAxis").path("unit").asText()
                    : panel.path("fieldConfig").path("defaults").path("unit").asText();
            assertThat(unit).as(title(panel)).isEqualTo("s");
        }
    }

    @Test
    void timeSeriesPanelsHaveThresholdsAndUnits() {
        for (JsonNode panel : dashboard.panels()) {
            if (panel.path("type").asText().equals("timeseries")) {
                JsonNode defaults = panel.path("fieldConfig").path("defaults");
                assertThat(defaults.path("unit").asText()).as(title(panel)).isNotBlank();
                assertThat(defaults.path("thresholds").path("steps")).as(title(panel)).isNotEmpty();
            }
        }
    }

    @Test
    void quantilesUseClassicBucketsByLe() {
        List<Dashboard.Query> quantiles = dashboard.queries().stream()
                .filter(q -> q.expr().contains("histogram_quantile")).toList();
        assertThat(quantiles).isNotEmpty().allSatisfy(q -> {
            assertThat(q.expr()).as(q.name()).contains("_bucket{");
            assertThat(q.expr()).as(q.name()).containsPattern("sum by \\(([a-z_]+, )*le\\)");
        });
    }

    @Test
    void nativeRewriteLeavesNoClassicSeries() throws Exception {
        List<String> all = new ArrayList<>(dashboard.queries().stream().map(Dashboard.Query::expr).toList());
        AlertRules.load().forEach(rule -> all.add(rule.expr()));
        for (String expr : all) {
            String rewritten = NativeHistogramQueries.rewrite(expr);
            assertThat(rewritten).as(expr).doesNotContain("_bucket").doesNotContain("le)")
                    .doesNotContainPattern("_seconds_count");
        }
        assertThat(NativeHistogramQueries.rewrite(
                "histogram_quantile(0.9, sum by (peer, le) (rate(x_seconds_bucket{a=\"b\"}[1m])))"
                        + " / sum by (peer) (rate(x_seconds_count{a=\"b\"}[1m] offset 1d))"))
                .isEqualTo("histogram_quantile(0.9, sum by (peer) (rate(x_seconds{a=\"b\"}[1m])))"
                        + " / sum by (peer) (histogram_count(rate(x_seconds{a=\"b\"}[1m] offset 1d)))");
    }

    @Test
    void everyRangeIsTheRateInterval() {
        for (Dashboard.Query query : dashboard.queries()) {
            Matcher ranges = RANGE.matcher(query.expr());
            while (ranges.find()) {
                assertThat(ranges.group(1)).as(query.name()).isEqualTo("$__rate_interval");
            }
        }
    }

    @Test
    void instanceAndPeerAreMultiValueWithAll() {
        for (String name : List.of("instance", "peer")) {
            JsonNode variable = variable(name);
            assertThat(variable.path("multi").asBoolean()).as(name).isTrue();
            assertThat(variable.path("includeAll").asBoolean()).as(name).isTrue();
            assertThat(variable.path("allValue").asText()).as(name).isEqualTo(".*");
        }
        assertThat(variable("peer").path("definition").asText()).startsWith("label_values(");
        for (String name : List.of("job", "direction")) {
            assertThat(variable(name).path("type").asText()).isEqualTo("query");
        }
    }

    @Test
    void everyVariableAQueryNamesIsDefined() {
        List<String> defined = dashboard.variables().stream().map(v -> v.path("name").asText()).toList();
        Map<String, String> values = new java.util.HashMap<>();
        defined.forEach(name -> values.put(name, "x"));
        values.put("__rate_interval", "1m");
        for (Dashboard.Query query : dashboard.queries()) {
            // Throws on a variable without a definition.
            assertThat(Dashboard.substitute(query.expr(), values)).as(query.name()).doesNotContain("$");
        }
    }

    private static boolean showsLatency(JsonNode panel) {
        String type = panel.path("type").asText();
        if (!type.equals("timeseries") && !type.equals("heatmap")) {
            return false;
        }
        for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText();
            if (expr.contains("histogram_quantile") || expr.contains("_seconds_bucket")) {
                return true;
            }
        }
        return false;
    }

    /** Every datasource reference in the tree, as path=uid (or path=text for a bare string). */
    private static void collectDatasources(JsonNode node, String path, List<String> found) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String here = path + "/" + field.getKey();
                if (field.getKey().equals("datasource") && !field.getValue().isNull()) {
                    JsonNode ds = field.getValue();
                    String uid = ds.isTextual() ? ds.asText() : ds.path("uid").asText();
                    if (!uid.equals(GRAFANA_BUILTIN)) {
                        found.add(here + "=" + uid);
                    }
                }
                collectDatasources(field.getValue(), here, found);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectDatasources(node.get(i), path + "/" + i, found);
            }
        }
    }

    private static JsonNode variable(String name) {
        return dashboard.variables().stream().filter(v -> v.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variable " + name));
    }

    private static String title(JsonNode panel) {
        return "panel \"" + panel.path("title").asText() + "\"";
    }
}
