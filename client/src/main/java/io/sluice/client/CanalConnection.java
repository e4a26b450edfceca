package io.sluice.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.ClientAuth;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One authenticated TCP session with a canal-protocol server. Each request frame (length and packet) goes out in a
 * single write with TCP_NODELAY on: canal's client writes the 4-byte length and the body separately with Nagle on,
 * and then waits for the server's delayed ACK of the length (up to 40 ms per request, CANAL-PROTOCOL.md §2.10).
 * Writes may come from two threads (a streaming fetcher and the acking application); reads from one.
 */
final class CanalConnection implements AutoCloseable {

    /** The largest reply accepted; canal cuts batches well below (MEMSIZE), and the header is a signed int. */
    private static final int MAX_FRAME = Integer.MAX_VALUE - 8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final InetSocketAddress address;

    private CanalConnection(Socket socket, InetSocketAddress address) throws IOException {
        this.socket = socket;
        this.address = address;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = socket.getOutputStream();
    }

    /**
     * Connects, reads the handshake and authenticates.
     *
     * @throws AuthenticationFailedException when the server refuses the credentials
     * @throws IOException                   when the server cannot be reached or speaks something else
     */
    static CanalConnection open(InetSocketAddress address, ConnectorSettings settings) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.soTimeout().toMillis()));
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
            CanalConnection connection = new CanalConnection(socket, address);
            connection.authenticate(settings);
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void authenticate(ConnectorSettings settings) throws IOException {
        ServerPacket handshake = read();
        if (handshake.type() != PacketType.HANDSHAKE) {
            throw new IOException(address + " sent " + handshake.type() + " instead of a handshake");
        }
        if (handshake.version() != 1) {
            throw new IOException(address + " speaks protocol version " + handshake.version() + ", not 1");
        }
        byte[] seed = handshake.handshake().getSeeds().toByteArray();
        int idleMillis = (int) settings.idleTimeout().toMillis();
        ClientAuth.Builder auth = ClientAuth.newBuilder().setUsername(settings.username())
                .setNetReadTimeout(idleMillis).setNetWriteTimeout(idleMillis);
        if (settings.password() != null) {
            auth.setPassword(ByteString.copyFromUtf8(Scramble.token(settings.password(), seed)));
        }
        send(PacketType.CLIENTAUTHENTICATION, auth.build());
        ServerPacket reply = read();
        if (reply.type() != PacketType.ACK) {
            throw new IOException(address + " answered authentication with " + reply.type());
        }
        Ack ack = reply.ack();
        if (ack.getErrorCode() > 0) {
            throw new AuthenticationFailedException(ack.getErrorCode(), ack.getErrorMessage());
        }
    }

    /** One frame, one write. */
    void send(PacketType type, MessageLite body) throws IOException {
        int bodySize = body.getSerializedSize();
        int packetSize = CodedOutputStream.computeEnumSize(Packet.TYPE_FIELD_NUMBER, type.getNumber())
                + CodedOutputStream.computeTagSize(Packet.BODY_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(bodySize) + bodySize;
        byte[] frame = new byte[4 + packetSize];
        frame[0] = (byte) (packetSize >>> 24);
        frame[1] = (byte) (packetSize >>> 16);
        frame[2] = (byte) (packetSize >>> 8);
        frame[3] = (byte) packetSize;
        CodedOutputStream cos = CodedOutputStream.newInstance(frame, 4, packetSize);
        cos.writeEnum(Packet.TYPE_FIELD_NUMBER, type.getNumber());
        cos.writeTag(Packet.BODY_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        cos.writeUInt32NoTag(bodySize);
        body.writeTo(cos);
        cos.checkNoSpaceLeft();
        synchronized (out) {
            out.write(frame);
        }
    }

    ServerPacket read() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException(address + " sent a frame header of " + length + " bytes");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return ServerPacket.decode(frame);
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket we are abandoning: nothing left to do with the failure
        }
    }
}
