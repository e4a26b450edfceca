package io.sluice.server.snapshot;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.net.testing.RawCanalClient;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A canal protocol client of a server on a TCP port (subscribe, get, apply, ack), on its own thread. A
 * connection the server drops (it was killed) ends the thread quietly; {@link #pause} stops it between batches.
 */
final class TcpConsumer implements AutoCloseable {

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile boolean pause;
    private volatile boolean paused;
    volatile long acked;

    TcpConsumer(InetSocketAddress server, String destination, MaterializedView view) {
        thread = new Thread(() -> {
            try (RawCanalClient c = RawCanalClient.open(server)) {
                c.send(PacketType.SUBSCRIPTION, CanalPacket.Sub.newBuilder().setDestination(destination)
                        .setClientId("1001").build());
                if (c.readAck().getErrorCode() != 0) {
                    throw new IllegalStateException("subscribe refused");
                }
                while (!stopping) {
                    if (pause) {
                        paused = true;
                        Thread.sleep(20);
                        continue;
                    }
                    paused = false;
                    c.send(PacketType.GET, CanalPacket.Get.newBuilder().setDestination(destination).setClientId("1001")
                            .setFetchSize(100).setTimeout(200).setUnit(2).build());
                    CanalPacket.Messages m = CanalPacket.Messages.parseFrom(c.read().getBody());
                    if (m.getBatchId() == -1) {
                        continue;
                    }
                    for (var bytes : m.getMessagesList()) {
                        view.apply(CanalEntry.Entry.parseFrom(bytes));
                    }
                    c.send(PacketType.CLIENTACK, CanalPacket.ClientAck.newBuilder().setDestination(destination)
                            .setClientId("1001").setBatchId(m.getBatchId()).build());
                    acked++;
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (java.io.IOException e) {
                if (!stopping && !pause) {
                    failure.set(e);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "test-tcp-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops getting after the current batch (which it acks); returns once it stands still. */
    void pause() throws InterruptedException {
        pause = true;
        while (!paused && thread.isAlive()) {
            Thread.sleep(10);
        }
    }

    void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("consumer failed: " + t, t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
