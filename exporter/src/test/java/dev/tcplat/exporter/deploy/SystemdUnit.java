package dev.tcplat.exporter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The project's systemd unit as data: its settings (a key given several times keeps every
 * value, in order), and the capability set the tests reproduce, so the tests and the unit can
 * not drift apart.
 */
public final class SystemdUnit {
    /**
     * The most {@code systemd-analyze security} may rate the unit, offline ({@code SystemdUnitTest})
     * and in a booted systemd ({@code SystemdServiceIT}).
     */
    public static final double MAX_EXPOSURE = 3.0;

    private final Path file;
    private final Map<String, List<String>> settings;

    private SystemdUnit(Path file, Map<String, List<String>> settings) {
        this.file = file;
        this.settings = settings;
    }

    /** {@code deploy/} of the source tree; tests run in the exporter module's directory. */
    public static Path deployDirectory() {
        Path dir = Path.of("").toAbsolutePath().resolveSibling("deploy");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " does not exist: run the tests from the exporter module");
        }
        return dir;
    }

    public static SystemdUnit load() throws IOException {
        Path file = deployDirectory().resolve("systemd/tcplat-exporter.service");
        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("[")) {
                continue;
            }
            int eq = text.indexOf('=');
            settings.computeIfAbsent(text.substring(0, eq), k -> new ArrayList<>()).add(text.substring(eq + 1));
        }
        return new SystemdUnit(file, settings);
    }

    public Path file() {
        return file;
    }

    /** Every value of {@code key}, in order; empty when it is not set. */
    public List<String> values(String key) {
        return settings.getOrDefault(key, List.of());
    }

    /** The last value of {@code key}, as systemd applies it for single-valued settings. */
    public String value(String key) {
        List<String> values = values(key);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** {@code AmbientCapabilities}, as lower-case names without {@code cap_}: what setpriv takes. */
    public Set<String> ambientCapabilities() {
        Set<String> names = new TreeSet<>();
        for (String value : values("AmbientCapabilities")) {
            for (String cap : value.split("\\s+")) {
                names.add(cap.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""));
            }
        }
        return names;
    }

    /**
     * {@code setpriv} arguments giving a process exactly this unit's capabilities, as uid/gid
     * {@code id}, with no supplementary groups: what systemd does for a dynamic user.
     */
    public List<String> setprivLauncher(int id) {
        return setprivLauncher(id, ambientCapabilities());
    }

    public static List<String> setprivLauncher(int id, Set<String> capabilities) {
        String caps = "-all" + (capabilities.isEmpty() ? "" : ",+" + String.join(",+", capabilities));
        return List.of("setpriv", "--reuid", Integer.toString(id), "--regid", Integer.toString(id),
                "--clear-groups", "--inh-caps", caps, "--ambient-caps", caps, "--bounding-set", caps,
                "--no-new-privs", "--");
    }
}
