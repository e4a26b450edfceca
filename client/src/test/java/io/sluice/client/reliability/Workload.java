package io.sluice.client.reliability;

import io.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A writer that inserts, updates and deletes rows of {@code rel.<table>(id, v)} in small transactions until
 * stopped. Every update sets {@code v = v + 1} and ids are never reused, so each change is unique and its order per
 * row is checkable. A transaction that fails (the server went away) is retried on a new connection; the source
 * table, not the writer's count, is what the consumer is compared with.
 */
final class Workload implements AutoCloseable {

    private final TestDatabase db;
    private final String table;
    private final Random random;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<Long> live = new ArrayList<>();
    private long nextId = 1;
    private Thread thread;

    Workload(TestDatabase db, String table, long seed) {
        this.db = db;
        this.table = "rel." + table;
        this.random = new Random(seed);
    }

    static void createTable(TestDatabase db, String table) {
        db.execute("CREATE DATABASE IF NOT EXISTS rel",
                "CREATE TABLE IF NOT EXISTS rel." + table
                        + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, pad VARCHAR(64)) ENGINE=InnoDB");
    }

    void start() {
        running.set(true);
        thread = new Thread(this::run, "workload-" + table);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code transactions} transactions in the calling thread. */
    void write(int transactions) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < transactions; i++) {
                transaction(c);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("workload failed: " + e.getMessage(), e);
        }
    }

    private void run() {
        while (running.get()) {
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                while (running.get()) {
                    transaction(c);
                    Thread.sleep(random.nextInt(3));
                }
            } catch (SQLException e) {
                failures.incrementAndGet();
                pause(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void transaction(Connection c) throws SQLException {
        int ops = 1 + random.nextInt(5);
        List<Long> inserted = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        int done = 0;
        try {
            for (int i = 0; i < ops; i++) {
                int pick = random.nextInt(10);
                if (live.size() < 20 || pick < 4) {
                    long id = nextId++;
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 0, ?)")) {
                        s.setLong(1, id);
                        s.setString(2, "row " + id);
                        done += s.executeUpdate();
                    }
                    inserted.add(id);
                } else {
                    long id = live.get(random.nextInt(live.size()));
                    if (deleted.contains(id)) {
                        continue;
                    }
                    if (pick < 8) {
                        try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
                            s.setLong(1, id);
                            done += s.executeUpdate();
                        }
                    } else {
                        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                            s.setLong(1, id);
                            done += s.executeUpdate();
                        }
                        deleted.add(id);
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            // the outcome of a failed commit is unknown; ids are not reused either way
            live.addAll(inserted);
            live.removeAll(deleted);
            throw e;
        }
        live.addAll(inserted);
        live.removeAll(deleted);
        changes.addAndGet(done);
    }

    /** Changes of committed transactions (a commit that failed may still have happened, and is not counted). */
    long changes() {
        return changes.get();
    }

    long failures() {
        return failures.get();
    }

    void stop() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The source table now: id → v. */
    static Map<Long, Long> source(TestDatabase db, String table) {
        Map<Long, Long> rows = new TreeMap<>();
        for (Map<String, String> row : db.query("SELECT id, v FROM rel." + table)) {
            rows.put(Long.parseLong(row.get("id")), Long.parseLong(row.get("v")));
        }
        return rows;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
