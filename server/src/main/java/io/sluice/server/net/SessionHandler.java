package io.sluice.server.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.sluice.protocol.packet.CanalPacket.ClientAck;
import io.sluice.protocol.packet.CanalPacket.ClientRollback;
import io.sluice.protocol.packet.CanalPacket.Get;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.Sub;
import io.sluice.protocol.packet.CanalPacket.Unsub;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.ClientRequestException;
import io.sluice.server.instance.Destination;
import io.sluice.server.instance.Destinations;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MetaStoreException;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an authenticated connection: SUBSCRIPTION, UNSUBSCRIPTION, GET, CLIENTACK and CLIENTROLLBACK with canal's
 * replies, error codes and texts (CANAL-PROTOCOL.md §2.3–2.8). Acks and rollbacks get no reply; their errors are
 * written unsolicited, as canal does, and the client reads them as the answer to its next request.
 *
 * <p>Requests that may block run on the request executor, one at a time per connection and in arrival order: a GET
 * that may wait for entries, and (un)subscriptions, which the destination persists in meta (a file, ZooKeeper). A GET
 * that returns at once runs right here when nothing is queued before it; acks and rollbacks always do, so an ack
 * never waits behind a GET: they move in-memory cursors here, and an ack's persisting step that may wait (a
 * ZooKeeper write) completes off the event loop, holding back only the replies that follow it. No ZooKeeper call
 * runs on an event loop. When the connection closes, the batches it left unacknowledged are rolled back so the next
 * consumer gets them again.
 */
final class SessionHandler extends SimpleChannelInboundHandler<Packet> {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    /** What the official client sends for {@code batchSize <= 0}; used when a GET asks for no entries. */
    static final int DEFAULT_FETCH_SIZE = 1000;

    /**
     * Requests are read on while at most this many replies wait behind a blocked request; beyond it (a client that
     * pipelines without end) the connection is not read until replies drain, and TCP pushes back on the client.
     */
    static final int MAX_PENDING_REPLIES = 256;

    private final Destinations destinations;
    private final Executor executor;
    private final ClientOwnership ownership;

    private ChannelHandlerContext ctx;
    private ReplyQueue replies;
    private final Set<ClientIdentity> clients = new LinkedHashSet<>();
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private BlockingTask<ByteBuf> running;
    private boolean closed;

    private record GetRequest(ClientIdentity client, Destination destination, int fetchSize, long timeout,
                              TimeUnit unit, boolean autoAck) {
    }

    private record Queued(Supplier<ByteBuf> work, ReplyQueue.Slot slot) {
    }

    SessionHandler(Destinations destinations, Executor executor, ClientOwnership ownership) {
        this.destinations = destinations;
        this.executor = executor;
        this.ownership = ownership;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.replies = new ReplyQueue(context);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Packet packet) throws InvalidProtocolBufferException {
        switch (packet.getType()) {
            case SUBSCRIPTION -> {
                Sub sub = Sub.parseFrom(packet.getBody());
                subscribe(sub.getDestination(), sub.getClientId(), sub.getFilter());
            }
            case UNSUBSCRIPTION -> unsubscribe(Unsub.parseFrom(packet.getBody()));
            case GET -> get(Get.parseFrom(packet.getBody()));
            case CLIENTACK -> ack(ClientAck.parseFrom(packet.getBody()));
            case CLIENTROLLBACK -> {
                ClientRollback rollback = ClientRollback.parseFrom(packet.getBody());
                replies.add(serve(() -> rollback(rollback)));
            }
            default -> replies.add(Replies.error(400, "packet type=" + packet.getType() + " is NOT supported!"));
        }
        updateReading();
    }

    /**
     * Subscribe carried by the authentication packet (canal does this when it names destination and client); its
     * reply stands for the authentication's.
     */
    void subscribeOnAuthentication(String destination, String clientId, String filter) {
        subscribe(destination, clientId, filter);
    }

