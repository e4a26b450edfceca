package io.sluice.server.snapshot;

import io.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A thread that keeps running random statements against the master until closed. */
final class Writer implements AutoCloseable {

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong statements = new AtomicLong();
    private volatile boolean stopping;

    /** @param next the next statement(s), given a random source and the statement count so far */
    Writer(TestDatabase db, long seed, Function<Random, List<String>> next) {
        Random random = new Random(seed);
        thread = new Thread(() -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                while (!stopping) {
                    for (String sql : next.apply(random)) {
                        s.execute(sql);
                        statements.incrementAndGet();
                    }
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (SQLException | RuntimeException e) {
                failure.set(e);
            }
        }, "test-writer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(10_000);
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("writer failed: " + t, t);
        }
    }
}
