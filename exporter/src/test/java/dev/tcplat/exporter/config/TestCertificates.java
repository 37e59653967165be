package dev.tcplat.exporter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the openssl command line in a directory: a CA, a server
 * certificate for 127.0.0.1 signed by it, a client certificate signed by it, and a client
 * certificate from a second, untrusted CA. Keys are P-256 in PKCS#8, as openssl 3 writes them.
 */
public final class TestCertificates {
    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create(Path dir) throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        pki.ca("ca");
        pki.ca("other-ca");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        pki.signed("server", "ca", "server.ext");
        pki.signed("client", "ca", "client.ext");
        pki.signed("stranger", "other-ca", "client.ext");
        return pki;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The certificates in {@code NAME.crt}, read as the web config file reads them. */
    public List<X509Certificate> chain(String name) {
        return PemFiles.certificates(name, file(name + ".crt"));
    }

    /** The private key in {@code NAME.key}, read as the web config file reads it. */
    public PrivateKey key(String name) {
        return PemFiles.privateKey(name, file(name + ".key"));
    }

    private void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + name);
    }

    private void signed(String name, String ca, String extensions) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", extensions);
    }

    /** Runs openssl in the directory; returns its exit code and output (stdin is empty). */
    public Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private void openssl(String... args) throws Exception {
        Result result = run(args);
        if (result.code() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + result.output());
        }
    }

    public record Result(int code, String output) {}
}
