package dev.tcplat.exporter.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * HTTP basic authentication (RFC 7617) against bcrypt hashes. Every attempt costs one bcrypt
 * verification, whether the user exists or not, and user names are compared without early
 * exit, so neither the answer nor its timing tells which users exist.
 */
final class BcryptAuthenticator extends BasicAuthenticator {
    /**
     * Verified instead when the user is unknown: a hash of the same cost as the configured ones,
     * so an unknown user takes as long as a wrong password.
     */
    private final byte[] decoy;
    private final byte[][] names;
    private final byte[][] hashes;
    private final BiPredicate<byte[], byte[]> verifier;

    BcryptAuthenticator(Map<String, String> users) {
        this(users, BcryptAuthenticator::verify);
    }

    /** @param verifier checks a password (UTF-8) against a bcrypt hash (ASCII) */
    BcryptAuthenticator(Map<String, String> users, BiPredicate<byte[], byte[]> verifier) {
        super("tcplat-exporter", StandardCharsets.UTF_8);
        names = new byte[users.size()][];
        hashes = new byte[users.size()][];
        int i = 0;
        int cost = BCrypt.MIN_COST;
        for (Map.Entry<String, String> user : users.entrySet()) {
            names[i] = user.getKey().getBytes(StandardCharsets.UTF_8);
            hashes[i] = user.getValue().getBytes(StandardCharsets.US_ASCII);
            cost = Math.max(cost, Integer.parseInt(user.getValue().substring(4, 6)));
            i++;
        }
        this.verifier = verifier;
        decoy = BCrypt.withDefaults().hash(cost, "decoy".toCharArray());
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        byte[] given = user.getBytes(StandardCharsets.UTF_8);
        byte[] hash = decoy;
        boolean known = false;
        for (int i = 0; i < names.length; i++) {
            // Every name is compared, in constant time for equal lengths, whatever matched before.
            boolean same = MessageDigest.isEqual(given, names[i]);
            if (same && !known) {
                hash = hashes[i];
                known = true;
            }
        }
        boolean verified = verifier.test(password.getBytes(StandardCharsets.UTF_8), hash);
        return known & verified;
    }

    private static boolean verify(byte[] password, byte[] hash) {
        try {
            return BCrypt.verifyer().verify(password, hash).verified;
        } catch (IllegalArgumentException e) {
            // A password beyond bcrypt's 72 bytes: no hash can match it.
            return false;
        }
    }
}
