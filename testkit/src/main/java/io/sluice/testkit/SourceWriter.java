package io.sluice.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A writer loop on the source: single-row inserts, updates and deletes on {@code ha.t}, one transaction each,
 * plus now and then a multi-row transaction, until stopped. The failover tests of the client (Sluice's connector)
 * and of compat (canal's) run it against the consumer's mirror.
 */
public final class SourceWriter implements Runnable, AutoCloseable {

    private final TestDatabase db;
    private final Random random = new Random(8);
    private final Thread thread = new Thread(this, "source-writer");
    private volatile boolean stop;
    private volatile Exception failure;
    private volatile long statements;

    /** Creates (or re-creates) {@code ha.t}. */
    public SourceWriter(TestDatabase db) {
        this.db = db;
        db.execute("CREATE DATABASE IF NOT EXISTS ha", "DROP TABLE IF EXISTS ha.t",
                "CREATE TABLE ha.t (id INT PRIMARY KEY, v INT NOT NULL)");
    }

    public SourceWriter start() {
        thread.start();
        return this;
    }

    public long statements() {
        return statements;
    }

    @Override
    public void run() {
        int nextId = 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop) {
                int op = random.nextInt(10);
                if (op < 5 || nextId < 20) {
                    s.execute("INSERT INTO ha.t VALUES (" + nextId++ + ", 0)");
                } else if (op < 8) {
                    s.execute("UPDATE ha.t SET v = v + 1 WHERE id = " + (1 + random.nextInt(nextId - 1)));
                } else if (op < 9) {
                    s.execute("DELETE FROM ha.t WHERE id = " + (1 + random.nextInt(nextId - 1)));
                } else {
                    c.setAutoCommit(false);
                    s.execute("INSERT INTO ha.t VALUES (" + nextId++ + ", 1), (" + nextId++ + ", 2)");
                    s.execute("UPDATE ha.t SET v = v + 10 WHERE id > " + (nextId - 5));
                    c.commit();
                    c.setAutoCommit(true);
                }
                statements++;
                Thread.sleep(4);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The table as it is now: id → v. */
    public Map<Integer, Integer> sourceRows() {
        Map<Integer, Integer> rows = new HashMap<>();
        for (Map<String, String> r : db.query("SELECT id, v FROM ha.t")) {
            rows.put(Integer.valueOf(r.get("id")), Integer.valueOf(r.get("v")));
        }
        return rows;
    }

    /** Stops the loop and waits for it; rethrows what made the loop fail. */
    @Override
    public void close() throws Exception {
        stop = true;
        thread.join(30_000);
        if (failure != null) {
            throw failure;
        }
    }
}
