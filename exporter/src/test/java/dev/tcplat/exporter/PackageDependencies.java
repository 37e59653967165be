package dev.tcplat.exporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which of the exporter's packages each source file refers to, read from the text: imports,
 * static imports and fully qualified names alike. A package is named by its first segment under
 * {@code dev.tcplat.exporter} (a sub-package belongs to its parent's layer); the root package is
 * {@link #ROOT}. Text is enough here because a Java file can reach another package of ours only
 * by writing its qualified name, in an import or in the code.
 */
final class PackageDependencies {
    static final String ROOT = "(root)";
    /** {@code dev.tcplat.exporter.bpf.Probe}, {@code dev.tcplat.exporter.bpf.*} or {@code dev.tcplat.exporter.Flags}. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\bdev\\.tcplat\\.exporter\\.(?:([a-z][a-z0-9_]*)\\.|([A-Z]))");

    /** One reference from a file of package {@code from} to package {@code to}. */
    record Edge(String from, String to, Path file, int line) {
        @Override
        public String toString() {
            return from + " -> " + to + " (" + file.getFileName() + ":" + line + ")";
        }
    }

    private final Set<String> packages = new TreeSet<>();
    private final List<Edge> edges = new ArrayList<>();

    private PackageDependencies() {}

    /** @param sourceRoot the directory of the {@code dev.tcplat.exporter} package, e.g. src/main/java/dev/tcplat/exporter */
    static PackageDependencies scan(Path sourceRoot) {
        PackageDependencies result = new PackageDependencies();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> result.read(sourceRoot, f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private void read(Path sourceRoot, Path file) {
        Path relative = sourceRoot.relativize(file);
        String from = relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
        packages.add(from);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("package ")) {
                continue;
            }
            Matcher reference = REFERENCE.matcher(lines.get(i));
            while (reference.find()) {
                String to = reference.group(1) != null ? reference.group(1) : ROOT;
                if (!to.equals(from)) {
                    edges.add(new Edge(from, to, relative, i + 1));
                }
            }
        }
    }

    /** Every package that has a source file, the root included. */
    Set<String> packages() {
        return packages;
    }

    List<Edge> edges() {
        return edges;
    }

    /** Package to the packages it refers to. */
    Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        packages.forEach(p -> graph.put(p, new TreeSet<>()));
        edges.forEach(e -> graph.computeIfAbsent(e.from(), p -> new TreeSet<>()).add(e.to()));
        return graph;
    }

    /** A cycle of {@code graph} as a path that ends where it starts, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
        List<String> path = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> found = visit(graph, start, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(Map<String, Set<String>> graph, String node, Map<String, Integer> state,
            List<String> path) {
        Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return List.of();
        }
        if (seen != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> found = visit(graph, next, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }
}
