package io.sluice.server.net.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.ClientAuth;
import io.sluice.protocol.packet.CanalPacket.Handshake;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bare canal-protocol peer for server tests: whole frames in, whole frames out, nothing hidden. It writes each
 * frame with one write and reads exactly what the server sends, so tests can check replies (and their absence)
 * byte by byte, send pipelined or malformed requests, and watch the server close the connection.
 */
public final class RawCanalClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private byte[] seed;

    private RawCanalClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawCanalClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(address, 5_000);
        return new RawCanalClient(socket);
    }

    /** Connects, reads the handshake, authenticates without credentials; fails unless the server says OK. */
    public static RawCanalClient open(InetSocketAddress address) throws IOException {
        RawCanalClient client = connect(address);
        client.readHandshake();
        Ack ack = client.authenticate("", null);
        if (ack.getErrorCode() != 0) {
            client.close();
            throw new IOException("authentication refused: " + ack.getErrorMessage());
        }
        return client;
    }

    public Handshake readHandshake() throws IOException {
        Packet packet = read();
        if (packet.getType() != PacketType.HANDSHAKE) {
            throw new IOException("expected HANDSHAKE, got " + packet.getType());
        }
        Handshake handshake = Handshake.parseFrom(packet.getBody());
        seed = handshake.getSeeds().toByteArray();
        return handshake;
    }

    /** Sends ClientAuth as the official client builds it and returns the server's ACK. */
    public Ack authenticate(String user, String password) throws IOException {
        return authenticate(authRequest(user, password).build());
    }

    public Ack authenticate(ClientAuth auth) throws IOException {
        send(PacketType.CLIENTAUTHENTICATION, auth);
        return readAck();
    }

    public ClientAuth.Builder authRequest(String user, String password) {
        ClientAuth.Builder auth = ClientAuth.newBuilder().setUsername(user == null ? "" : user)
                .setNetReadTimeout(3_600_000).setNetWriteTimeout(3_600_000);
        if (password != null) {
            auth.setPassword(ByteString.copyFromUtf8(scramble(password, seed)));
        }
        return auth;
    }

    public void send(PacketType type, MessageLite body) throws IOException {
        sendBody(Packet.newBuilder().setType(type).setBody(body.toByteString()).build().toByteArray());
    }

    /** One frame around {@code body}, in one write. */
    public void sendBody(byte[] body) throws IOException {
        sendRaw(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Packet read() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return Packet.parseFrom(body);
    }

    public Ack readAck() throws IOException {
        Packet packet = read();
        if (packet.getType() != PacketType.ACK) {
            throw new IOException("expected ACK, got " + packet.getType());
        }
        return Ack.parseFrom(packet.getBody());
    }

    /** True if the server has nothing to say within {@code millis} (the connection stays usable). */
    public boolean silentFor(int millis) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("server closed the connection");
            }
            throw new IOException("unexpected data from the server (first byte " + b + ")");
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            socket.setSoTimeout(previous);
        }
    }

    /** True once the server has closed the connection (reads end of stream or a reset) within {@code millis}. */
    public boolean closedByServerWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The official client's token: hex(SHA1(seed ‖ SHA1(SHA1(pw))) XOR SHA1(pw)). */
    public static String scramble(String password, byte[] seed) {
        MessageDigest sha1 = sha1();
        byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(seed);
        sha1.update(stage2);
        byte[] mask = sha1.digest();
        byte[] token = new byte[mask.length];
        for (int i = 0; i < token.length; i++) {
            token[i] = (byte) (mask[i] ^ stage1[i]);
        }
        return HexFormat.of().formatHex(token);
    }

    /** canal.passwd for a plain password: hex(SHA1(SHA1(pw))), upper case as canal's docs show it. */
    public static String storedHash(String password) {
        MessageDigest sha1 = sha1();
        return HexFormat.of().withUpperCase().formatHex(sha1.digest(sha1.digest(password.getBytes(StandardCharsets.UTF_8))));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
