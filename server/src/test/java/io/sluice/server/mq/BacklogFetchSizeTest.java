package io.sluice.server.mq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BacklogFetchSizeTest {

    private static final long FAST = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TIMED_OUT = TimeUnit.MILLISECONDS.toNanos(100);

    @Test
    void startsAtCanalsBatchSize() {
        assertEquals(50, new BacklogFetchSize(50, 16, 100).current());
    }

    @Test
    void doublesAfterEachFullBatchUpToTheGrowthLimit() {
        BacklogFetchSize size = new BacklogFetchSize(50, 16, 100);
        int[] expected = {100, 200, 400, 800, 800, 800};
        for (int e : expected) {
            size.after(true, FAST);
            assertEquals(e, size.current());
        }
    }

    @Test
    void fallsBackToCanalsBatchSizeAfterAGetThatWaited() {
        BacklogFetchSize size = new BacklogFetchSize(50, 16, 100);
        size.after(true, FAST);
        size.after(true, FAST);
        size.after(true, TIMED_OUT); // caught up: a partial batch at the timeout
        assertEquals(50, size.current());
    }

    @Test
    void anEmptyGetIsNoBacklog() {
        BacklogFetchSize size = new BacklogFetchSize(50, 16, 100);
        size.after(true, FAST);
        size.after(false, FAST); // e.g. a destination draining for a hand-over returns at once with nothing
        assertEquals(50, size.current());
    }

    @Test
    void growthOneKeepsCanalsFixedBatch() {
        BacklogFetchSize size = new BacklogFetchSize(50, 1, 100);
        size.after(true, FAST);
        assertEquals(50, size.current());
    }

    @Test
    void aGetWithoutTimeoutCannotTellABacklog() {
        for (long timeout : new long[] {0, -1}) {
            BacklogFetchSize size = new BacklogFetchSize(50, 16, timeout);
            size.after(true, FAST);
            assertEquals(50, size.current(), "timeout " + timeout);
        }
    }

    @Test
    void neverOverflows() {
        BacklogFetchSize size = new BacklogFetchSize(Integer.MAX_VALUE / 2, 16, 100);
        size.after(true, FAST);
        size.after(true, FAST);
        assertEquals(Integer.MAX_VALUE, size.current());
    }
}
