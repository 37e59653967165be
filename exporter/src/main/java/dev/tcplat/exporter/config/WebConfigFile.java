package dev.tcplat.exporter.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a Prometheus web configuration file (the exporter-toolkit format, so one file serves
 * every exporter on a host) into a {@link WebConfig}. Everything is checked here, once, at
 * startup, certificates and keys included: a bad file is one line naming the file and the key at
 * fault ({@link StrictYaml} words the binding errors, as for the config file).
 */
public final class WebConfigFile {
    /**
     * Keys of the format this exporter does not implement: named as such, rather than as
     * unknown, so a file written for another exporter fails with the right explanation.
     */
    private static final Set<String> UNSUPPORTED = Set.of("cert", "key", "client_ca", "client_allowed_sans",
            "curve_preferences", "prefer_server_cipher_suites", "http2", "rate_limit");
    /** Response headers the format allows (exporter-toolkit's list); others are errors. */
    private static final Set<String> ALLOWED_HEADERS = Set.of("Strict-Transport-Security", "X-Content-Type-Options",
            "X-Frame-Options", "X-XSS-Protection", "Content-Security-Policy");
    /** The modular-crypt form of a bcrypt hash: version, two-digit cost, 22+31 base64 characters. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");
    private static final StrictYaml.Format FORMAT = new StrictYaml.Format(
            "a web configuration file (the Prometheus web configuration format)", UNSUPPORTED);

    private WebConfigFile() {}

    /** @throws IllegalArgumentException one line: the file, the key, what is wrong */
    public static WebConfig load(Path file) {
        // An empty file, as in exporter-toolkit: plain HTTP, no auth.
        return StrictYaml.load(file, WebConfigYaml.class, FORMAT,
                yaml -> yaml.map(y -> toConfig(y, file)).orElse(WebConfig.PLAIN));
    }

    private static WebConfig toConfig(WebConfigYaml yaml, Path file) {
        Path base = file.toAbsolutePath().getParent();
        Optional<TlsSettings> tls = yaml.tls() == null ? Optional.empty() : Optional.of(tls(yaml.tls(), base));
        Map<String, String> users = users(yaml.basicAuthUsers());
        Map<String, String> headers = headers(yaml.http());
        return new WebConfig(tls, users, headers);
    }

