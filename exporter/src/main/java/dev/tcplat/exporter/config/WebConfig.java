package dev.tcplat.exporter.config;

import java.util.Map;
import java.util.Optional;

/**
 * How the HTTP endpoint protects itself, checked and ready to use: TLS (when {@code tls} is
 * present), basic-auth users with their bcrypt hashes (none: no authentication), and extra
 * response headers.
 */
public record WebConfig(Optional<TlsSettings> tls, Map<String, String> basicAuthUsers,
        Map<String, String> headers) {

    /** Plain HTTP, no authentication: what the exporter does without {@code --web.config.file}. */
    public static final WebConfig PLAIN = new WebConfig(Optional.empty(), Map.of(), Map.of());

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
        headers = Map.copyOf(headers);
    }
}
