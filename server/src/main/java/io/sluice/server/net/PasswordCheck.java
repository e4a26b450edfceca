package io.sluice.server.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * canal's client password check, MySQL 4.1 style (canal {@code SecurityUtil.scrambleServerAuth}). The client sends
 * {@code token = SHA1(seed ‖ SHA1(SHA1(pw))) XOR SHA1(pw)} as 40 lowercase hex characters; the server holds only
 * {@code stored = SHA1(SHA1(pw))}, recovers {@code SHA1(pw) = token XOR SHA1(seed ‖ stored)} and accepts iff
 * {@code SHA1} of that equals {@code stored}. Neither the password nor anything replayable crosses the wire.
 */
final class PasswordCheck {

    private static final int SHA1_LENGTH = 20;

    private final byte[] stored;

    PasswordCheck(byte[] storedDoubleSha1) {
        if (storedDoubleSha1.length != SHA1_LENGTH) {
            throw new IllegalArgumentException("stored hash must be 20 bytes");
        }
        this.stored = storedDoubleSha1.clone();
    }

    /**
     * @param seed  the 8 bytes sent in this connection's handshake
     * @param token the client's {@code ClientAuth.password} field (UTF-8 hex text)
     * @throws MalformedRequestException when the token is not hex text (canal fails on it and closes the channel)
     */
    boolean matches(byte[] seed, byte[] token) {
        byte[] scrambled = parseHex(token);
        if (scrambled.length != SHA1_LENGTH) {
            return false;
        }
        MessageDigest sha1 = sha1();
        sha1.update(seed);
        sha1.update(stored);
        byte[] mask = sha1.digest();
        byte[] stage1 = new byte[SHA1_LENGTH];
        for (int i = 0; i < SHA1_LENGTH; i++) {
            stage1[i] = (byte) (scrambled[i] ^ mask[i]);
        }
        return MessageDigest.isEqual(sha1.digest(stage1), stored);
    }

    private static byte[] parseHex(byte[] token) {
        String text = new String(token, StandardCharsets.UTF_8);
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedRequestException("password token is not hex (" + token.length + " bytes)");
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
