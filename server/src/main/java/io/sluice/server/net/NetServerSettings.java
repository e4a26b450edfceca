package io.sluice.server.net;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What the client-protocol endpoint needs, already validated: canal's {@code canal.ip}, {@code canal.port},
 * {@code canal.user} and {@code canal.passwd}, plus limits canal does not have.
 *
 * @param bindIp          address to listen on; empty = all interfaces (canal.ip)
 * @param port            TCP port (canal.port, default 11111); 0 picks a free port (tests)
 * @param user            required user name; empty = any (canal.user)
 * @param passwordHash    hex of SHA1(SHA1(plain)), 40 digits, any case; empty = no password check (canal.passwd)
 * @param maxFrameLength  largest request frame body accepted; requests are small, a bigger one closes the channel
 * @param ioThreads       Netty event loop threads; 0 = Netty's default (2 × cores)
 * @param blockingThreads threads for requests that may block: GETs waiting for entries, subscriptions persisted
 *                        to meta (they never park an event loop)
 * @param authTimeout     a connection that has not authenticated within this time is closed
 * @param nativeTransport use epoll where available (TCP_QUICKACK re-arming works either way on Linux)
 * @param quickAck        re-arm TCP_QUICKACK after every read (Linux); off only to measure what it saves
 */
public record NetServerSettings(String bindIp, int port, String user, String passwordHash, int maxFrameLength,
                                int ioThreads, int blockingThreads, Duration authTimeout, boolean nativeTransport,
                                boolean quickAck) {

    public static final int DEFAULT_PORT = 11111;
    public static final int DEFAULT_MAX_FRAME = 1 << 20;
    public static final int DEFAULT_BLOCKING_THREADS = 64;
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(60);

    public NetServerSettings {
        bindIp = bindIp == null ? "" : bindIp.trim();
        user = user == null ? "" : user.trim();
        passwordHash = passwordHash == null ? "" : passwordHash.trim();
        Objects.requireNonNull(authTimeout, "authTimeout");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!user.isEmpty() && passwordHash.isEmpty()) {
            // canal 1.1.8 refuses to start like this (alibaba/canal #4941): a user without a password would
            // let anyone in who guesses the name.
            throw new IllegalArgumentException("a user is configured (" + user + ") but no password hash");
        }
        if (!passwordHash.isEmpty() && !isSha1Hex(passwordHash)) {
            throw new IllegalArgumentException("password hash must be 40 hex digits (hex of SHA1(SHA1(password))), "
                    + "got " + passwordHash.length() + " characters");
        }
        if (maxFrameLength < 64) {
            throw new IllegalArgumentException("maxFrameLength too small: " + maxFrameLength);
        }
        if (ioThreads < 0 || blockingThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 0 and blockingThreads >= 1");
        }
        if (authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("authTimeout must be positive");
        }
    }

    /** Open server (no user, no password) on {@code bindIp:port} with default limits. */
    public static NetServerSettings open(String bindIp, int port) {
        return new NetServerSettings(bindIp, port, "", "", DEFAULT_MAX_FRAME, 0, DEFAULT_BLOCKING_THREADS,
                DEFAULT_AUTH_TIMEOUT, true, true);
    }

    public NetServerSettings withCredentials(String newUser, String newPasswordHash) {
        return new NetServerSettings(bindIp, port, newUser, newPasswordHash, maxFrameLength, ioThreads, blockingThreads,
                authTimeout, nativeTransport, quickAck);
    }

    public NetServerSettings withNativeTransport(boolean useNative) {
        return new NetServerSettings(bindIp, port, user, passwordHash, maxFrameLength, ioThreads, blockingThreads,
                authTimeout, useNative, quickAck);
    }

    public NetServerSettings withAuthTimeout(Duration timeout) {
        return new NetServerSettings(bindIp, port, user, passwordHash, maxFrameLength, ioThreads, blockingThreads,
                timeout, nativeTransport, quickAck);
    }

    public NetServerSettings withThreads(int newIoThreads, int newBlockingThreads) {
        return new NetServerSettings(bindIp, port, user, passwordHash, maxFrameLength, newIoThreads, newBlockingThreads,
                authTimeout, nativeTransport, quickAck);
    }

    public NetServerSettings withQuickAck(boolean rearm) {
        return new NetServerSettings(bindIp, port, user, passwordHash, maxFrameLength, ioThreads, blockingThreads,
                authTimeout, nativeTransport, rearm);
    }

    public NetServerSettings withPort(int newPort) {
        return new NetServerSettings(bindIp, newPort, user, passwordHash, maxFrameLength, ioThreads, blockingThreads,
                authTimeout, nativeTransport, quickAck);
    }

    public boolean checksPassword() {
        return !passwordHash.isEmpty();
    }

    byte[] passwordHashBytes() {
        return HexFormat.of().parseHex(passwordHash);
    }

    private static boolean isSha1Hex(String s) {
        if (s.length() != 40) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        // never print the password hash: it invites an offline dictionary attack on the password
        return "NetServerSettings[" + (bindIp.isEmpty() ? "*" : bindIp) + ":" + port
                + (user.isEmpty() ? "" : ", user=" + user) + (checksPassword() ? ", password=<set>" : "")
                + ", maxFrame=" + maxFrameLength + ", ioThreads=" + ioThreads + ", blockingThreads=" + blockingThreads
                + ", authTimeout=" + authTimeout + ", native=" + nativeTransport + ", quickAck=" + quickAck + "]";
    }
}
