package io.sluice.server.mq;

import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A workload for the format tests on the private MariaDB: inserts, updates (some changing the primary key),
 * deletes, an ALTER that adds a column, a TRUNCATE and inserts after it, on a table with binary columns holding
 * every byte value. The binlog is decoded by Sluice's parser into the entries the publisher reads.
 *
 * @param entries        the decoded entries, in commit order
 * @param beforeTruncate the table's rows (by id) just before the TRUNCATE, as {@link #SELECT} gives them
 * @param afterTruncate  the rows at the end (inserted after the TRUNCATE)
 */
record FormatWorkload(List<StoredEntry> entries, Map<String, Map<String, String>> beforeTruncate,
                      Map<String, Map<String, String>> afterTruncate) {

    /** Every column, binary ones as hex, temporal ones as MariaDB prints them. */
    static final String SELECT = "SELECT id, name, price, HEX(code) AS code, HEX(raw) AS raw, HEX(doc) AS doc,"
            + " made, born, note FROM fshop.item";

    static FormatWorkload run(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS fshop", "CREATE DATABASE fshop",
                "CREATE TABLE fshop.item (id int PRIMARY KEY, name varchar(40) NOT NULL, price decimal(10,2),"
                        + " code binary(4), raw varbinary(64), doc blob, made datetime(6), born date)");
        Random r = new Random(23);
        List<Integer> ids = new ArrayList<>();
        int nextId = 1;
        Map<String, Map<String, String>> beforeTruncate;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             PreparedStatement insert = c.prepareStatement("INSERT INTO fshop.item (id, name, price, code, raw, doc, made,"
                     + " born) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < 120; i++) {
                int op = ids.size() < 5 ? 0 : r.nextInt(7);
                if (op <= 2) {
                    int id = nextId++;
                    ids.add(id);
                    insert.setInt(1, id);
                    insert.setString(2, "n" + id + " é😀");
                    insert.setBigDecimal(3, new java.math.BigDecimal(r.nextInt(99999) + "." + r.nextInt(10) + r.nextInt(10)));
                    // binary(4) ending in 0x00 (the binlog strips them), varbinary with every byte value, a blob
                    insert.setBytes(4, new byte[] {(byte) r.nextInt(256), (byte) 0x80, (byte) 0xff, 0});
                    insert.setBytes(5, bytes(r, id % 3 == 0 ? 0 : 64, id));
                    insert.setBytes(6, id % 7 == 0 ? null : bytes(r, 300, id));
                    insert.setString(7, "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + " 10:11:12."
                            + String.format("%06d", r.nextInt(999_999)));
                    insert.setString(8, (1950 + r.nextInt(70)) + "-0" + (1 + r.nextInt(9)) + "-2" + r.nextInt(9));
                    insert.execute();
                } else if (op <= 4) {
                    s.execute("UPDATE fshop.item SET price = price + 1, raw = UNHEX('00FF80" + String.format("%02X", i)
                            + "') WHERE id = " + ids.get(r.nextInt(ids.size())));
                } else if (op == 5) {
                    // a key change: before and after images carry different ids
                    int from = ids.remove(r.nextInt(ids.size()));
                    int to = nextId++;
                    ids.add(to);
                    s.execute("UPDATE fshop.item SET id = " + to + " WHERE id = " + from);
                } else {
                    s.execute("DELETE FROM fshop.item WHERE id = " + ids.remove(r.nextInt(ids.size())));
                }
                if (i == 60) {
                    s.execute("ALTER TABLE fshop.item ADD COLUMN note varchar(20) NULL");
                    s.execute("UPDATE fshop.item SET note = CONCAT('note ', id) WHERE id % 2 = 0");
                }
            }
            beforeTruncate = byId(db.query(SELECT));
            s.execute("TRUNCATE TABLE fshop.item");
            s.execute("INSERT INTO fshop.item (id, name, code, raw) VALUES (9001, 'after truncate', UNHEX('01020304'),"
                    + " UNHEX('0A0D5C22'))");
        }
        Map<String, Map<String, String>> afterTruncate = byId(db.query(SELECT));
        db.execute("FLUSH BINARY LOGS");
        return new FormatWorkload(KafkaFromBinlogIT.decode(db, firstFile), beforeTruncate, afterTruncate);
    }

    private static byte[] bytes(Random r, int n, int id) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i + id); // every byte value over the rows, control and high bytes included
        }
        if (n > 0) {
            b[r.nextInt(n)] = (byte) r.nextInt(256);
        }
        return b;
    }

    static Map<String, Map<String, String>> byId(List<Map<String, String>> rows) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        rows.forEach(row -> out.put(row.get("id"), row));
        return out;
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().withUpperCase().formatHex(b);
    }
}
