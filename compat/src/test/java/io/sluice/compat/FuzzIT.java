package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.CanalPacket;
import com.alibaba.otter.canal.protocol.CanalPacket.PacketType;
import com.alibaba.otter.canal.protocol.Message;
import com.alibaba.otter.canal.protocol.SecurityUtil;
import com.google.protobuf.ByteString;
import com.google.protobuf.GeneratedMessageV3;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated frames, each burst on a fresh connection, against a server child with a small
 * heap and Netty's paranoid leak detection. Fixed seeds; a bounded number of connections and a time cap. Afterwards
 * the server must still serve a good client exactly, hold no connection, keep its heap small after a GC, and have
 * reported no leaked buffer.
 */
class FuzzIT {

    private static final long SEED = 20_261_125L;
    private static final int WORKERS = 4;
    private static final int CONNECTIONS_PER_WORKER = 1_000;
    private static final Duration TIME_CAP = Duration.ofSeconds(120);
    private static final long HEAP_LIMIT_BYTES = 32L << 20;
    private static final String PASSWORD_HASH = "E3619321C1A937C46A0D8BD1DAC39F93B27D4458"; // "canal"

    @Test
    void serverSurvivesGarbageAndStillServesAGoodClient() throws Exception {
        try (ServerProcess server = ServerProcess.start("fuzz-server", "io.sluice.server.net.testing.FixedEntriesServer",
                List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-Dio.netty.leakDetection.level=paranoid"),
                "--user", "canal", "--passwd", PASSWORD_HASH, "--transactions", "20", "--rows", "2")) {
            goodClientReadsEverything(server.address(), "example-before");
            String before = server.ask("heap", "HEAP");

            long deadline = System.nanoTime() + TIME_CAP.toNanos();
            AtomicLong connections = new AtomicLong();
            AtomicLong replies = new AtomicLong();
            AtomicLong closedByServer = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Random random = new Random(SEED + w);
                done.add(workers.submit(() -> {
                    for (int i = 0; i < CONNECTIONS_PER_WORKER && System.nanoTime() < deadline; i++) {
                        Outcome outcome = fuzzOneConnection(server.address(), random);
                        connections.incrementAndGet();
                        replies.addAndGet(outcome.replies);
                        if (outcome.closedByServer) {
                            closedByServer.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            workers.shutdown();

            assertThat(server.isAlive()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.ask("heap", "HEAP").contains("connections=0"));
            String after = server.ask("heap", "HEAP");
            goodClientReadsEverything(server.address(), "example-after");
            long heapAfter = Long.parseLong(after.replaceAll(".*used=(\\d+).*", "$1"));
            long malformed = server.output().stream().filter(l -> l.contains("malformed request")).count();
            long authFailures = server.output().stream().filter(l -> l.contains("authentication failed")).count();
            System.out.printf("fuzz: %d connections, %d replies read, %d closed by the server, %d malformed-request "
                            + "closes and %d failed authentications logged; heap before: %s, after: %s%n",
                    connections.get(), replies.get(), closedByServer.get(), malformed, authFailures, before, after);

            assertThat(connections.get()).isGreaterThanOrEqualTo(WORKERS * 100L);
            assertThat(malformed).as("the fuzz reached the decoders").isPositive();
            assertThat(authFailures).as("the fuzz reached authentication").isPositive();
            assertThat(heapAfter).as("heap used after a GC").isLessThan(HEAP_LIMIT_BYTES);
            assertThat(server.output()).as("Netty leak reports").noneMatch(l -> l.contains("LEAK:"));
        }
    }

    private static void goodClientReadsEverything(InetSocketAddress address, String destination) throws Exception {
        SimpleCanalConnector connector = new SimpleCanalConnector(address, "canal", "canal", destination);
        connector.connect();
        try {
            connector.subscribe();
            Message message = connector.getWithoutAck(1000);
            assertThat(message.getEntries()).hasSize(60);
            CanalEntry.Entry lastInsert = message.getEntries().get(58);
            CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(lastInsert.getStoreValue());
            assertThat(change.getRowDatas(1).getAfterColumns(1).getValue()).isEqualTo("row-20-1");
            connector.ack(message.getId());
        } finally {
            connector.disconnect();
        }
    }

    private record Outcome(int replies, boolean closedByServer) {
    }

    /** One connection: read the handshake, send one kind of damage, read what comes back, close. */
    private static Outcome fuzzOneConnection(InetSocketAddress address, Random random) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoLinger(true, 0);
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] handshake = new byte[in.readInt()];
            in.readFully(handshake);
            byte[] seed = CanalPacket.Handshake.parseFrom(CanalPacket.Packet.parseFrom(handshake).getBody())
                    .getSeeds().toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (random.nextInt(6)) {
                case 0 -> out.writeBytes(randomBytes(random, random.nextInt(64)));
                case 1 -> out.writeBytes(frame(randomBytes(random, random.nextInt(512))));
                case 2 -> out.writeBytes(hugeOrNegativeLength(random));
                case 3 -> out.writeBytes(mutate(random, frame(validRequest(random, seed))));
                case 4 -> {
                    // a good login, then damaged session requests
                    out.writeBytes(frame(auth(seed, "canal")));
                    for (int n = 1 + random.nextInt(5); n > 0; n--) {
                        out.writeBytes(random.nextBoolean() ? mutate(random, frame(validRequest(random, seed)))
                                : frame(validRequest(random, seed)));
                    }
                }
                default -> {
                    out.writeBytes(frame(auth(seed, random.nextBoolean() ? "canal" : "wrong")));
                    out.writeBytes(frame(packet(PacketType.forNumber(random.nextInt(13)),
                            ByteString.copyFrom(randomBytes(random, random.nextInt(40))))));
                }
            }
            byte[] bytes = out.toByteArray();
            // sometimes in pieces, to cross the frame decoder's boundaries
            int at = 0;
            try {
                while (at < bytes.length) {
                    int n = random.nextBoolean() ? bytes.length - at : 1 + random.nextInt(bytes.length - at);
                    socket.getOutputStream().write(bytes, at, n);
                    at += n;
                }
            } catch (IOException closedUnderUs) {
                // the server dropped the connection at an earlier bad frame: the expected end of many rounds
                return new Outcome(0, true);
            }
            return drain(socket, in);
        }
    }

    private static Outcome drain(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout(20);
        int frames = 0;
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return new Outcome(frames, true);
                }
                frames++;
            }
        } catch (SocketTimeoutException quiet) {
            return new Outcome(frames, false);
        } catch (IOException reset) {
            return new Outcome(frames, true);
        }
    }

    private static byte[] validRequest(Random random, byte[] seed) {
        String destination = random.nextInt(4) == 0 ? "nope" : "example-fuzz-" + random.nextInt(3);
        String clientId = random.nextInt(8) == 0 ? "x" : Integer.toString(1000 + random.nextInt(3));
        GeneratedMessageV3 body;
        PacketType type;
        switch (random.nextInt(6)) {
            case 0 -> {
                type = PacketType.SUBSCRIPTION;
                body = CanalPacket.Sub.newBuilder().setDestination(destination).setClientId(clientId)
                        .setFilter(random.nextBoolean() ? "" : "compat\\..*").build();
            }
            case 1 -> {
                type = PacketType.GET;
                body = CanalPacket.Get.newBuilder().setDestination(destination).setClientId(clientId)
                        .setFetchSize(random.nextInt(2000) - 10).setTimeout(random.nextInt(3) - 1)
                        .setUnit(random.nextInt(9) - 1).setAutoAck(random.nextBoolean()).build();
            }
            case 2 -> {
                type = PacketType.CLIENTACK;
                body = CanalPacket.ClientAck.newBuilder().setDestination(destination).setClientId(clientId)
                        .setBatchId(random.nextInt(6) - 1).build();
            }
            case 3 -> {
                type = PacketType.CLIENTROLLBACK;
                body = CanalPacket.ClientRollback.newBuilder().setDestination(destination).setClientId(clientId)
                        .setBatchId(random.nextInt(4)).build();
            }
            case 4 -> {
                type = PacketType.UNSUBSCRIPTION;
                body = CanalPacket.Unsub.newBuilder().setDestination(destination).setClientId(clientId).build();
            }
            default -> {
                return auth(seed, random.nextBoolean() ? "canal" : "guess");
            }
        }
        return packet(type, body.toByteString());
    }

    private static byte[] auth(byte[] seed, String password) {
        try {
            byte[] token = SecurityUtil.scramble411(password.getBytes(), seed);
            CanalPacket.ClientAuth auth = CanalPacket.ClientAuth.newBuilder().setUsername("canal")
                    .setPassword(ByteString.copyFromUtf8(SecurityUtil.byte2HexStr(token)))
                    .setNetReadTimeout(60_000).setNetWriteTimeout(60_000).build();
            return packet(PacketType.CLIENTAUTHENTICATION, auth.toByteString());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] packet(PacketType type, ByteString body) {
        CanalPacket.Packet.Builder packet = CanalPacket.Packet.newBuilder().setBody(body);
        if (type != null) {
            packet.setType(type);
        }
        return packet.build().toByteArray();
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] hugeOrNegativeLength(Random random) {
        int length = switch (random.nextInt(3)) {
            case 0 -> -1 - random.nextInt(Integer.MAX_VALUE);
            case 1 -> (1 << 20) + 1 + random.nextInt(Integer.MAX_VALUE - (1 << 20) - 1);
            default -> (1 << 20) - random.nextInt(16);   // allowed, but the body never comes in full
        };
        return ByteBuffer.allocate(4 + 100).putInt(length).put(randomBytes(random, 100)).array();
    }

    /** Flip, drop, duplicate or append bytes of a well-formed frame (length header included). */
    private static byte[] mutate(Random random, byte[] frame) {
        byte[] out = frame.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> out = java.util.Arrays.copyOf(out, Math.max(1, random.nextInt(out.length)));
            case 2 -> {
                int cut = 4 + random.nextInt(Math.max(1, out.length - 4));
                ByteArrayOutputStream extended = new ByteArrayOutputStream();
                extended.write(out, 0, cut);
                extended.writeBytes(randomBytes(random, 1 + random.nextInt(20)));
                extended.write(out, cut, out.length - cut);
                byte[] body = java.util.Arrays.copyOfRange(extended.toByteArray(), 4, extended.size());
                out = frame(body);
            }
            default -> {
                ByteArrayOutputStream longer = new ByteArrayOutputStream();
                longer.writeBytes(out);
                longer.writeBytes(randomBytes(random, 1 + random.nextInt(30)));
                out = longer.toByteArray();
            }
        }
        return out;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
