package dev.tcplat.exporter.grafana;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository outside the exporter module, found from wherever the build runs. */
public final class RepositoryFiles {
    private RepositoryFiles() {}

    /**
     * {@code relative} resolved against the first directory upwards from the working directory
     * that has it (Maven runs tests in {@code exporter/}, an IDE may run them at the root).
     */
    public static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
