package io.sluice.client.reliability;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a consumer received of the {@link Workload} table, checked as it arrives. Every row change has a unique key
 * (type, id, version): versions only grow and ids are never reused. A change received again is a duplicate; it is
 * allowed only if no ack covered it yet (one that did is counted in {@link #ackedAgain()}, which tests assert is 0) — canal's GET/ACK is at-least-once for unacked batches. An ack counts as
 * done once a later request on the same connection was answered (the server handles a connection's requests in
 * order); an ack whose connection died first is uncertain, and its changes may come again.
 */
final class Ledger {

    private final String table;
    private final Map<Long, Long> rows = new TreeMap<>();
    private final Set<String> seen = new HashSet<>();
    private final Set<String> acked = new HashSet<>();
    private final List<String> pendingAck = new ArrayList<>();
    private final Set<String> uncertain = new HashSet<>();
    private final List<String> batch = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private long changes;
    private long duplicates;
    private long uncertainDuplicates;
    private long ackedAgain;

    Ledger(String table) {
        this.table = table;
    }

    /** A batch arrived on a connection: any ack sent before it on that connection was handled. */
    synchronized List<String> received(List<CanalEntry.Entry> entries) {
        acked.addAll(pendingAck);
        pendingAck.clear();
        batch.clear();
        for (CanalEntry.Entry entry : entries) {
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA
                    || !table.equalsIgnoreCase(entry.getHeader().getTableName())) {
                continue;
            }
            CanalEntry.RowChange change;
            try {
                change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
            } catch (InvalidProtocolBufferException e) {
                violations.add("unparseable row change at " + entry.getHeader().getLogfileName() + ":"
                        + entry.getHeader().getLogfileOffset() + ": " + e.getMessage());
                continue;
            }
            if (change.getIsDdl()) {
                continue;
            }
            for (CanalEntry.RowData row : change.getRowDatasList()) {
                apply(change.getEventType(), row);
            }
        }
        return new ArrayList<>(batch);
    }

    private void apply(CanalEntry.EventType type, CanalEntry.RowData row) {
        Map<String, String> before = columns(row.getBeforeColumnsList());
        Map<String, String> after = columns(row.getAfterColumnsList());
        Map<String, String> image = type == CanalEntry.EventType.DELETE ? before : after;
        long id = Long.parseLong(image.get("id"));
        long version = Long.parseLong(image.get("v"));
        String key = type + ":" + id + ":" + version;
        batch.add(key);
        if (acked.contains(key)) {
            // counted rather than failed at once, so that a run reports how many came again
            ackedAgain++;
            duplicates++;
            return;
        }
        if (!seen.add(key)) {
            duplicates++;
            if (uncertain.contains(key)) {
                uncertainDuplicates++;
            }
            return;
        }
        changes++;
        Long current = rows.get(id);
        switch (type) {
            case INSERT -> {
                if (current != null) {
                    violations.add("insert of existing row " + key);
                }
                rows.put(id, version);
            }
            case UPDATE -> {
                long previous = Long.parseLong(before.get("v"));
                if (current == null || current != previous || version != previous + 1) {
                    violations.add("update out of order " + key + " (held " + current + ")");
                }
                rows.put(id, version);
            }
            case DELETE -> {
                if (current == null || current != version) {
                    violations.add("delete out of order " + key + " (held " + current + ")");
                }
                rows.remove(id);
            }
            default -> violations.add("unexpected " + key);
        }
    }

    private static Map<String, String> columns(List<CanalEntry.Column> columns) {
        Map<String, String> out = new HashMap<>();
        for (CanalEntry.Column c : columns) {
            out.put(c.getName().toLowerCase(), c.getValue());
        }
        return out;
    }

    /** A batch received earlier (its keys as {@link #received} returned them) is being acked. */
    synchronized void acking(List<String> keys) {
        pendingAck.addAll(keys);
    }

    /** The last received batch is being acked. */
    synchronized void acking() {
        pendingAck.addAll(batch);
        batch.clear();
    }

    /** The connection died: acks not yet followed by an answer may or may not have been handled. */
    synchronized void connectionLost() {
        uncertain.addAll(pendingAck);
        pendingAck.clear();
        batch.clear();
    }

    synchronized Map<Long, Long> rows() {
        return new TreeMap<>(rows);
    }

    synchronized long changes() {
        return changes;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /** Changes received again although an ack covering them had been answered: must be 0. */
    synchronized long ackedAgain() {
        return ackedAgain;
    }

    /** Duplicates whose ack was sent but not followed by an answer before the connection died. */
    synchronized long uncertainDuplicates() {
        return uncertainDuplicates;
    }

    /** Everything wrong: changes out of order or unparseable, and acked changes delivered again. */
    synchronized List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        if (ackedAgain > 0) {
            all.add(ackedAgain + " acked changes delivered again");
        }
        return all;
    }

    /** Changes out of order or unparseable: the copy can no longer become equal to the source. */
    synchronized List<String> orderViolations() {
        return new ArrayList<>(violations);
    }
}
