package dev.tcplat.exporter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, as Prometheus web config files name them. Every
 * failure is an {@link IllegalArgumentException} with one line naming the file and the fix.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** The JDK's key factories, tried in turn: PKCS#8 names the algorithm, but only as an OID. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemFiles() {}

    /** The certificate chain in {@code file}, the server's own certificate first. */
    static List<X509Certificate> certificates(String key, Path file) {
        byte[] bytes = read(key, file);
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
        } catch (CertificateException | IOException e) {
            // The JDK's reason names its own exception classes, which tell an operator nothing.
            throw new IllegalArgumentException(key + " " + file + " is not a PEM certificate file");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(key + " " + file + " holds no certificate");
        }
        return chain;
    }

    /** The unencrypted PKCS#8 private key in {@code file}. */
    static PrivateKey privateKey(String key, Path file) {
        String text = new String(read(key, file), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new IllegalArgumentException(key + " " + file + " holds no PEM block");
        }
        String type = block.group(1);
        if (!type.equals("PRIVATE KEY")) {
            // "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE KEY" (SEC1) and encrypted keys have no
            // parser in the JDK; one openssl command turns any of them into PKCS#8.
            throw new IllegalArgumentException(key + " " + file + " holds a '" + type + "' block; convert it to"
                    + " unencrypted PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            // The decoder's reason ("Last unit does not have enough valid bits") says nothing useful.
            throw new IllegalArgumentException(key + " " + file + ": its PRIVATE KEY block is not valid base64;"
                    + " the file is damaged or cut short");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // Not this algorithm; try the next.
            }
        }
        throw new IllegalArgumentException(key + " " + file + ": unsupported private key algorithm"
                + " (RSA, EC, Ed25519 and Ed448 are supported)");
    }

    /**
     * Whether {@code key} belongs to {@code certificate}: a signature made with the key must
     * verify with the certificate's public key.
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // No cheap check; the TLS handshake will tell.
        }
        byte[] probe = "tcplat key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            PublicKey publicKey = certificate.getPublicKey();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(String key, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(key + " " + file + " is a directory, not a file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(key + " " + file + " does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException(key + " " + file + " is not readable by this user");
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " " + file + " can not be read: " + e.getMessage());
        }
    }
}
