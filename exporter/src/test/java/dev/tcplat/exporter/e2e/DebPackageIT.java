package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Debian package the build makes, installed, upgraded, removed and purged with dpkg on this
 * machine. Nothing is started: the package never starts its service, and the only program run
 * is the installed wrapper with {@code --version}/bad flags, which exit before touching the
 * network. The package is purged afterwards whatever happens, so the machine is left as found;
 * a machine that already has the package installed is not touched at all.
 */
class DebPackageIT {
    private static final String PACKAGE = "tcplat-exporter";
    private static final Path CONFFILE = Path.of("/etc/default/tcplat-exporter");
    private static final List<Path> FILES = List.of(Path.of("/usr/bin/tcplat-exporter"),
            Path.of("/usr/share/tcplat-exporter/tcplat-exporter.jar"),
            Path.of("/lib/systemd/system/tcplat-exporter.service"),
            Path.of("/usr/share/doc/tcplat-exporter/README.md"));

    private Path work;

    @BeforeEach
    void refuseToReplaceAnInstalledPackage() throws IOException {
        assumeFalse(status().contains("installed"), "the " + PACKAGE + " package is installed on this machine ("
                + status() + "); testing would replace it");
        work = Files.createTempDirectory("tcplat-deb-");
    }

    @AfterEach
    void purge() throws IOException {
        if (work == null) {
            return;
        }
        // Whatever state a failure left: gone, configuration included.
        dpkg("--purge", PACKAGE);
        try (Stream<Path> files = Files.walk(work)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        assertThat(status()).as("left behind").doesNotContain("installed");
        assertThat(CONFFILE).doesNotExist();
    }

    @Test
    void installUpgradeRemovePurge() throws Exception {
        Path deb = deb();
        String version = Command.run("dpkg-deb", "--field", deb.toString(), "Version").check().stdout().strip();

        dpkg("--install", deb.toString()).check();
        assertThat(status()).isEqualTo("install ok installed " + version);
        for (Path file : FILES) {
            assertThat(file).isRegularFile();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(FILES.get(0)))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(CONFFILE)).contains("ARGS=");
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/tcplat-exporter.service"))
                .as("installing does not enable the service").doesNotExist();

        // The installed wrapper runs the installed jar with the system's Java.
        Command.Result versionOutput = Command.run("/usr/bin/tcplat-exporter", "--version").check();
        assertThat(versionOutput.stdout()).contains("tcplat-exporter");
        Command.Result badFlag = Command.run("/usr/bin/tcplat-exporter", "--web.config.file", "/nonexistent.yml");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.stderr().strip()).isEqualTo("tcplat-exporter: --web.config.file: /nonexistent.yml does not exist");

        // An operator's settings survive an upgrade.
        Files.writeString(CONFFILE, Files.readString(CONFFILE) + "ARGS=\"--interface eth9\"\n");
        Path newer = repackaged(deb, version + "+upgrade1");
        dpkg("--install", newer.toString()).check();
        assertThat(status()).isEqualTo("install ok installed " + version + "+upgrade1");
        assertThat(Files.readString(CONFFILE)).contains("--interface eth9");
        assertThat(Command.run("/usr/bin/tcplat-exporter", "--version").check().stdout()).contains("tcplat-exporter");

        // Remove keeps the configuration (Debian policy); purge takes it too.
        dpkg("--remove", PACKAGE).check();
        assertThat(status()).startsWith("deinstall ok config-files");
        for (Path file : FILES) {
            assertThat(file).doesNotExist();
        }
        assertThat(CONFFILE).exists();
        dpkg("--purge", PACKAGE).check();
        assertThat(status()).doesNotContain("installed");
        assertThat(CONFFILE).doesNotExist();
    }

    /** The package under test: what {@code mvn package} built (failsafe names it in tcplat.deb). */
    private static Path deb() {
        Path deb = Path.of(System.getProperty("tcplat.deb", "target/tcplat-exporter.deb"));
        assertThat(deb).as("run with 'mvn verify', which builds the package first").isRegularFile();
        return deb;
    }

    /** The same package with a higher version, as the next release would be. */
    private Path repackaged(Path deb, String version) throws IOException {
        Path tree = work.resolve("tree");
        Command.run("dpkg-deb", "--raw-extract", deb.toString(), tree.toString()).check();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path newer = work.resolve("newer.deb");
        Command.run("dpkg-deb", "--root-owner-group", "--build", tree.toString(), newer.toString()).check();
        return newer;
    }

    /** {@code Status Version} of the package, or empty when dpkg does not know it. */
    private static String status() {
        Command.Result query = Command.run("dpkg-query", "--show", "--showformat=${Status} ${Version}", PACKAGE);
        return query.ok() ? query.stdout().strip() : "";
    }

    private static Command.Result dpkg(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "dpkg"));
        argv.addAll(List.of(args));
        return Command.run(argv);
    }
}
