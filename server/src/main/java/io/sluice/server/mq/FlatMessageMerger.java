package io.sluice.server.mq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Consecutive FlatMessages of one batch that differ only in their rows become one message whose {@code data} and
 * {@code old} arrays are theirs concatenated in order ({@code sluice.mq.flat.merge.rows}): what canal itself
 * publishes for one binlog event of many rows. Each message is a broker request of its own under canal's shipped
 * producer settings ({@code max.in.flight.requests.per.connection = 1}, {@code batch.size = 16384}), so the broker,
 * the producer and every consumer pay per message rather than per row.
 *
 * <p>Messages merge when they come from consecutive entries of one transaction (a BEGIN/END entry, any entry that
 * yields something other than rows, or the batch's end closes the run) and everything outside {@code data} and
 * {@code old} is the same bytes: database, table, event type, {@code es} (execute time), GTID, SQL, the
 * {@code mysqlType}/{@code sqlType} maps (column names, their order and types) and {@code pkNames}. Rows that go to
 * different partitions merge per partition. A merged message never exceeds {@code maxMessageBytes}: the rows that
 * would make it larger start the next message. Works on encoded bytes only, so the direct writer and the object
 * path, whose per-entry bytes are equal, give equal merged bytes.
 */
final class FlatMessageMerger {

    /** The messages of one topic and partition being merged; the first one's bytes give everything but the rows. */
    private static final class Open {
        final List<FlatPart> parts = new ArrayList<>();
        int size;

        Open(FlatPart first) {
            parts.add(first);
            size = first.length();
        }

        FlatPart first() {
            return parts.get(0);
        }
    }

    private final int maxMessageBytes;
    private final List<Open> open = new ArrayList<>();

    FlatMessageMerger(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The messages of one row entry, in order; merged into the open run when they fit its shape. */
    void entry(List<FlatPart> parts, List<MqMessage> out) {
        if (parts.isEmpty() || !mergeable(parts)) {
            flush(out);
            for (FlatPart p : parts) {
                out.add(p.message());
            }
            return;
        }
        if (!open.isEmpty() && !sameShape(open.get(0).first(), parts.get(0))) {
            flush(out);
        }
        for (FlatPart p : parts) {
            Open target = null;
            for (Open o : open) {
                if (o.first().partition() == p.partition()) {
                    target = o;
                    break;
                }
            }
            if (target != null) {
                int grown = target.size + added(p);
                if (grown <= maxMessageBytes) {
                    target.parts.add(p);
                    target.size = grown;
                    continue;
                }
                open.remove(target);
                out.add(merged(target));
            }
            open.add(new Open(p));
        }
    }

    /** A transaction boundary or the batch's end: every open message goes out. */
    void flush(List<MqMessage> out) {
        for (Open o : open) {
            out.add(merged(o));
        }
        open.clear();
    }

    /** Rows in every part (never an empty array: a comma before nothing would break the JSON), all of one shape. */
    private static boolean mergeable(List<FlatPart> parts) {
        FlatPart first = parts.get(0);
        for (FlatPart p : parts) {
            if (!p.hasRows() || p.dataClose() == p.dataOpen() + 1 || p.oldIsArray() && p.oldTo() - p.oldFrom() == 2
                    || p != first && !sameShape(first, p)) {
                return false;
            }
        }
        return true;
    }

    /** Same topic and the same bytes outside {@code data} and {@code old}. */
    private static boolean sameShape(FlatPart a, FlatPart b) {
        if (!a.topic().equals(b.topic()) || a.oldIsArray() != b.oldIsArray()) {
            return false;
        }
        byte[] x = a.json();
        byte[] y = b.json();
        return Arrays.equals(x, a.dataClose(), a.oldFrom(), y, b.dataClose(), b.oldFrom())
                && Arrays.equals(x, a.oldTo(), a.to(), y, b.oldTo(), b.to());
    }

    /** What a part's rows add to a message: its array contents and a comma before them, in data and in old. */
    private static int added(FlatPart p) {
        int n = p.dataClose() - p.dataOpen();
        if (p.oldIsArray()) {
            n += p.oldTo() - p.oldFrom() - 1;
        }
        return n;
    }

    private static MqMessage merged(Open o) {
        FlatPart first = o.first();
        if (o.parts.size() == 1) {
            return first.message();
        }
        byte[] a = first.json();
        byte[] m = new byte[o.size];
        int n = first.dataClose() - first.from();
        System.arraycopy(a, first.from(), m, 0, n);
        for (int i = 1; i < o.parts.size(); i++) {
            FlatPart p = o.parts.get(i);
            n = appendElements(p.json(), p.dataOpen(), p.dataClose(), m, n);
        }
        // from the data array's ']' to the end of the old array's contents (or through "null")
        int to = first.oldIsArray() ? first.oldTo() - 1 : first.oldTo();
        System.arraycopy(a, first.dataClose(), m, n, to - first.dataClose());
        n += to - first.dataClose();
        if (first.oldIsArray()) {
            for (int i = 1; i < o.parts.size(); i++) {
                FlatPart p = o.parts.get(i);
                n = appendElements(p.json(), p.oldFrom(), p.oldTo() - 1, m, n);
            }
        }
        System.arraycopy(a, to, m, n, first.to() - to);
        n += first.to() - to;
        if (n != m.length) {
            throw new IllegalStateException("merged FlatMessage of " + n + " bytes, " + m.length + " expected");
        }
        return new MqMessage(first.topic(), first.partition(), m);
    }

    /** A comma, then the elements of the array {@code src[open] .. src[close]} ({@code [} and {@code ]}). */
    private static int appendElements(byte[] src, int open, int close, byte[] m, int n) {
        m[n++] = ',';
        int len = close - open - 1;
        System.arraycopy(src, open + 1, m, n, len);
        return n + len;
    }
}
