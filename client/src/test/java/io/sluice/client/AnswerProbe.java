package io.sluice.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks one server, every 50 ms, to serve the destination (a client of its own id connects, subscribes and
 * unsubscribes) and records how it answered: served, refused with an error, or not at all within 800 ms. A server
 * whose event loops are held up (by a ZooKeeper call, say) shows as no answer.
 */
final class AnswerProbe implements Runnable, AutoCloseable {

    enum Outcome { SERVED, REFUSED, NO_ANSWER }

    /** One attempt: when it began and ended (System.nanoTime) and how the server answered. */
    record Attempt(long at, long answeredAt, Outcome outcome, String detail) {
    }

    private static final short PROBE_CLIENT = 2002;

    private final SluiceCluster.Server server;
    private final Thread thread = new Thread(this, "answer-probe");
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private volatile boolean stop;

    AnswerProbe(SluiceCluster.Server server) {
        this.server = server;
    }

    AnswerProbe start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        while (!stop) {
            long at = System.nanoTime();
            Outcome outcome;
            String detail = "";
            ConnectorSettings settings = ConnectorSettings.of(SluiceCluster.DEST).withClientId(PROBE_CLIENT)
                    .withRollbackOnConnect(false).withReconnect(0, Duration.ofMillis(10))
                    .withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofSeconds(60));
            try (SluiceConnector c = new SluiceConnector(server.socketAddress(), settings)) {
                c.connect();
                c.subscribe();
                c.unsubscribe();
                outcome = Outcome.SERVED;
            } catch (ServerErrorException e) {
                outcome = Outcome.REFUSED;
                detail = e.getMessage();
            } catch (SluiceClientException | IllegalStateException e) {
                outcome = Outcome.NO_ANSWER;
                detail = e.getMessage();
            }
            attempts.add(new Attempt(at, System.nanoTime(), outcome, detail));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The first attempt begun after {@code nanos} with this outcome. */
    Optional<Attempt> first(Outcome outcome, long nanos) {
        return attempts.stream().filter(a -> a.at() >= nanos && a.outcome() == outcome).findFirst();
    }

    List<Attempt> between(long from, long to, Outcome outcome) {
        return attempts.stream().filter(a -> a.at() >= from && a.at() < to && a.outcome() == outcome).toList();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
