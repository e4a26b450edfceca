package io.sluice.server.mq;

/**
 * The fetch size of a publisher's GETs ({@code sluice.mq.batch.growth}): {@code canal.mq.canalBatchSize} while the
 * destination keeps up, doubled after every GET that came back before its timeout with entries (it found a full
 * batch waiting: there is a backlog), up to {@code growth} times, and back to {@code canalBatchSize} after a GET
 * that waited its timeout out.
 *
 * <p>Why: canal's shipped batch (50 units of 1 KiB) makes every batch a few broker messages, and a destination that
 * is behind pays the broker's, the producer's and every consumer's cost per message on thousands of small ones
 * (alibaba/canal #2583, #3137: lag to the broker). A larger GET when there is a backlog lets the merged messages
 * grow towards the message size limit. A destination that keeps up gets canal's batch, and no GET waits longer
 * than {@code canal.mq.canalGetTimeout} either way: a larger fetch size only matters when the entries are there.
 */
final class BacklogFetchSize {

    private final int base;
    private final int max;
    private final long timeoutNanos;
    private int current;

    /**
     * @param base          {@code canal.mq.canalBatchSize}
     * @param growth        how many times {@code base} a GET may ask for; 1 = always {@code base}
     * @param timeoutMillis {@code canal.mq.canalGetTimeout}; a GET that never waits (0 or less) cannot tell a
     *                      backlog, so the size stays {@code base}
     */
    BacklogFetchSize(int base, int growth, long timeoutMillis) {
        this.base = base;
        this.max = (int) Math.min(Integer.MAX_VALUE, (long) base * Math.max(1, growth));
        this.timeoutNanos = timeoutMillis > 0 ? timeoutMillis * 1_000_000L : 0;
        this.current = base;
    }

    /** The fetch size of the next GET. */
    int current() {
        return current;
    }

    /**
     * Records how the last GET went.
     *
     * @param gotEntries   whether it returned entries
     * @param elapsedNanos how long it took
     */
    void after(boolean gotEntries, long elapsedNanos) {
        // a GET with a timeout returns early only when its batch is full (or the store can take no more)
        boolean backlog = timeoutNanos > 0 && gotEntries && elapsedNanos < timeoutNanos / 2;
        current = backlog ? (int) Math.min(max, (long) current * 2) : base;
    }
}
