package io.sluice.server.mq;

import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

/**
 * A workload on the private MariaDB over the types of the values matrix (docs/values.md) that a sink database can
 * hold: table {@code cdc.typed} gets inserts (multi-row statements too), updates of every column, updates that
 * change the primary key, deletes and an ALTER that adds a column; table {@code cdc.wiped} gets inserts, a
 * TRUNCATE and inserts after it. The binlog is decoded by Sluice's parser into the entries the publisher reads.
 *
 * <p>Left out, because no Debezium-format sink can carry them into PostgreSQL: TIME values below 00:00:00 or from
 * 24:00:00 (Debezium's {@code MicroTime} becomes a PostgreSQL {@code time}, range 00:00–24:00); BIT(n) for n &ge; 8
 * (the sink reads Debezium's little-endian {@code Bits} bytes as a big-endian signed number: wrong bits, and a
 * failed insert when the top bit is set); DECIMAL with a precision above 38 (the sink creates numeric(38, s), and
 * the insert of a wider value fails). BIGINT UNSIGNED up to its maximum is carried with
 * {@code sluice.mq.debezium.bigint.unsigned.handling.mode = precise}. Zero dates are in the workload: Debezium (and
 * Sluice) send them as null.
 */
record TypesWorkload(List<StoredEntry> entries) {

    static final String CREATE_TYPED = "CREATE TABLE cdc.typed (id int PRIMARY KEY,"
            + " ti tinyint, tu tinyint unsigned, si smallint, su smallint unsigned, mi mediumint, iu int unsigned,"
            + " bi bigint, bu bigint unsigned, f float, d double,"
            + " dc decimal(10,2), dbig decimal(38,30), dneg decimal(10,4),"
            + " b1 bit(1), b6 bit(6),"
            + " dt date, dtm datetime, dt3 datetime(3), dt6 datetime(6), ts6 timestamp(6) NULL, tm time, tm6 time(6),"
            + " yr year,"
            + " c char(10), vc varchar(100), tx text, l1 varchar(40) CHARACTER SET latin1,"
            + " bn binary(4), vb varbinary(64), bl blob,"
            + " en enum('small','medium','large'), st set('red','green','blue'), js json,"
            + " i6 inet6, uu uuid, g geometry)";

    static final String INSERT_TYPED = "INSERT INTO cdc.typed (id, ti, tu, si, su, mi, iu, bi, bu, f, d, dc, dbig, dneg,"
            + " b1, b6, dt, dtm, dt3, dt6, ts6, tm, tm6, yr, c, vc, tx, l1, bn, vb, bl, en, st, js, i6, uu, g)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ST_GeomFromText(?))";

