package dev.tcplat.exporter;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.config.ConfigFile;
import dev.tcplat.exporter.config.DefaultRouteInterfaces;
import dev.tcplat.exporter.config.DurationParser;
import dev.tcplat.exporter.config.ExporterConfig;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.config.WebConfig;
import dev.tcplat.exporter.config.WebConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The command line, in Prometheus exporter conventions. Turns into an {@link ExporterConfig}. */
@Command(name = "tcplat-exporter", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Passively measures TCP handshake latency per remote peer with eBPF and serves it"
                + " to Prometheus. Needs root, or CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON.")
final class Flags {
    @Option(names = {"-i", "--interface"}, paramLabel = "NAME|GLOB|all", split = ",",
            description = "Interface to watch: a name, a pattern such as 'eth*' (followed as interfaces come and go),"
                    + " or all (every non-loopback interface that is up); repeat or separate with commas."
                    + " Default: the interfaces of the default routes.")
    List<String> interfaces = new ArrayList<>();

    @Option(names = "--interface.exclude", paramLabel = "GLOB", split = ",",
            description = "Never watch interfaces matching this name or pattern (e.g. 'veth*'); repeatable.")
    List<String> interfaceExcludes = new ArrayList<>();

    @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ":10090",
            description = "Address to serve metrics on: HOST:PORT, :PORT or [IPv6]:PORT. Default: ${DEFAULT-VALUE}.")
    String listenAddress;

    @Option(names = "--web.telemetry-path", paramLabel = "PATH", defaultValue = "/metrics",
            description = "Path under which metrics are served. Default: ${DEFAULT-VALUE}.")
    String telemetryPath;

    @Option(names = "--attach-mode", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (TCX links, legacy clsact if the kernel lacks TCX), tcx, or tc (legacy clsact)."
                    + " Default: ${DEFAULT-VALUE}.")
    String attachMode;

    @Option(names = "--handshake.timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long a handshake may wait for its answer before it counts as failed"
                    + " (e.g. 500ms, 10s, 2m). Default: ${DEFAULT-VALUE}.")
    String handshakeTimeout;

    @Option(names = "--pending.capacity", paramLabel = "N", defaultValue = "65536", converter = WholeNumber.class,
            description = "Most handshakes waiting for an answer at once, per direction. Default: ${DEFAULT-VALUE}.")
    int pendingCapacity;

    @Option(names = "--ringbuf.size", paramLabel = "BYTES", defaultValue = "8388608", converter = WholeNumber.class,
            description = "Size of the kernel-to-exporter ring buffer, a power of two. Default: ${DEFAULT-VALUE}.")
    int ringbufBytes;

    @Option(names = "--log.level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info or debug. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = "--log.format", paramLabel = "FORMAT", defaultValue = "plain",
            description = "plain (one line per message) or json (one JSON object per line). Default: ${DEFAULT-VALUE}.")
    String logFormat;

    @Option(names = "--config.file", paramLabel = "FILE",
            description = "YAML file of peer labelling (groups, cardinality budget, idle expiry, port label) and"
                    + " histogram settings; see deploy/config/tcplat-exporter.yml. Default: built-in defaults.")
    Path configFile;

    @Option(names = "--config.check",
            description = "Check the flags and config files, print the result and exit: 0 if valid, 2 if not.")
    boolean configCheck;

    @Option(names = "--web.config.file", paramLabel = "FILE",
            description = "Prometheus web configuration file (TLS, basic auth). Default: plain HTTP, no auth.")
    Path webConfigFile;

    /** @throws IllegalArgumentException with a one-line message naming the flag */
    ExporterConfig toConfig() throws IOException {
        List<String> watched = interfaces;
        if (watched.isEmpty()) {
            watched = new ArrayList<>(DefaultRouteInterfaces.ofThisHost());
            if (watched.isEmpty()) {
                throw new IllegalArgumentException("no default route found to pick an interface from;"
                        + " pass --interface NAME");
            }
        }
        return new ExporterConfig(watched, parse("--web.listen-address", () -> ListenAddress.parse(listenAddress)),
                telemetryPath, parse("--attach-mode", this::attachMode),
                parse("--handshake.timeout", () -> DurationParser.parse(handshakeTimeout)),
                pendingCapacity, ringbufBytes, logLevel.toLowerCase(Locale.ROOT), logFormat.toLowerCase(Locale.ROOT),
                webConfigFile == null ? WebConfig.PLAIN
                        : parse("--web.config.file", () -> WebConfigFile.load(webConfigFile)),
                interfaceExcludes,
                configFile == null ? MetricsConfig.DEFAULTS : parse("--config.file", () -> ConfigFile.load(configFile)));
    }

    private AttachMode attachMode() {
        try {
            return AttachMode.valueOf(attachMode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + attachMode + "' is not one of auto, tcx, tc");
        }
    }

    private static <T> T parse(String flag, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** Numeric flags, refused in the user's terms rather than picocli's "is not an int". */
    static final class WholeNumber implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            if (!text.strip().matches("[+-]?\\d+")) {
                throw new TypeConversionException("'" + text + "' is not a whole number");
            }
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is out of range: a whole number from "
                        + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
            }
        }
    }
}