    private static TlsSettings tls(WebConfigYaml.Tls tls, Path base) {
        if (blank(tls.certFile()) || blank(tls.keyFile())) {
            throw new IllegalArgumentException("tls_server_config needs both cert_file and key_file");
        }
        List<X509Certificate> chain = PemFiles.certificates("cert_file", resolve(base, tls.certFile()));
        PrivateKey key = PemFiles.privateKey("key_file", resolve(base, tls.keyFile()));
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new IllegalArgumentException("key_file " + tls.keyFile() + " does not belong to the first"
                    + " certificate in cert_file " + tls.certFile());
        }
        TlsSettings.ClientAuth clientAuth = clientAuth(tls);
        List<X509Certificate> clientCas = List.of();
        if (clientAuth != TlsSettings.ClientAuth.NONE) {
            if (blank(tls.clientCaFile())) {
                throw new IllegalArgumentException("client_auth_type " + tls.clientAuthType()
                        + " needs client_ca_file, the CA that signs client certificates");
            }
            clientCas = PemFiles.certificates("client_ca_file", resolve(base, tls.clientCaFile()));
        }
        int min = version("min_version", tls.minVersion(), "TLS12");
        int max = version("max_version", tls.maxVersion(), "TLS13");
        if (min > max) {
            throw new IllegalArgumentException("tls_server_config: min_version " + tls.minVersion()
                    + " is above max_version " + tls.maxVersion());
        }
        List<String> protocols = new ArrayList<>();
        for (int v = min; v <= max; v++) {
            protocols.add("TLSv1." + v);
        }
        try {
            return TlsSettings.create(chain, key, protocols, cipherSuites(tls.cipherSuites()), clientAuth, clientCas);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls_server_config can not be used: " + e.getMessage());
        }
    }

    /** Exporter-toolkit's rule: a client CA without an explicit type means RequireAndVerifyClientCert. */
    private static TlsSettings.ClientAuth clientAuth(WebConfigYaml.Tls tls) {
        String type = tls.clientAuthType();
        if (blank(type)) {
            return blank(tls.clientCaFile()) ? TlsSettings.ClientAuth.NONE : TlsSettings.ClientAuth.REQUIRE_AND_VERIFY;
        }
        return switch (type) {
            case "NoClientCert" -> TlsSettings.ClientAuth.NONE;
            case "VerifyClientCertIfGiven" -> TlsSettings.ClientAuth.VERIFY_IF_GIVEN;
            case "RequireAndVerifyClientCert" -> TlsSettings.ClientAuth.REQUIRE_AND_VERIFY;
            // A certificate nobody verifies proves nothing, so the two unverified modes are refused.
            case "RequestClientCert", "RequireAnyClientCert" -> throw new IllegalArgumentException(
                    "client_auth_type " + type + " (unverified client certificates) is not supported;"
                            + " use VerifyClientCertIfGiven or RequireAndVerifyClientCert");
            default -> throw new IllegalArgumentException("client_auth_type '" + type + "' is not one of"
                    + " NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert");
        };
    }

    /** The minor version number of TLS 1.x, from {@code TLS12}-style names. */
    private static int version(String key, String value, String fallback) {
        String name = blank(value) ? fallback : value;
        int index = VERSIONS.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(key + " '" + name + "' is not one of " + String.join(", ", VERSIONS));
        }
        if (index < 2) {
            // RFC 8996 deprecates TLS 1.0 and 1.1, and the JDK disables them.
            throw new IllegalArgumentException(key + " " + name + " is refused: TLS 1.0 and 1.1 are deprecated"
                    + " (RFC 8996); use TLS12 or TLS13");
        }
        return index;
    }

    private static List<String> cipherSuites(List<String> names) throws IllegalArgumentException {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        List<String> supported;
        try {
            supported = TlsSettings.supportedCipherSuites();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cipher_suites can not be checked: " + e.getMessage());
        }
        List<String> unknown = names.stream().filter(n -> !supported.contains(n)).collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("cipher_suites: " + String.join(", ", unknown)
                    + " not supported by this Java runtime");
        }
        return List.copyOf(names);
    }

    private static Map<String, String> users(Map<String, String> users) {
        if (users == null) {
            return Map.of();
        }
        Map<String, String> checked = new LinkedHashMap<>();
        users.forEach((user, hash) -> {
            if (user.isEmpty() || user.contains(":")) {
                // RFC 7617: the user-id ends at the first colon.
                throw new IllegalArgumentException("basic_auth_users: user name '" + user
                        + "' must be non-empty and without ':'");
            }
            if (hash == null || !BCRYPT.matcher(hash).matches()) {
                throw new IllegalArgumentException("basic_auth_users: the password of '" + user
                        + "' is not a bcrypt hash; make one with: htpasswd -nBC 10 '' | tr -d ':\\n'");
            }
            checked.put(user, hash);
        });
        return checked;
    }

    private static Map<String, String> headers(WebConfigYaml.Http http) {
        if (http == null || http.headers() == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        http.headers().forEach((name, value) -> {
            String allowed = ALLOWED_HEADERS.stream().filter(h -> h.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("http_server_config.headers: '" + name
                            + "' can not be set; allowed: " + String.join(", ", ALLOWED_HEADERS.stream().sorted()
                                    .collect(Collectors.toList()))));
            if (value == null || value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException("http_server_config.headers." + name + " must be one line");
            }
            headers.put(allowed, value);
        });
        return headers;
    }

    /** Relative paths in the file are relative to the file, as in exporter-toolkit. */
    private static Path resolve(Path base, String path) {
        return base == null ? Path.of(path) : base.resolve(path);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
