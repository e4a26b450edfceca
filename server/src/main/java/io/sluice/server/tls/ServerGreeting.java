package io.sluice.server.tls;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the master's first packet (the initial handshake) to learn whether it offers TLS, and hangs up before
 * sending anything: no account name, no password. Used only to explain a refused login under
 * {@code sslMode = DISABLED}, because a server refuses a REQUIRE SSL account over plain TCP with the same
 * "Access denied" as a wrong password.
 */
final class ServerGreeting {

    /** CLIENT_SSL in the capability flags (MySQL protocol, Protocol::HandshakeV10). */
    private static final int CAPABILITY_SSL = 0x0800;
    private static final int PROTOCOL_V10 = 10;

    private ServerGreeting() {
    }

    /** True when the server offers TLS; empty when its greeting could not be read. */
    static Optional<Boolean> offersTls(String host, int port, Duration timeout) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[4];
            in.readFully(header);
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            byte[] payload = new byte[Math.min(length, 1024)];
            in.readFully(payload);
            if (payload.length == 0 || payload[0] != PROTOCOL_V10) {
                return Optional.empty(); // an error packet (e.g. host blocked) or an unknown protocol
            }
            int i = 1;
            while (i < payload.length && payload[i] != 0) {
                i++; // server version, NUL-terminated
            }
            i += 1 + 4 + 8 + 1; // NUL, connection id, auth-plugin-data part 1, filler
            if (i + 2 > payload.length) {
                return Optional.empty();
            }
            int capabilities = (payload[i] & 0xff) | (payload[i + 1] & 0xff) << 8;
            return Optional.of((capabilities & CAPABILITY_SSL) != 0);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