    private void subscribe(String destinationName, String clientId, String filter) {
        ReplyQueue.Slot slot = replies.reserve();
        ClientIdentity client;
        Destination destination;
        try {
            client = identity(destinationName, clientId);
            destination = running(client);
            claimForSession(client);
        } catch (RuntimeException e) {
            replies.complete(slot, errorReply(e));
            return;
        }
        offload(slot, () -> serve(() -> {
            destination.subscribe(client, filter);
            return Replies.ok();
        }));
    }

    private void unsubscribe(Unsub unsub) {
        ReplyQueue.Slot slot = replies.reserve();
        ClientIdentity client;
        Destination destination;
        try {
            client = identity(unsub.getDestination(), unsub.getClientId());
            destination = running(client);
        } catch (RuntimeException e) {
            replies.complete(slot, errorReply(e));
            return;
        }
        clients.remove(client);
        ownership.release(client, ctx.channel());
        offload(slot, () -> serve(() -> {
            destination.unsubscribe(client);
            return Replies.ok();
        }));
    }

    /**
     * The ack is done in memory at once, here; persisting it (a journal write, a ZooKeeper write) may complete
     * later, off the event loop. Its place in the reply order holds back the answers to later requests until then,
     * so an ack counts as done for the client exactly when its next request is answered. A persisting failure is
     * that answer's error.
     */
    private void ack(ClientAck ack) {
        CompletableFuture<Void> persisted;
        try {
            persisted = startAck(ack);
        } catch (RuntimeException e) {
            replies.add(errorReply(e));
            return;
        }
        if (persisted.isDone()) {
            if (persisted.isCompletedExceptionally()) {
                replies.add(errorReply(unwrap(persisted.handle((ok, failure) -> failure).join())));
            }
            return;
        }
        ReplyQueue.Slot slot = replies.reserve();
        persisted.whenComplete((ok, failure) -> ctx.executor().execute(() ->
                replies.complete(slot, failure == null ? null : errorReply(unwrap(failure)))));
    }

