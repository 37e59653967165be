package dev.tcplat.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Basic-auth checks against bcrypt hashes. What would reveal a user's existence is whether a
 * bcrypt verification runs and how costly it is; the tests record every verification instead of
 * timing them.
 */
class BcryptAuthenticatorTest {
    private static final String ALICE = new String(BCrypt.withDefaults().hash(6, "wonderland".toCharArray()),
            StandardCharsets.US_ASCII);
    private static final String BOB = new String(BCrypt.withDefaults().hash(6, "builder".toCharArray()),
            StandardCharsets.US_ASCII);

    @Test
    void rightPasswordPasses() {
        BcryptAuthenticator auth = new BcryptAuthenticator(Map.of("alice", ALICE, "bob", BOB));
        assertThat(auth.checkCredentials("alice", "wonderland")).isTrue();
        assertThat(auth.checkCredentials("bob", "builder")).isTrue();
    }

    @Test
    void wrongPasswordUnknownUserAndSwappedPasswordsFail() {
        BcryptAuthenticator auth = new BcryptAuthenticator(Map.of("alice", ALICE, "bob", BOB));
        assertThat(auth.checkCredentials("alice", "Wonderland")).isFalse();
        assertThat(auth.checkCredentials("alice", "")).isFalse();
        assertThat(auth.checkCredentials("alice", "builder")).isFalse();
        assertThat(auth.checkCredentials("carol", "wonderland")).isFalse();
        assertThat(auth.checkCredentials("", "")).isFalse();
        assertThat(auth.checkCredentials("alic", "wonderland")).isFalse();
    }

    @Test
    void passwordLongerThanBcryptTakesFails() {
        BcryptAuthenticator auth = new BcryptAuthenticator(Map.of("alice", ALICE));
        assertThat(auth.checkCredentials("alice", "wonderland" + "x".repeat(100))).isFalse();
    }

    @Test
    void unknownUserCostsOneVerificationOfTheSameCostAsAKnownOne() {
        List<String> verified = new ArrayList<>();
        BcryptAuthenticator auth = new BcryptAuthenticator(Map.of("alice", ALICE), (password, hash) -> {
            verified.add(new String(hash, StandardCharsets.US_ASCII));
            return false;
        });

        auth.checkCredentials("alice", "guess");
        auth.checkCredentials("mallory", "guess");

        assertThat(verified).hasSize(2);
        assertThat(verified.get(0)).isEqualTo(ALICE);
        // The decoy: another hash, but with the same version and cost prefix ("$2a$06$").
        assertThat(verified.get(1)).isNotEqualTo(ALICE).startsWith(ALICE.substring(0, 7));
    }
}
