package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidListEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import io.sluice.server.parser.event.BinlogEventDeserializer;
import io.sluice.server.parser.event.BinlogEventHeader;
import io.sluice.server.parser.event.BinlogEventTypes;
import io.sluice.server.parser.event.PreviousGtidsData;
import io.sluice.server.parser.event.RowsEventData;
import io.sluice.server.parser.event.TaggedGtidData;
import io.sluice.server.position.BinlogPosition;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads parts of the master's binlog files with non-blocking dumps (server id 0: no replica registration) to
 * find start positions: the first transaction at or after a timestamp (a binary search over the files' first
 * events tells which file to read; only that one is read, and the next when the answer is not in it), and the
 * GTID set executed at a file position.
 */
final class BinlogScanner {

    private final ParserSettings settings;
    private int probedFiles;
    private int walkedFiles;

    BinlogScanner(ParserSettings settings) {
        this.settings = settings;
    }

    /** The boundary before the first transaction that started at or after {@code millis}. */
    BinlogPosition atTimestamp(MasterConnection master, long millis) throws IOException, java.sql.SQLException {
        List<String> files = master.binaryLogs();
        int candidate = lastFileStartedBefore(files, millis, this::firstEventMillis);
        for (int i = Math.max(0, candidate); i < files.size(); i++) {
            Walk walk = walk(files.get(i), unit -> unit.timestamp >= millis);
            if (walk.found) {
                return walk.position();
            }
        }
        return null;
    }

    /** Files whose first event was read to find a timestamp's file, since this scanner was made. */
    int probedFiles() {
        return probedFiles;
    }

    /** Files read from their start by a walk (the timestamp's file and any after it), since this scanner was made. */
    int walkedFiles() {
        return walkedFiles;
    }

    /** The time of a file's first event, in ms; -1 when it has none. */
    @FunctionalInterface
    interface FirstEventTime {
        long of(String file) throws IOException;
    }

