package io.sluice.client;

import io.sluice.protocol.packet.CanalPacket.Get;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches fetched ahead: while the application works on one batch, a background thread already has the next GET
 * on the wire. Empty results are not handed out (the fetcher pauses, doubling up to
 * {@link StreamSettings#maxIdlePause()}). Acks go out at once, in delivery order. After a reconnect the batches
 * fetched on the old connection are dropped unseen and come again; acks of ones already handed out are skipped.
 * Closing the stream rolls back what was fetched and not acknowledged.
 */
public final class BatchStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchStream.class);

    private final SluiceConnector connector;
    private final StreamSettings settings;
    private final Get request;
    private final BlockingQueue<Object> ready;
    private final Thread fetcher;
    private volatile boolean closed;
    private volatile SluiceClientException failure;

    BatchStream(SluiceConnector connector, StreamSettings settings) {
        this.connector = connector;
        this.settings = settings;
        this.request = connector.getRequest(settings.batchSize(), settings.timeout(), settings.unit());
        this.ready = new ArrayBlockingQueue<>(settings.prefetch());
        this.fetcher = new Thread(this::fetchLoop, "sluice-stream-" + connector.settings().destination());
        this.fetcher.setDaemon(true);
    }

    void start() {
        fetcher.start();
    }

    /**
     * The next non-empty batch, waiting as long as it takes.
     *
     * @throws ServerErrorException     a server error (the stream carries on; call next again to continue)
     * @throws ConnectionLostException  the connection could not be re-established; the stream has ended
     */
    public Message next() throws InterruptedException {
        while (true) {
            Message message = take(ready.take());
            if (message != null) {
                return message;
            }
        }
    }

    /** Like {@link #next()}, but null if nothing arrives within the timeout. */
    public Message poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Object item = ready.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) {
                return null;
            }
            Message message = take(item);
            if (message != null) {
                return message;
            }
        }
    }

    /** Acknowledges a batch this stream handed out; batches must be acknowledged in the order received. */
    public void ack(Message message) {
        connector.streamAck(message);
    }

    private Message take(Object item) {
        if (item instanceof SluiceClientException e) {
            throw e;
        }
        if (item == End.INSTANCE) {
            ready.offer(End.INSTANCE);
            throw failure != null ? failure : new SluiceClientException("stream closed");
        }
        Message message = (Message) item;
        // fetched on a connection that broke before the application saw it: rolled back, it comes again
        return connector.isCurrent(message) ? message : null;
    }

    private enum End { INSTANCE }

    private void fetchLoop() {
        long idlePauseMillis = 0;
        try {
            while (!closed) {
                Message message;
                try {
                    message = connector.streamFetch(request);
                } catch (ConnectionLostException e) {
                    failure = e;
                    break;
                } catch (SluiceClientException e) {
                    ready.put(e);
                    Thread.sleep(connector.settings().reconnectBackoff().toMillis());
                    continue;
                }
                if (message.isEmpty()) {
                    idlePauseMillis = Math.min(Math.max(1, idlePauseMillis * 2), settings.maxIdlePause().toMillis());
                    Thread.sleep(idlePauseMillis);
                    continue;
                }
                idlePauseMillis = 0;
                ready.put(message);
            }
        } catch (InterruptedException e) {
            // close() interrupts the fetcher out of its pause or its wait for queue space
        } catch (RuntimeException e) {
            failure = new SluiceClientException("stream fetcher failed", e);
            log.warn("stream fetcher for {} failed", connector.settings().destination(), e);
        } finally {
            ready.clear();
            ready.offer(End.INSTANCE);
        }
    }

    /** Stops fetching and rolls back what was fetched and not acknowledged. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fetcher.interrupt();
        try {
            // a GET that returns at once is answered within milliseconds; one that waits server-side is cut short
            fetcher.join(Math.max(2_000, settings.unit().toMillis(Math.max(0, settings.timeout())) + 1_000));
            if (fetcher.isAlive()) {
                connector.abortConnection();
                fetcher.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connector.streamClosed(this, true);
    }
}
