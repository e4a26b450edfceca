package io.sluice.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * canal's password token (MySQL 4.1 scramble, canal {@code SecurityUtil.scramble411}): lowercase hex of
 * {@code SHA1(seed ‖ SHA1(SHA1(pw))) XOR SHA1(pw)}. The official client hashes the platform-default bytes of the
 * password; this one hashes UTF-8, the default of every current JVM setup and the only choice that does not depend
 * on the machine.
 */
final class Scramble {

    private Scramble() {
    }

    static String token(String password, byte[] seed) {
        MessageDigest sha1 = sha1();
        byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(seed);
        sha1.update(stage2);
        byte[] mask = sha1.digest();
        for (int i = 0; i < mask.length; i++) {
            mask[i] ^= stage1[i];
        }
        return HexFormat.of().formatHex(mask);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
