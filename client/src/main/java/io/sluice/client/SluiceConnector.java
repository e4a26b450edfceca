package io.sluice.client;

import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.ClientAck;
import io.sluice.protocol.packet.CanalPacket.ClientRollback;
import io.sluice.protocol.packet.CanalPacket.Get;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.protocol.packet.CanalPacket.Sub;
import io.sluice.protocol.packet.CanalPacket.Unsub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of canal's TCP protocol with the operations of canal's {@code SimpleCanalConnector} (connect, subscribe,
 * getWithoutAck, get, ack, rollback, unsubscribe, disconnect), working against canal and Sluice servers alike, plus:
 * <ul>
 *   <li>one write per request with TCP_NODELAY (no 40 ms Nagle/delayed-ACK stall per request);</li>
 *   <li>entries kept as the received bytes, parsed at receipt or lazily ({@link ConnectorSettings#lazyParse()});</li>
 *   <li>{@link #stream} keeps the next GET in flight while the application works on the current batch;</li>
 *   <li>a broken connection is re-established (per {@link ConnectorSettings#reconnectAttempts()}): the connector
 *       reconnects, rolls back, re-subscribes with the last filter and repeats the call, so delivery resumes after
 *       the last ack; acks of batches from the broken session are not sent (those batches come again);</li>
 *   <li>typed failures: {@link AuthenticationFailedException}, {@link ServerErrorException} (canal's code and
 *       text), {@link ConnectionLostException}; acks out of delivery order are refused locally.</li>
 * </ul>
 * Thread-safe; calls are serialized. While a {@link BatchStream} is open, use the stream, not the blocking calls.
 */
public final class SluiceConnector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SluiceConnector.class);

    private final ServerLocator locator;
    private final ConnectorSettings settings;
    private final Object lock = new Object();

    // all guarded by lock
    private boolean open;
    /** Volatile so that a server move can close it while a call waits on it. */
    private volatile CanalConnection connection;
    private long session;
    private String filter;
    private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    /** Batches of ended sessions or rolled back, whose acks are skipped; the oldest are forgotten past a bound. */
    private final Set<Long> abandoned = new LinkedHashSet<>();
    private boolean unanswered;
    /** This session still owes the rollback that follows connecting (sent after the first subscribe). */
    private boolean rollbackPending;
    private BatchStream stream;

    public SluiceConnector(InetSocketAddress address, ConnectorSettings settings) {
        this(ServerLocator.fixed(address), settings);
    }

    public SluiceConnector(ServerLocator locator, ConnectorSettings settings) {
        this.locator = locator;
        this.settings = settings;
        locator.watch(this::serverMoved);
    }

    /**
     * A connector that finds the destination's active server through ZooKeeper (canal's {@code running} node, else
     * the {@code cluster} list) and moves to another server when the running node names one; after the move it
     * rolls back and resumes after the last ack, as after any reconnect. {@link #close()} also closes the
     * ZooKeeper client.
     *
     * @param zkServers ZooKeeper connect string, as {@code canal.zkServers}
     */
    public static SluiceConnector cluster(String zkServers, ConnectorSettings settings) {
        try {
            return new SluiceConnector(ZooKeeperServerLocator.start(zkServers, settings.destination(),
                    (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis())), settings);
        } catch (IOException e) {
            throw new ConnectionLostException("cannot read the cluster of " + settings.destination()
                    + " from ZooKeeper " + zkServers, e);
        }
    }

    /**
     * The active server changed: end the connection to the old one, even under a call waiting on it (closing the
     * socket ends the wait); the call then reconnects to the new one.
     */
    private void serverMoved(InetSocketAddress now) {
        CanalConnection current = connection;
        if (current != null && !current.address().equals(now)) {
            log.info("active server for {} moved from {} to {}; reconnecting", settings.destination(),
                    current.address(), now);
            current.close();
        }
    }

    public ConnectorSettings settings() {
        return settings;
    }

    /**
     * Opens the session: connect and authenticate. With {@link ConnectorSettings#rollbackOnConnect()} the first
     * subscribe then rolls back what an earlier session of this client id left unacknowledged.
     */
    public void connect() {
        synchronized (lock) {
            if (open) {
                return;
            }
            open = true;
            try {
                session();
            } catch (RuntimeException e) {
                open = false;
                throw e;
            }
        }
    }

    public boolean isConnected() {
        synchronized (lock) {
            return connection != null;
        }
    }

    /** Subscribes with the filter the server is configured with (an empty filter, as canal's client sends). */
    public void subscribe() {
        subscribe("");
    }

    /** Subscribes with a canal table filter (regex list, e.g. {@code shop\\..*,crm\\.user}); kept for reconnects. */
    public void subscribe(String tableFilter) {
        String value = tableFilter == null ? "" : tableFilter;
        call("subscribe", c -> {
            subscribeOn(c, value);
            return null;
        });
    }

    public void unsubscribe() {
        call("unsubscribe", c -> {
            boolean ambiguous = takeUnanswered();
            c.send(PacketType.UNSUBSCRIPTION, Unsub.newBuilder().setDestination(settings.destination())
                    .setClientId(settings.clientIdText()).build());
            expectOk(c, "unsubscribe", ambiguous);
            filter = null;
            return null;
        });
    }

    /** Whatever is there now, up to {@code batchSize} entries (canal GET with timeout -1). */
    public Message getWithoutAck(int batchSize) {
        return getWithoutAck(batchSize, -1, TimeUnit.MILLISECONDS);
    }

    /**
     * canal's GET: {@code timeout} -1 = at once; 0 = wait for a full batch; &gt; 0 = wait up to that long for a full
     * batch, then take what there is. The wait must end before {@link ConnectorSettings#soTimeout()}.
     */
    public Message getWithoutAck(int batchSize, long timeout, TimeUnit unit) {
        Get request = getRequest(batchSize, timeout, unit);
        return call("get", c -> fetch(c, request));
    }

    /** getWithoutAck, then ack of that batch (two requests, as canal's client). */
    public Message get(int batchSize) {
        return get(batchSize, -1, TimeUnit.MILLISECONDS);
    }

    public Message get(int batchSize, long timeout, TimeUnit unit) {
        Message message = getWithoutAck(batchSize, timeout, unit);
        if (!message.isEmpty()) {
            ack(message);
        }
        return message;
    }

    /**
     * Acknowledges a batch of the current session; it must be the oldest unacknowledged one.
     *
     * @throws IllegalStateException if an older batch of this session is still unacknowledged
     */
    public void ack(long batchId) {
        synchronized (lock) {
            requireNoStream();
            ackLocked(batchId);
        }
    }

    /** Acknowledges a batch; a batch of an ended session is skipped (the server rolled it back, it comes again). */
    public void ack(Message message) {
        synchronized (lock) {
            requireNoStream();
            ackLocked(message);
        }
    }

    /** Rolls back every unacknowledged batch: the next GET starts again after the last ack. */
    public void rollback() {
        call("rollback", c -> {
            sendRollback(c, 0);
            return null;
        });
    }

    /** canal's rollback of one batch, which must be the oldest unacknowledged; prefer {@link #rollback()}. */
    public void rollback(long batchId) {
        if (batchId == 0) {
            rollback();
            return;
        }
        call("rollback", c -> {
            Long first = outstanding.peekFirst();
            if (outstanding.contains(batchId) && first != batchId) {
                throw new IllegalStateException("rollback of batch " + batchId + " while batch " + first
                        + " is older: canal rolls back the oldest batch only");
            }
            if (abandoned.remove(batchId)) {
                return null;
            }
            sendRollback(c, batchId);
            return null;
        });
    }

    /** Closes the connection. The server rolls back what was not acknowledged. */
    public void disconnect() {
        BatchStream running;
        synchronized (lock) {
            running = stream;
        }
        if (running != null) {
            running.close();
        }
        synchronized (lock) {
            open = false;
            drop();
        }
    }

    /** Disconnects and releases the locator (the ZooKeeper client of a {@link #cluster} connector). */
    @Override
    public void close() {
        try {
            disconnect();
        } finally {
            locator.close();
        }
    }

    /**
     * Starts streaming: a background thread keeps the next GET in flight while the application handles the
     * current batch. Acks go through {@link BatchStream#ack}, in delivery order.
     */
    public BatchStream stream(StreamSettings streamSettings) {
        synchronized (lock) {
            requireNoStream();
            if (!open) {
                throw new SluiceClientException("not connected: call connect() first");
            }
            stream = new BatchStream(this, streamSettings);
        }
        stream.start();
        return stream;
    }

    // ---- internals shared with BatchStream -------------------------------------------------------------------

    interface Call<T> {
        T run(CanalConnection connection) throws IOException;
    }

    private <T> T call(String request, Call<T> call) {
        synchronized (lock) {
            requireNoStream();
            return callLocked(request, call);
        }
    }

    private <T> T callLocked(String request, Call<T> call) {
        int failures = 0;
        while (true) {
            CanalConnection c = session();
            try {
                return call.run(c);
            } catch (IOException e) {
                failures = lost(request, c, e, failures);
            }
        }
    }

    /** Handles a broken connection; returns the new failure count or throws when reconnecting is over. */
    private int lost(String request, CanalConnection c, IOException e, int failures) {
        if (connection == c) {
            drop();
        }
        if (settings.reconnectAttempts() == 0) {
            open = false;
            throw new ConnectionLostException(request + ": connection to " + c.address() + " lost", e);
        }
        if (failures >= settings.reconnectAttempts()) {
            throw new ConnectionLostException(request + ": connection to " + c.address() + " lost "
                    + (failures + 1) + " times", e);
        }
        log.info("{}: connection to {} lost ({}); reconnecting", request, c.address(), e.toString());
        return failures + 1;
    }

    /** The live connection, established as needed: connect, authenticate, roll back, re-subscribe. */
    private CanalConnection session() {
        if (connection != null) {
            return connection;
        }
        if (!open) {
            throw new ConnectionLostException("not connected: call connect() first");
        }
        IOException last = null;
        InetSocketAddress address = null;
        String reported = null;
        for (int attempt = 0; attempt <= settings.reconnectAttempts(); attempt++) {
            if (attempt > 0) {
                pause();
            }
            try {
                address = locator.locate();
                start(CanalConnection.open(address, settings));
                if (attempt > 0) {
                    log.info("session with {} for {} open after {} attempt(s)", address, settings.destination(),
                            attempt + 1);
                }
                return connection;
            } catch (RuntimeException e) {
                // refused credentials, a server error on re-subscribing: the session is not usable, report it
                drop();
                throw e;
            } catch (IOException e) {
                drop();
                last = e;
                // during a failover the same refusal repeats every pause: one line for it, the repeats at debug
                String reason = (address == null ? "the server" : address) + ": " + e;
                if (reason.equals(reported)) {
                    log.debug("cannot open a session for {} with {} (attempt {})", settings.destination(), reason,
                            attempt + 1);
                } else {
                    log.info("cannot open a session for {} with {}; retrying", settings.destination(), reason);
                    reported = reason;
                }
            }
        }
        throw new ConnectionLostException("no session with " + (address == null ? "any server" : address) + " for "
                + settings.destination() + " after " + (settings.reconnectAttempts() + 1) + " attempts", last);
    }

    private void start(CanalConnection fresh) throws IOException {
        connection = fresh;
        session++;
        unanswered = false;
        abandon(outstanding);
        outstanding.clear();
        // canal's client rolls back right after connecting, before it subscribes. Here the rollback follows the
        // (re-)subscription instead: a lazily started destination exists only after a subscribe (a rollback before
        // it earns "should start first", canal issue #207), and the subscribe's reply is then unambiguous.
        rollbackPending = settings.rollbackOnConnect() || session > 1;
        if (filter != null) {
            subscribeOn(fresh, filter);
        }
        log.debug("session {} with {} for {}", session, fresh.address(), settings.destination());
    }

    private void subscribeOn(CanalConnection c, String value) throws IOException {
        boolean ambiguous = takeUnanswered();
        c.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(settings.destination())
                .setClientId(settings.clientIdText()).setFilter(value).build());
        expectOk(c, "subscribe", ambiguous);
        filter = value;
        if (rollbackPending) {
            sendRollback(c, 0);
        }
    }

    private void sendRollback(CanalConnection c, long batchId) throws IOException {
        rollbackPending = false;
        c.send(PacketType.CLIENTROLLBACK, ClientRollback.newBuilder().setDestination(settings.destination())
                .setClientId(settings.clientIdText()).setBatchId(batchId).build());
        unanswered = true;
        if (batchId == 0) {
            abandon(outstanding);
            outstanding.clear();
        } else {
            outstanding.remove(batchId);
        }
    }

    private void expectOk(CanalConnection c, String request, boolean ambiguous) throws IOException {
        ServerPacket reply = c.read();
        if (reply.type() != PacketType.ACK) {
            throw desynchronized(request, reply);
        }
        Ack ack = reply.ack();
        if (ack.getErrorCode() > 0) {
            throw serverError(request, ack, ambiguous);
        }
    }

    Get getRequest(int batchSize, long timeout, TimeUnit unit) {
        return Get.newBuilder().setDestination(settings.destination()).setClientId(settings.clientIdText())
                .setFetchSize(batchSize > 0 ? batchSize : 1000).setTimeout(timeout < 0 ? -1 : timeout)
                .setUnit(unit.ordinal()).setAutoAck(false).build();
    }

    private Message fetch(CanalConnection c, Get request) throws IOException {
        boolean ambiguous = takeUnanswered();
        c.send(PacketType.GET, request);
        return parsed(received(c, c.read(), ambiguous));
    }

    private Message parsed(Message message) {
        if (!settings.lazyParse()) {
            message.entries();
        }
        return message;
    }

    /** Turns a GET reply into a Message; runs under the lock. */
    private Message received(CanalConnection c, ServerPacket reply, boolean ambiguous) throws IOException {
        if (reply.type() == PacketType.MESSAGES) {
            ServerPacket.Batch batch = reply.messages();
            if (batch.id() != -1) {
                outstanding.addLast(batch.id());
            }
            return new Message(batch.id(), batch.entries(), session);
        }
        if (reply.type() == PacketType.ACK) {
            Ack ack = reply.ack();
            if (ack.getErrorCode() > 0) {
                throw serverError("get", ack, ambiguous);
            }
        }
        throw desynchronized("get", reply);
    }

    private ServerErrorException serverError(String request, Ack ack, boolean ambiguous) {
        if (ambiguous) {
            // an ack or rollback went out before this request, and canal answers neither except with an error:
            // this error may be theirs, and this request's own reply may still be on its way. Start afresh.
            drop();
        }
        return new ServerErrorException(request, ack.getErrorCode(), ack.getErrorMessage(), ambiguous);
    }

    private SluiceClientException desynchronized(String request, ServerPacket reply) {
        drop();
        return new SluiceClientException(request + ": unexpected " + reply.type()
                + " from the server; the session was reset");
    }

    private void ackLocked(Message message) {
        if (message.session() != session) {
            log.debug("ack of batch {} skipped: its session ended, the server rolled it back", message.id());
            return;
        }
        ackLocked(message.id());
    }

    private void ackLocked(long batchId) {
        if (batchId == -1) {
            // the id of an empty result: canal's server ignores it, so it is not worth a request
            return;
        }
        if (outstanding.contains(batchId)) {
            long first = outstanding.peekFirst();
            if (first != batchId) {
                throw new IllegalStateException("batch " + batchId + " acknowledged before batch " + first
                        + ": canal accepts acks in delivery order only");
            }
        } else if (abandoned.remove(batchId)) {
            log.debug("ack of batch {} skipped: its session ended, the server rolled it back", batchId);
            return;
        }
        callLocked("ack", c -> {
            if (!outstanding.contains(batchId) && abandoned.remove(batchId)) {
                return null;
            }
            c.send(PacketType.CLIENTACK, ClientAck.newBuilder().setDestination(settings.destination())
                    .setClientId(settings.clientIdText()).setBatchId(batchId).build());
            outstanding.remove(batchId);
            unanswered = true;
            return null;
        });
    }

    private void abandon(Collection<Long> batchIds) {
        abandoned.addAll(batchIds);
        for (Iterator<Long> oldest = abandoned.iterator(); abandoned.size() > 4096; ) {
            oldest.next();
            oldest.remove();
        }
    }

    private boolean takeUnanswered() {
        boolean was = unanswered;
        unanswered = false;
        return was;
    }

    private void drop() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(settings.reconnectBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionLostException("interrupted while waiting to reconnect");
        }
    }

    private void requireNoStream() {
        if (stream != null) {
            throw new IllegalStateException("a stream is open on this connector; use it or close it first");
        }
    }

    // ---- stream support --------------------------------------------------------------------------------------

    /**
     * One GET for the stream's fetch thread. The lock is held while writing and while handling the reply, not while
     * waiting for it, so the application's acks go out meanwhile.
     */
    Message streamFetch(Get request) throws InterruptedException {
        int failures = 0;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("stream closed");
            }
            CanalConnection c;
            boolean ambiguous;
            synchronized (lock) {
                c = session();
                ambiguous = takeUnanswered();
                try {
                    c.send(PacketType.GET, request);
                } catch (IOException e) {
                    failures = lost("get", c, e, failures);
                    continue;
                }
            }
            ServerPacket reply;
            try {
                reply = c.read();
            } catch (IOException e) {
                synchronized (lock) {
                    failures = lost("get", c, e, failures);
                }
                continue;
            }
            Message message;
            synchronized (lock) {
                if (c != connection) {
                    // the session ended while this reply travelled (a failed ack dropped it): not ours to deliver
                    continue;
                }
                try {
                    message = received(c, reply, ambiguous);
                } catch (IOException e) {
                    failures = lost("get", c, e, failures);
                    continue;
                }
            }
            // parsed outside the lock: the application's acks need not wait for a big batch to be decoded
            return parsed(message);
        }
    }

    void streamAck(Message message) {
        synchronized (lock) {
            ackLocked(message);
        }
    }

    boolean isCurrent(Message message) {
        synchronized (lock) {
            return message.session() == session;
        }
    }

    /** The stream has ended: roll back what it fetched and the application did not acknowledge. */
    void streamClosed(BatchStream closed, boolean rollBack) {
        synchronized (lock) {
            if (stream != closed) {
                return;
            }
            stream = null;
            if (rollBack && connection != null && open) {
                try {
                    sendRollback(connection, 0);
                } catch (IOException e) {
                    log.info("rollback after the stream ended failed ({}); the server rolls back on disconnect",
                            e.toString());
                    drop();
                }
            }
        }
    }

    /** Ends the connection under the stream's fetch thread so that its blocked read returns. */
    void abortConnection() {
        synchronized (lock) {
            drop();
        }
    }
}
