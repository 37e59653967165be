package dev.tcplat.exporter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The shape of a Prometheus web configuration file ({@code --web.config.file}), as the
 * exporter-toolkit documents it, bound strictly: a key missing here is an error, not ignored.
 * Only syntax lives here; {@link WebConfigFile} gives it meaning and checks it.
 */
record WebConfigYaml(
        @JsonProperty("tls_server_config") Tls tls,
        @JsonProperty("http_server_config") Http http,
        @JsonProperty("basic_auth_users") Map<String, String> basicAuthUsers) {

    record Tls(
            @JsonProperty("cert_file") String certFile,
            @JsonProperty("key_file") String keyFile,
            @JsonProperty("client_auth_type") String clientAuthType,
            @JsonProperty("client_ca_file") String clientCaFile,
            @JsonProperty("min_version") String minVersion,
            @JsonProperty("max_version") String maxVersion,
            @JsonProperty("cipher_suites") List<String> cipherSuites) {}

    record Http(@JsonProperty("headers") Map<String, String> headers) {}
}
