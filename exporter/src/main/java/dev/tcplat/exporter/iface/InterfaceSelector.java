package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.Link;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which interfaces to watch, from the {@code --interface} values (exact names, shell-style
 * patterns such as {@code eth*}, or {@code all}) and the {@code --interface.exclude} patterns.
 * Pure: it decides from a list of links, so the same rules apply at start and on every change.
 *
 * <ul>
 *   <li>An exact name selects that interface whatever its state, loopback included: it was asked
 *       for by name.</li>
 *   <li>A pattern selects every non-loopback interface whose name it matches, up or down: a
 *       down interface costs nothing and is measured the moment it comes up.</li>
 *   <li>{@code all} selects every non-loopback interface that is up.</li>
 *   <li>An exclusion removes what it matches from everything above.</li>
 * </ul>
 */
public final class InterfaceSelector {
    public static final String ALL = "all";
    /** IFNAMSIZ - 1 (linux/if.h): longer names cannot exist. */
    private static final int MAX_NAME_LENGTH = 15;

    private final List<String> names;
    private final List<InterfaceGlob> patterns;
    private final boolean all;
    private final List<InterfaceGlob> excludes;

    private InterfaceSelector(List<String> names, List<InterfaceGlob> patterns, boolean all,
            List<InterfaceGlob> excludes) {
        this.names = List.copyOf(names);
        this.patterns = List.copyOf(patterns);
        this.all = all;
        this.excludes = List.copyOf(excludes);
    }

    /** @throws IllegalArgumentException with a one-line message naming the offending value */
    public static InterfaceSelector of(List<String> selections, List<String> exclusions) {
        List<String> names = new ArrayList<>();
        List<InterfaceGlob> patterns = new ArrayList<>();
        boolean all = false;
        for (String raw : selections) {
            String value = raw.strip();
            if (value.equals(ALL)) {
                all = true;
            } else if (InterfaceGlob.isPattern(value)) {
                patterns.add(flagged("--interface", () -> InterfaceGlob.of(value)));
            } else {
                flagged("--interface", () -> checkName(value));
                if (!names.contains(value)) {
                    names.add(value);
                }
            }
        }
        if (names.isEmpty() && patterns.isEmpty() && !all) {
            throw new IllegalArgumentException("no interface to watch; pass --interface NAME, a pattern such as"
                    + " 'eth*', or all");
        }
        List<InterfaceGlob> excludes = new ArrayList<>();
        for (String raw : exclusions) {
            excludes.add(flagged("--interface.exclude", () -> InterfaceGlob.of(raw.strip())));
        }
        for (String name : names) {
            for (InterfaceGlob exclude : excludes) {
                if (exclude.matches(name)) {
                    throw new IllegalArgumentException("interface " + name + " is both selected by name and excluded"
                            + " by --interface.exclude " + exclude + "; drop one of them");
                }
            }
        }
        return new InterfaceSelector(names, patterns, all, excludes);
    }

    private static <T> T flagged(String flag, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static String checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty interface name");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("'" + name + "' is longer than the " + MAX_NAME_LENGTH
                    + " characters an interface name can have");
        }
        if (name.contains("/") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + name + "' cannot be an interface name (no '/' or spaces)");
        }
        return name;
    }

    /** The links to watch, in the order given. */
    public List<Link> select(Collection<Link> links) {
        List<Link> selected = new ArrayList<>();
        for (Link link : links) {
            if (selects(link)) {
                selected.add(link);
            }
        }
        return selected;
    }

    private boolean selects(Link link) {
        if (names.contains(link.name())) {
            return true;
        }
        if (link.loopback() || excluded(link.name())) {
            return false;
        }
        if (all && link.up()) {
            return true;
        }
        return patterns.stream().anyMatch(p -> p.matches(link.name()));
    }

    private boolean excluded(String name) {
        return excludes.stream().anyMatch(e -> e.matches(name));
    }

    /** The interfaces asked for by exact name: they must exist at start, and are missed when gone. */
    public List<String> names() {
        return names;
    }

    /** Whether interfaces that appear later can be selected without being named. */
    public boolean followsNewNames() {
        return all || !patterns.isEmpty();
    }

    /** The name among {@link #names()} that {@code links} lacks, if any. */
    public Optional<String> firstMissingName(Collection<Link> links) {
        return names.stream().filter(n -> links.stream().noneMatch(l -> l.name().equals(n))).findFirst();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(names);
        patterns.forEach(p -> parts.add(p.toString()));
        if (all) {
            parts.add("all up non-loopback interfaces");
        }
        String text = String.join(", ", parts);
        if (!excludes.isEmpty()) {
            List<String> ex = new ArrayList<>();
            excludes.forEach(e -> ex.add(e.toString()));
            text += " except " + String.join(", ", ex);
        }
        return text;
    }
}