    static TypesWorkload run(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS cdc", "CREATE DATABASE cdc", CREATE_TYPED,
                "CREATE TABLE cdc.wiped (id int PRIMARY KEY, name varchar(40), amount decimal(12,3))");
        Random r = new Random(42);
        try (Connection c = db.connect(); Statement s = c.createStatement();
             PreparedStatement insert = c.prepareStatement(INSERT_TYPED)) {
            // the edges of the matrix first, then ordinary rows
            s.execute("INSERT INTO cdc.typed (id, ti, tu, si, su, mi, iu, bi, bu, f, d, dc, dbig, dneg, b1, b6,"
                    + " dt, dtm, dt3, dt6, ts6, tm, tm6, yr, c, vc, tx, l1, bn, vb, bl, en, st, js, i6, uu, g) VALUES"
                    + " (1, -128, 255, -32768, 65535, -8388608, 4294967295, -9223372036854775808, 18446744073709551615,"
                    + " 3.40282e38, -1.7976931348623157e308, -99999999.99,"
                    + " 99999999.999999999999999999999999999999, -0.0001, b'1', b'111111',"
                    + " '0000-00-00', '1000-01-01 00:00:00', '2024-02-29 12:34:56.789', '9999-12-31 23:59:59.999999',"
                    + " '2038-01-18 03:14:07.999999', '00:00:00', '23:59:59.999999', 2155,"
                    + " 'a  ', 'héllo 😀 中文', 'text with emoji 😀🎉 and CJK 中文', 'Ça déjà Ærø Ålborg ÿ',"
                    + " x'00000000', x'000102FF80', x'00FF00FF', 'large', 'red,green,blue',"
                    + " '{\"a\": 1, \"b\": [true, false, null], \"s\": \"😀\", \"n\": 1.5e10}',"
                    + " '2001:db8::1', '123e4567-e89b-12d3-a456-426614174000', ST_GeomFromText('POINT(1.5 -2.25)')),"
                    + " (2, 127, 0, 32767, 0, 8388607, 0, 9223372036854775807, 0, -1.5, 0.1, 0.00, 0, 0.0001,"
                    + " b'0', b'0', '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00.001',"
                    + " '1970-01-01 00:00:00.000001', '1970-01-01 00:00:01.000000', '12:00:00', '00:00:00.000001', 1901,"
                    + " '', '', '', '', x'01', x'', x'', 'small', '', '[]', '::', '00000000-0000-0000-0000-000000000000',"
                    + " ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'))");
            s.execute("INSERT INTO cdc.typed (id) VALUES (3)"); // every other column NULL
            int nextId = 10;
            for (int i = 0; i < 24; i++) {
                bind(insert, nextId++, r);
                insert.addBatch();
            }
            insert.executeBatch();
            c.setAutoCommit(false);
            for (int i = 0; i < 4; i++) {
                bind(insert, nextId++, r);
                insert.execute();
            }
            s.execute("UPDATE cdc.typed SET dc = dc + 1, vc = CONCAT(vc, ' upd'), bl = x'DEADBEEF00' WHERE id % 3 = 0");
            c.commit();
            c.setAutoCommit(true);
            s.execute("UPDATE cdc.typed SET ti = -1, tu = 254, dt6 = '2001-02-03 04:05:06.070809',"
                    + " ts6 = '2001-02-03 04:05:06.000007', tm6 = '01:02:03.5', en = 'medium', st = 'green,blue',"
                    + " js = '{\"k\": \"v\"}', b6 = b'000011', vb = x'7F', g = ST_GeomFromText('POINT(0 0)')"
                    + " WHERE id = 2");
            s.execute("UPDATE cdc.typed SET id = 100 WHERE id = 11"); // key changes
            s.execute("UPDATE cdc.typed SET id = id + 1000 WHERE id BETWEEN 20 AND 22");
            s.execute("DELETE FROM cdc.typed WHERE id = 12");
            s.execute("UPDATE cdc.typed SET id = 12, vc = 'moved into a freed key' WHERE id = 13");
            s.execute("DELETE FROM cdc.typed WHERE id IN (14, 15, 1021)");
            s.execute("DELETE FROM cdc.typed WHERE id = 3");
            s.execute("ALTER TABLE cdc.typed ADD COLUMN added varchar(20) NULL");
            s.execute("UPDATE cdc.typed SET added = CONCAT('a', id) WHERE id % 2 = 0");
            for (int i = 0; i < 3; i++) {
                bind(insert, nextId++, r);
                insert.execute();
            }
            s.execute("UPDATE cdc.typed SET id = 200, added = 'moved after alter' WHERE id = 16");
            s.execute("DELETE FROM cdc.typed WHERE id = 17");

            s.execute("INSERT INTO cdc.wiped VALUES (1, 'one', 1.5), (2, 'two', 2.25), (3, 'three', -3.125)");
            s.execute("UPDATE cdc.wiped SET name = 'TWO' WHERE id = 2");
            s.execute("TRUNCATE TABLE cdc.wiped");
            s.execute("INSERT INTO cdc.wiped VALUES (2, 'two after truncate', 20.5), (4, 'four', 4)");
        }
        db.execute("FLUSH BINARY LOGS");
        return new TypesWorkload(KafkaFromBinlogIT.decode(db, firstFile));
    }

    private static void bind(PreparedStatement p, int id, Random r) throws Exception {
        int i = 1;
        p.setInt(i++, id);
        p.setInt(i++, r.nextInt(256) - 128);
        p.setInt(i++, r.nextInt(256));
        p.setInt(i++, r.nextInt(65536) - 32768);
        p.setInt(i++, r.nextInt(65536));
        p.setInt(i++, r.nextInt(1 << 24) - (1 << 23));
        p.setLong(i++, r.nextLong(1L << 32));
        p.setLong(i++, r.nextLong());
        p.setBigDecimal(i++, new java.math.BigDecimal(new java.math.BigInteger(64, r))); // the whole unsigned range
        p.setFloat(i++, r.nextFloat() * 1000 - 500);
        p.setDouble(i++, r.nextGaussian() * 1e6);
        p.setBigDecimal(i++, java.math.BigDecimal.valueOf(r.nextLong(10_000_000_000L) - 5_000_000_000L, 2));
        p.setBigDecimal(i++, new java.math.BigDecimal((r.nextInt(199_999_999) - 99_999_999) + "." + String.format("%030d", r.nextLong(Long.MAX_VALUE))));
        p.setBigDecimal(i++, java.math.BigDecimal.valueOf(r.nextInt(2_000_000) - 1_000_000, 4));
        p.setInt(i++, r.nextInt(2));
        p.setInt(i++, r.nextInt(64));
        p.setString(i++, (1000 + r.nextInt(9000)) + "-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10));
        p.setString(i++, (1971 + r.nextInt(60)) + "-1" + r.nextInt(3) + "-0" + (1 + r.nextInt(9)) + " 1" + r.nextInt(10)
                + ":2" + r.nextInt(10) + ":3" + r.nextInt(10));
        p.setString(i++, "2020-05-0" + (1 + r.nextInt(9)) + " 0" + r.nextInt(10) + ":11:12." + String.format("%03d", r.nextInt(1000)));
        p.setString(i++, (1900 + r.nextInt(200)) + "-07-1" + r.nextInt(10) + " 10:11:12." + String.format("%06d", r.nextInt(1_000_000)));
        p.setString(i++, (1990 + r.nextInt(40)) + "-03-2" + r.nextInt(10) + " 2" + r.nextInt(4) + ":00:59."
                + String.format("%06d", r.nextInt(1_000_000)));
        p.setString(i++, String.format("%02d:%02d:%02d", r.nextInt(24), r.nextInt(60), r.nextInt(60)));
        p.setString(i++, String.format("%02d:%02d:%02d.%06d", r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000)));
        p.setInt(i++, 1901 + r.nextInt(255));
        p.setString(i++, "c" + id);
        p.setString(i++, "v" + id + " ü 😀");
        p.setString(i++, id % 5 == 0 ? null : "t".repeat(r.nextInt(300)) + " 中文");
        p.setString(i++, "l1 é " + id);
        p.setBytes(i++, new byte[] {(byte) id, (byte) 0x80, (byte) 0xff, 0});
        p.setBytes(i++, bytes(r, r.nextInt(65), id));
        p.setBytes(i++, id % 7 == 0 ? null : bytes(r, 500, id));
        p.setString(i++, List.of("small", "medium", "large").get(r.nextInt(3)));
        p.setString(i++, List.of("", "red", "green,blue", "red,green,blue").get(r.nextInt(4)));
        p.setString(i++, "{\"id\": " + id + ", \"arr\": [1, 2.5, \"x\"], \"nested\": {\"ok\": true}}");
        p.setString(i++, "2001:db8::" + Integer.toHexString(id));
        p.setString(i++, java.util.UUID.nameUUIDFromBytes(("u" + id + r.nextInt()).getBytes()).toString());
        p.setString(i, "POINT(" + id + " " + (r.nextInt(1000) / 8.0) + ")");
    }

    private static byte[] bytes(Random r, int n, int id) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + id); // every byte value over the rows, control and high bytes included
        }
        if (n > 0) {
            b[r.nextInt(n)] = (byte) r.nextInt(256);
        }
        return b;
    }
}