    /**
     * The index of the last file whose first event is strictly before {@code millis}, or -1 when none is: every
     * transaction before that file's start is older than {@code millis}, so the search can begin there. A binary
     * search over the files' first-event times (they grow with the file sequence), so a start position years back
     * costs as many probes as one a minute back: at most ⌈log2(n+1)⌉ of n files. Strictly before, because binlog
     * times have one-second resolution: a file created in the very second asked for may follow transactions of that
     * second at the end of the file before it.
     */
    static int lastFileStartedBefore(List<String> files, long millis, FirstEventTime firstEvent) throws IOException {
        int lo = 0;
        int hi = files.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long created = firstEvent.of(files.get(mid));
            // a file without a timed event (never seen on a live master) counts as too new: search older files
            if (created > 0 && created < millis) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The GTID set executed before {@code offset} of {@code file}: the file's starting set plus its GTIDs up to there. */
    BinlogPosition withGtidSet(String file, long offset) throws IOException {
        Walk walk = walk(file, unit -> unit.start >= offset);
        return new BinlogPosition(file, offset, walk.gtids.toString(), 0, 0);
    }

    private long firstEventMillis(String file) throws IOException {
        probedFiles++;
        long[] first = {-1};
        BinaryLogClient client = client(file);
        client.registerEventListener(event -> {
            BinlogEventHeader h = (BinlogEventHeader) event.getHeader();
            if (first[0] < 0 && h.getTimestamp() > 0 && h.typeCode() != BinlogEventTypes.ROTATE) {
                first[0] = h.getTimestamp();
                disconnect(client);
            }
        });
        client.connect();
        return first[0];
    }

    /** A transaction (or standalone statement) about to start: its first event's position and time. */
    private record UnitStart(long start, long timestamp) {
    }

    private static final class Walk {
        final String file;
        long boundary = 4;
        boolean inUnit;
        boolean explicit;
        boolean found;
        final GtidSetText gtids = new GtidSetText("");

        Walk(String file) {
            this.file = file;
        }

        BinlogPosition position() {
            return new BinlogPosition(file, boundary, gtids.toString(), 0, 0);
        }
    }

    /** Reads {@code file} from its start until {@code stop} accepts a unit start (or the file ends). */
    private Walk walk(String file, Predicate<UnitStart> stop) throws IOException {
        walkedFiles++;
        Walk w = new Walk(file);
        BinaryLogClient client = client(file);
        client.registerEventListener(event -> {
            if (w.found) {
                return;
            }
            BinlogEventHeader h = (BinlogEventHeader) event.getHeader();
            if (h.typeCode() == BinlogEventTypes.ROTATE && h.getTimestamp() == 0) {
                return; // the dump's leading fake rotate
            }
            if (h.typeCode() == BinlogEventTypes.ROTATE || h.typeCode() == BinlogEventTypes.STOP) {
                disconnect(client);
                return;
            }
            if (step(w, event, h, stop)) {
                w.found = true;
                disconnect(client);
            }
        });
        client.connect();
        return w;
    }

    /** @return true when a unit starts here and {@code stop} accepts it */
    private static boolean step(Walk w, Event event, BinlogEventHeader h, Predicate<UnitStart> stop) {
        UnitStart here = new UnitStart(h.startOffset(), h.getTimestamp());
        switch (h.typeCode()) {
            case BinlogEventTypes.PREVIOUS_GTIDS -> {
                if (w.gtids.isEmpty()) {
                    w.gtids.reset(((PreviousGtidsData) event.getData()).gtidSet());
                }
            }
            case BinlogEventTypes.MARIADB_GTID_LIST -> {
                MariadbGtidListEventData list = (MariadbGtidListEventData) event.getData();
                if (w.gtids.isEmpty() && list.getMariaGTIDSet() != null) {
                    w.gtids.reset(list.getMariaGTIDSet().toString());
                }
            }
            case BinlogEventTypes.GTID, BinlogEventTypes.ANONYMOUS_GTID, BinlogEventTypes.GTID_TAGGED,
                 BinlogEventTypes.MARIADB_GTID -> {
                if (!w.inUnit && stop.test(here)) {
                    return true;
                }
                w.inUnit = true;
                if (event.getData() instanceof GtidEventData g && h.typeCode() == BinlogEventTypes.GTID) {
                    w.gtids.add(g.getMySqlGtid().toString());
                } else if (event.getData() instanceof TaggedGtidData g) {
                    w.gtids.add(g.gtid());
                } else if (event.getData() instanceof MariadbGtidEventData g) {
                    w.gtids.add(g.getDomainId() + "-" + h.getServerId() + "-" + g.getSequence());
                    w.explicit = (g.getFlags() & 1) == 0; // not standalone: a transaction until XID/COMMIT
                }
            }
            case BinlogEventTypes.QUERY, BinlogEventTypes.QUERY_COMPRESSED -> {
                String sql = ((QueryEventData) event.getData()).getSql().trim().toUpperCase(Locale.ROOT);
                boolean begin = sql.equals("BEGIN") || sql.startsWith("XA START");
                boolean end = sql.equals("COMMIT") || sql.equals("ROLLBACK") || sql.startsWith("XA END");
                if (!w.inUnit && stop.test(here)) {
                    return true;
                }
                if (begin) {
                    w.inUnit = true;
                    w.explicit = true;
                } else if (end || !w.explicit) {
                    w.inUnit = false;
                    w.explicit = false;
                    w.boundary = h.getNextPosition();
                } else {
                    w.inUnit = true;
                }
            }
            case BinlogEventTypes.XID, BinlogEventTypes.XA_PREPARE -> {
                w.inUnit = false;
                w.explicit = false;
                w.boundary = h.getNextPosition();
            }
            default -> {
                if (event.getData() instanceof RowsEventData || h.typeCode() == BinlogEventTypes.TABLE_MAP) {
                    if (!w.inUnit && stop.test(here)) {
                        return true;
                    }
                    w.inUnit = true;
                }
            }
        }
        return false;
    }

    private BinaryLogClient client(String file) {
        BinaryLogClient client = new BinaryLogClient(settings.host(), settings.port(), settings.username(),
                settings.password());
        client.setBlocking(false);
        client.setKeepAlive(false);
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setEventDeserializer(new BinlogEventDeserializer(settings.connectionCharset()));
        client.setBinlogFilename(file);
        client.setBinlogPosition(4);
        settings.transport().applyTo(client);
        return client;
    }

    private static void disconnect(BinaryLogClient client) {
        try {
            client.disconnect();
        } catch (IOException e) {
            // the scan has what it needs; a failing close of a finished dump changes nothing
            org.slf4j.LoggerFactory.getLogger(BinlogScanner.class).debug("closing a scan dump: {}", e.getMessage());
        }
    }
}