    private CompletableFuture<Void> startAck(ClientAck ack) {
        ClientIdentity client = identity(ack.getDestination(), ack.getClientId());
        if (ack.getBatchId() == 0) {
            throw new ClientRequestException(402, "batchId should assign value");
        }
        if (ack.getBatchId() == -1) {
            // the official client acks the id of an empty GET result; canal ignores it before any other check
            return CompletableFuture.completedFuture(null);
        }
        Destination destination = running(client);
        claim(client);
        requireSubscribed(destination, client);
        return destination.ackAsync(client, ack.getBatchId());
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    private ByteBuf rollback(ClientRollback rollback) {
        ClientIdentity client = identity(rollback.getDestination(), rollback.getClientId());
        Destination destination = running(client);
        claim(client);
        // the official client sends rollback(0) on connect, before it subscribes: canal ignores it then
        if (destination.isSubscribed(client)) {
            destination.rollback(client, rollback.getBatchId());
        }
        return null;
    }

    private void get(Get get) {
        ReplyQueue.Slot slot = replies.reserve();
        ClientIdentity client;
        try {
            client = identity(get.getDestination(), get.getClientId());
        } catch (RuntimeException e) {
            replies.complete(slot, errorReply(e));
            return;
        }
        claim(client);
        // documented defaults for absent fields (-1 = at once, ms); canal's proto3 code reads them as 0 (block) / ns
        long timeout = get.hasTimeout() && get.getTimeout() >= 0 ? get.getTimeout() : -1;
        // checked when it runs, not when it arrives: a subscription queued before it must count
        Supplier<ByteBuf> work = () -> serve(() -> serveGet(getRequest(get, client, timeout)));
        if (running == null && queued.isEmpty()) {
            if (timeout < 0) {
                replies.complete(slot, work.get());
                return;
            }
            // a GET that may wait goes to the executor, unless its batch is there already (a busy destination):
            // then it is answered here, without two thread hand-offs per batch
            ByteBuf ready = serve(() -> serveIfReady(getRequest(get, client, timeout)));
            if (ready != NOT_READY) {
                replies.complete(slot, ready);
                return;
            }
        }
        offload(slot, work);
    }

    /** {@link #serveIfReady}'s answer when the GET would have to wait. */
    private static final ByteBuf NOT_READY = Unpooled.buffer(0);

    /** The GET's reply when its batch can be had without waiting, else {@link #NOT_READY}. */
    private ByteBuf serveIfReady(GetRequest request) {
        Batch batch;
        try {
            batch = request.destination().getIfReady(request.client(), request.fetchSize());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return batch == null ? NOT_READY : reply(request, batch);
    }

    private GetRequest getRequest(Get get, ClientIdentity client, long timeout) {
        Destination destination = running(client);
        requireSubscribed(destination, client);
        int fetchSize = get.getFetchSize() > 0 ? get.getFetchSize() : DEFAULT_FETCH_SIZE;
        TimeUnit unit = get.hasUnit() ? timeUnit(get.getUnit()) : TimeUnit.MILLISECONDS;
        // auto_ack: canal 1.1.8 ignores it (its handling is commented out); Sluice honours it: GET then ack in one
        // round trip, for clients that accept at-most-once
        return new GetRequest(client, destination, fetchSize, timeout, unit, get.getAutoAck());
    }

    /** Runs one GET; on the event loop for timeout -1, on the executor otherwise. Returns the reply. */
    private ByteBuf serveGet(GetRequest request) {
        Batch batch;
        try {
            batch = request.destination().getWithoutAck(request.client(), request.fetchSize(), request.timeout(),
                    request.unit());
        } catch (InterruptedException e) {
            // the connection closed (or the server stops) while this GET waited: nobody to answer
            Thread.currentThread().interrupt();
            return null;
        }
        return reply(request, batch);
    }

    /** The reply carrying a batch this GET got. */
    private ByteBuf reply(GetRequest request, Batch batch) {
        if (!batch.isEmpty() && destinations.find(request.client().destination()).orElse(null)
                != request.destination()) {
            // the destination stopped being served here while this GET ran (under HA: lost its election, or its
            // ZooKeeper connection): another server may be serving it now, so this batch must not go out
            try {
                request.destination().rollback(request.client(), 0);
            } catch (RuntimeException stopped) {
                // stopped meanwhile: its batches went with it
            }
            running(request.client()); // refuses as a standby does
            throw new ClientRequestException(400, "destination:" + request.client().destination()
                    + " should start first");
        }
        if (request.autoAck() && !batch.isEmpty()) {
            // at-most-once by the client's choice: the batch goes out whether or not its ack is persisted yet
            request.destination().ackAsync(request.client(), batch.id()).exceptionally(e -> {
                log.warn("auto-ack of batch {} of {} not persisted: {}", batch.id(), request.client(),
                        unwrap(e).getMessage());
                return null;
            });
        }
        return Replies.messages(ctx.alloc(), batch);
    }

    private void offload(ReplyQueue.Slot slot, Supplier<ByteBuf> work) {
        queued.add(new Queued(work, slot));
        startNext();
    }

    private void startNext() {
        if (running != null || closed || queued.isEmpty()) {
            return;
        }
        Queued next = queued.poll();
        BlockingTask<ByteBuf> task = new BlockingTask<>(next.work(),
                reply -> ctx.executor().execute(() -> ended(next.slot(), reply)));
        running = task;
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            running = null;
            replies.complete(next.slot(), Replies.error(400, "server is shutting down"));
            ctx.close();
        }
    }

    private void ended(ReplyQueue.Slot slot, ByteBuf reply) {
        running = null;
        replies.complete(slot, reply);
        if (closed) {
            rollBackOnDisconnect();
        } else {
            startNext();
            updateReading();
        }
    }

    /**
     * A client that does not read its replies (the socket's send buffer is full) or piles up requests behind a
     * blocked one is not read from until that clears: the server's memory stays bounded, whatever the client does.
     */
    private void updateReading() {
        boolean read = ctx.channel().isWritable() && replies.pending() < MAX_PENDING_REPLIES;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        updateReading();
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        closed = true;
        replies.close();
        queued.clear();
        if (running == null) {
            rollBackOnDisconnect();
        } else if (running.cancel()) {
            running = null;
            rollBackOnDisconnect();
        }
        // otherwise the running request ends soon (interrupted) and ended() rolls back after it
        context.fireChannelInactive();
    }

    private void rollBackOnDisconnect() {
        Channel channel = ctx.channel();
        for (ClientIdentity client : clients) {
            if (!ownership.release(client, channel)) {
                continue;
            }
            try {
                destinations.find(client.destination()).ifPresent(destination -> {
                    if (!destination.isSubscribed(client)) {
                        return;
                    }
                    if (client.isPeek()) {
                        destination.unsubscribe(client); // a peek lives as long as its connection (not in meta)
                    } else {
                        destination.rollback(client, 0);
                    }
                });
            } catch (RuntimeException e) {
                log.warn("rollback of {} after {} disconnected failed: {}", client, channel.remoteAddress(),
                        e.toString());
            }
        }
        clients.clear();
    }

    private ByteBuf serve(Supplier<ByteBuf> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            return errorReply(e);
        }
    }

