package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exporter as a log pipeline and a kubelet see it: with {@code --log.format json} every
 * line on stderr is one JSON object, and once attached {@code /-/ready} answers 200.
 */
class JsonLogsIT {
    @Test
    void everyLogLineIsAJsonObjectAndReadyFollowsAttachment() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        try (VethPair veth = VethPair.create();
                ExporterProcess exporter = ExporterProcess.start(veth.client(), "--interface", veth.clientInterface(),
                        "--log.format", "json")) {
            String ready = veth.client().call(() -> Scraper.get("127.0.0.1", exporter.port(), "/-/ready"));
            assertThat(ready).isEqualTo("Ready\n");
            String landing = veth.client().call(() -> Scraper.get("127.0.0.1", exporter.port(), "/"));
            assertThat(landing).contains("href=\"/metrics\"");
            assertThat(exporter.stop()).isZero();
            for (String line : exporter.stderrText().strip().split("\n")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.isObject()).isTrue();
            assertThat(line.path("level").asText()).isNotEmpty();
            assertThat(line.path("timestamp").asLong()).isPositive();
        });
        assertThat(lines).extracting(line -> line.path("formattedMessage").asText())
                .anyMatch(message -> message.startsWith("attached to "))
                .contains("stopped");
    }
}
