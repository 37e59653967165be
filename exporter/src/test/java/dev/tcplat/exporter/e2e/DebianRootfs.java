package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A Debian 12 root filesystem made from Debian's own packages with mmdebstrap, as a tarball:
 * booted by systemd-nspawn as a real systemd host ({@link SystemdContainer}) and imported into
 * podman as the Containerfile's base image, since no image registry is reachable from the tests.
 *
 * <p>Made once (about half a minute) and kept under {@link #CACHE}, named by a digest of what
 * goes into it, so a change to the package list makes a new one and the suite otherwise pays
 * only for unpacking. A lock file keeps two test JVMs from making it at once.
 */
final class DebianRootfs {
    static final Path CACHE = Path.of("/var/cache/tcplat-exporter-test");
    private static final String SUITE = "bookworm";
    /**
     * What a systemd host running the .deb needs (its Depends, systemd and dbus to boot, iproute2
     * and procps to look at it, curl to scrape from inside); the image's base gets the same.
     */
    private static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "dbus", "iproute2",
            "openjdk-17-jre-headless", "libelf1", "curl", "procps");
    private static final Duration MAKE_TIMEOUT = Duration.ofMinutes(5);

    private DebianRootfs() {}

    /** The cached tarball, made first if missing. */
    static Path tarball() throws IOException, InterruptedException {
        String recipe = SUITE + " minbase " + String.join(",", PACKAGES);
        Path tarball = CACHE.resolve("debian-" + SUITE + "-" + digest(recipe) + ".tar");
        Files.createDirectories(CACHE);
        try (FileChannel lockFile = FileChannel.open(CACHE.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            if (Files.exists(tarball)) {
                return tarball;
            }
            Path partial = CACHE.resolve(tarball.getFileName() + ".partial.tar");
            Path log = Files.createTempFile("tcplat-mmdebstrap-", ".log");
            Process process = new ProcessBuilder("mmdebstrap", "--quiet", "--variant=minbase",
                    "--include=" + String.join(",", PACKAGES), SUITE, partial.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(MAKE_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("mmdebstrap did not finish in " + MAKE_TIMEOUT + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("mmdebstrap exited " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(log);
            return tarball;
        }
    }

    /** Unpacks the tarball into a new directory under {@code parent}, owners and modes kept. */
    static Path unpack(Path parent, String name) throws IOException, InterruptedException {
        Path dir = Files.createDirectory(parent.resolve(name));
        Process tar = new ProcessBuilder("tar", "-C", dir.toString(), "--numeric-owner", "-xpf",
                tarball().toString()).redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("unpacking the rootfs failed: " + output);
        }
        return dir;
    }

    private static String digest(String recipe) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