    private ByteBuf errorReply(RuntimeException e) {
        if (e instanceof ClientRequestException request) {
            log.debug("{} request refused: {}", ctx.channel().remoteAddress(), request.getMessage());
            if (request.errorCode() != 400) {
                return Replies.error(request.errorCode(), request.getMessage());
            }
        } else if (e instanceof MetaStoreException) {
            // ZooKeeper away, a disk full: the message says which; the client retries
            log.warn("{} request failed: {}", ctx.channel().remoteAddress(), e.getMessage());
        } else {
            log.warn("{} request failed", ctx.channel().remoteAddress(), e);
        }
        // canal wraps every server-side exception like this with its stack trace; clients grep the inner text,
        // which the exception's class and message keep. The frames stay in the server log: they describe the
        // server's code and libraries to whoever connects (docs/security.md).
        return Replies.error(400, "something goes wrong with channel:" + ctx.channel() + ", exception=" + e);
    }

    private static ClientIdentity identity(String destination, String clientId) {
        if (destination.isEmpty() || clientId.isEmpty()) {
            throw new ClientRequestException(401, "destination or clientId is null");
        }
        try {
            return ClientIdentity.of(destination, clientId);
        } catch (NumberFormatException e) {
            throw new ClientRequestException(400, e.toString());
        }
    }

    private Destination running(ClientIdentity client) {
        return destinations.find(client.destination()).orElseThrow(() ->
                new ClientRequestException(400, "destination:" + client.destination() + " should start first"));
    }

    private static void requireSubscribed(Destination destination, ClientIdentity client) {
        if (!destination.isSubscribed(client)) {
            throw new ClientRequestException(400, "ClientIdentity:" + client + " should subscribe first");
        }
    }

    private void claim(ClientIdentity client) {
        clients.add(client);
        ownership.claim(client, ctx.channel());
    }

    /**
     * A subscribe starts a consumer session on this connection. When the client id last spoke on another
     * connection whose end the server has not seen yet (a quick reconnect), that connection's outstanding batches
     * are given back now, as its disconnect would have done: the disconnect no longer owns the client and will not
     * (it must not undo this connection's batches). Only a subscribe takes over this way; a late request of the
     * old connection claims without rolling anything back.
     */
    private void claimForSession(ClientIdentity client) {
        if (client.isPeek() && !ownership.claimUnlessLive(client, ctx.channel())) {
            // two peeks drew the same id: the second must take another rather than end the first one's session
            throw new ClientRequestException(400, "peek client id " + client.clientId()
                    + " is in use by another connection; choose another");
        }
        clients.add(client);
        Channel previous = ownership.claim(client, ctx.channel());
        if (previous != null && previous != ctx.channel()) {
            destinations.find(client.destination()).ifPresent(destination -> {
                if (destination.isSubscribed(client)) {
                    destination.rollback(client, 0);
                }
            });
        }
    }

    /** {@code Get.unit} is a {@code TimeUnit} ordinal; canal maps anything else to milliseconds. */
    static TimeUnit timeUnit(int ordinal) {
        TimeUnit[] units = TimeUnit.values();
        return ordinal >= 0 && ordinal < units.length ? units[ordinal] : TimeUnit.MILLISECONDS;
    }
}
