package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcplat.exporter.metrics.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conventions of {@code grafana/tcplat-exporter.json} that make it work both imported and
 * file-provisioned, on any Prometheus data source, and make it readable: checked on the file
 * itself, without a Grafana server. That its queries run and return data is
 * {@link DashboardQueriesIT}'s business.
 */
class DashboardConventionsTest {
    private static final String DATASOURCE_REF = "${datasource}";
    /** Grafana's own built-ins a query may use besides the dashboard's variables. */
    private static final Set<String> BUILT_INS = Set.of("__rate_interval", "__interval", "__range");
    /**
     * Range windows besides $__rate_interval, each chosen on purpose: 5m for "now" in the peer
     * table (an instant query), 1d for the baseline a peer is compared with.
     */
    private static final Set<String> FIXED_WINDOWS = Set.of("5m", "1d");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]+)]");
    private static final Pattern TCPLAT_METRIC = Pattern.compile("\\btcplat_[a-z_]+");

    private static Dashboard dashboard;

    @BeforeAll
    static void load() throws Exception {
        dashboard = Dashboard.load();
    }

    @Test
    void hasAStableUidAndAnExplicitSchemaVersion() {
        assertThat(dashboard.root().path("uid").asText()).isEqualTo("tcplat-exporter");
        assertThat(dashboard.root().path("schemaVersion").isInt()).isTrue();
        assertThat(dashboard.root().path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.root().path("title").asText()).isNotBlank();
        // An id belongs to one Grafana database; a shared dashboard must not carry one.
        assertThat(dashboard.root().path("id").isMissingNode() || dashboard.root().path("id").isNull()).isTrue();
    }

    @Test
    void choosesItsPrometheusThroughADatasourceVariable() {
        JsonNode datasource = variable("datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
    }

    @Test
    void filtersByJobInstanceDirectionAndPeer() {
        assertThat(variable("job").path("type").asText()).isEqualTo("query");
        for (String name : List.of("instance", "direction", "peer")) {
            JsonNode variable = variable(name);
            assertThat(variable.path("type").asText()).as(name).isEqualTo("query");
            assertThat(variable.path("multi").asBoolean()).as(name + " is multi-value").isTrue();
            assertThat(variable.path("includeAll").asBoolean()).as(name + " offers All").isTrue();
            // Regex matchers (=~) take All as ".*", which also matches the label's absence.
            assertThat(variable.path("allValue").asText()).as(name).isEqualTo(".*");
        }
        assertThat(variable("peer").path("query").asText()).startsWith("label_values(").endsWith(", peer)");
        for (JsonNode variable : dashboard.variables()) {
            if (variable.path("type").asText().equals("query")) {
                assertThat(variable.path("datasource").path("uid").asText()).as(variable.path("name").asText())
                        .isEqualTo(DATASOURCE_REF);
            }
        }
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariable() {
        assertThat(dashboard.panels()).isNotEmpty();
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_REF);
            assertThat(panel.path("targets").size()).as(title + " has queries").isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_REF);
            }
        }
    }

    @Test
    void noDatasourceUidIsHardCodedAnywhere() {
        List<String> hardCoded = new ArrayList<>();
        collectDatasourceUids(dashboard.root(), "", hardCoded);
        assertThat(hardCoded).as("datasource references other than ${datasource}").isEmpty();
    }

    private static void collectDatasourceUids(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (field.getKey().equals("datasource")) {
                    boolean builtInAnnotations = value.path("type").asText().equals("grafana");
                    boolean ok = builtInAnnotations || (value.isObject() && value.path("uid").asText().equals(DATASOURCE_REF));
                    if (!ok) {
                        out.add(path + "/datasource = " + value);
                    }
                } else {
                    collectDatasourceUids(value, path + "/" + field.getKey(), out);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectDatasourceUids(node.get(i), path + "[" + i + "]", out);
            }
        }
    }

    @Test
    void everyPanelSaysWhatItShowsAndWhatToDo() {
        for (JsonNode panel : dashboard.panels()) {
            String description = panel.path("description").asText();
            assertThat(description).as(panel.path("title").asText()).hasSizeGreaterThan(80).contains("What to do");
        }
    }

    @Test
    void everyPanelHasAUnit() {
        for (JsonNode panel : dashboard.panels()) {
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText())
                    .as(panel.path("title").asText()).isNotBlank();
        }
        List<String> latencyPanels = dashboard.panels().stream()
                .filter(p -> p.path("targets").toString().contains("tcplat_handshake_rtt_seconds")
                        && !p.path("type").asText().equals("table"))
                .filter(p -> !p.path("title").asText().contains("relative"))
                .map(p -> p.path("fieldConfig").path("defaults").path("unit").asText()).toList();
        assertThat(latencyPanels).as("latency panels are in seconds").isNotEmpty().containsOnly("s");
    }

    @Test
    void panelIdsAreUniqueAndEveryPanelIsPlaced() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.root().path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("id " + panel.path("id")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).isPositive();
            assertThat(panel.path("gridPos").path("h").asInt()).isPositive();
        }
    }

    @Test
    void queriesUseOnlyDefinedVariablesAndDeliberateWindows() {
        Set<String> defined = new HashSet<>(BUILT_INS);
        dashboard.variables().forEach(v -> defined.add(v.path("name").asText()));
        for (Dashboard.Query query : dashboard.queries()) {
            assertThat(Dashboard.variablesIn(query.expr())).as(query.toString()).isSubsetOf(defined);
            Matcher range = RANGE.matcher(query.expr());
            while (range.find()) {
                String window = range.group(1);
                assertThat(window.equals("$__rate_interval") || FIXED_WINDOWS.contains(window))
                        .as("window [%s] in %s", window, query).isTrue();
            }
        }
    }

    @Test
    void everySelectorIsScopedToTheChosenJobAndInstances() {
        for (Dashboard.Query query : dashboard.queries()) {
            Matcher selector = SELECTOR.matcher(query.expr());
            int selectors = 0;
            while (selector.find()) {
                selectors++;
                assertThat(selector.group(2)).as(query.toString())
                        .contains("job=~\"$job\"").contains("instance=~\"$instance\"");
            }
            assertThat(selectors).as("%s selects something", query).isPositive();
        }
    }

    @Test
    void quantilesAreTakenPerBucketBoundary() {
        for (Dashboard.Query query : dashboard.queries()) {
            if (query.expr().contains("histogram_quantile")) {
                assertThat(query.expr()).as(query.toString()).contains("le)").contains("_bucket{");
            }
        }
    }

    @Test
    void everyMetricQueriedIsOneTheExporterExposes() throws Exception {
        Set<String> exposed = exposedNames();
        for (Dashboard.Query query : dashboard.queries()) {
            Matcher metric = TCPLAT_METRIC.matcher(query.expr());
            while (metric.find()) {
                String name = metric.group().replaceFirst("_(bucket|count|sum)$", "");
                assertThat(exposed).as("%s in %s", name, query).contains(name);
            }
        }
    }

    /** Every name in MetricNames, counters with their _total as exposed. */
    private static Set<String> exposedNames() throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Field field : MetricNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.get(null) instanceof String name
                    && name.startsWith("tcplat_")) {
                names.add(name);
                names.add(name + "_total");
            }
        }
        return names;
    }

    private static JsonNode variable(String name) {
        return dashboard.variables().stream().filter(v -> v.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variable " + name));
    }
}
