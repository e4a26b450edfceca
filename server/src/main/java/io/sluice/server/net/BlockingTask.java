package io.sluice.server.net;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A request that may block (a GET waiting for entries, a subscription persisted to meta), run on the server's
 * request executor rather than on an event loop. It can be cancelled when its connection closes; the owner learns
 * exactly once that the task has really ended ({@code onEnd}), so that a batch handed out by a GET finishing just as
 * its client disconnects is rolled back too, never left stranded.
 */
final class BlockingTask<T> implements Runnable {

    private enum State { NEW, DONE, CANCELLED }

    private final Supplier<T> work;
    private final Consumer<T> onEnd;
    /** A {@link State} or, while running, the running thread. */
    private Object state = State.NEW;

    BlockingTask(Supplier<T> work, Consumer<T> onEnd) {
        this.work = work;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (state != State.NEW) {
                return;
            }
            state = Thread.currentThread();
        }
        T result = null;
        try {
            result = work.get();
        } finally {
            synchronized (this) {
                state = State.DONE;
                // a cancel that raced with the end of the work must not leak into the pool thread's next task
                Thread.interrupted();
            }
            onEnd.accept(result);
        }
    }

    /**
     * Interrupts the task if it runs. Returns true if it had not started: then it never will, {@code onEnd} is
     * not called, and the caller finishes on its behalf.
     */
    synchronized boolean cancel() {
        if (state == State.NEW) {
            state = State.CANCELLED;
            return true;
        }
        if (state instanceof Thread running) {
            running.interrupt();
        }
        return false;
    }
}
