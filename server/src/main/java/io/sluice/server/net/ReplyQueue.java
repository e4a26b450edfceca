package io.sluice.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;

/**
 * Writes one channel's replies in the order of the requests they answer. Acks and rollbacks are served as soon as
 * they arrive (so an ack is never held up behind a GET that waits for entries), but the official client matches
 * replies to requests by position alone, so a reply may leave only after every earlier request's reply (or its
 * decision to send none). Used from the channel's event loop only.
 */
final class ReplyQueue {

    /** A request's place in the reply order; {@code reply == null} once done means "no reply". */
    static final class Slot {
        private ByteBuf reply;
        private boolean done;
    }

    private final ChannelHandlerContext ctx;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private boolean closed;

    ReplyQueue(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Reserves the next place for a reply that comes later ({@link #complete}). */
    Slot reserve() {
        Slot slot = new Slot();
        if (!closed) {
            slots.add(slot);
        }
        return slot;
    }

    /** A reply that is ready now; {@code null} = this request gets no reply, so it needs no place in the order. */
    void add(ByteBuf reply) {
        if (reply != null) {
            complete(reserve(), reply);
        }
    }

    void complete(Slot slot, ByteBuf reply) {
        if (closed || slot.done) {
            if (reply != null) {
                reply.release();
            }
            return;
        }
        slot.reply = reply;
        slot.done = true;
        drain();
    }

    /** Replies waiting for an earlier one (or not ready yet). */
    int pending() {
        return slots.size();
    }

    /** Drops whatever has not been written yet; the channel is gone. */
    void close() {
        closed = true;
        for (Slot slot : slots) {
            if (slot.reply != null) {
                slot.reply.release();
                slot.reply = null;
            }
            slot.done = true;
        }
        slots.clear();
    }

    private void drain() {
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().done) {
            Slot head = slots.poll();
            if (head.reply != null) {
                ctx.write(head.reply, ctx.voidPromise());
                head.reply = null;
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }
}
