package io.sluice.server.instance;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the binlog parser: replays a shared, growing list of entries (the "binlog") into its sink
 * from the resume point it is started with, exactly as the parser resumes — from the boundary, skipping the
 * entries the resume point says were acked. Puts a transaction (or a statement) per put call, as the parser
 * does, on its own thread.
 */
final class ScriptedSource implements ChangeSource {

    /** The binlog of one master, appended to by tests. */
    static final class Binlog {
        final List<ParsedEntry> entries = new CopyOnWriteArrayList<>();
        final List<ResumePoint> starts = new CopyOnWriteArrayList<>();
        final List<ScriptedSource> created = new CopyOnWriteArrayList<>();

        void append(List<ParsedEntry> more) {
            entries.addAll(more);
        }
    }

    private final Binlog binlog;
    private final EntrySink sink;
    final TableFilter filter;
    private volatile Thread thread;
    private volatile boolean running;

    ScriptedSource(Binlog binlog, EntrySink sink, TableFilter filter) {
        this.binlog = binlog;
        this.sink = sink;
        this.filter = filter;
        binlog.created.add(this);
    }

    @Override
    public void start(ResumePoint resume) {
        binlog.starts.add(resume);
        // where to continue is decided now, as the parser decides at connect: an entry appended after start()
        // returned (a live heartbeat) is new, never taken for one before the resume point
        int from = firstAfter(resume);
        running = true;
        thread = new Thread(() -> run(from), "scripted-source");
        thread.setDaemon(true);
        thread.start();
    }

    private int firstAfter(ResumePoint resume) {
        int next = 0;
        if (resume != null) {
            while (next < binlog.entries.size()
                    && SourcePositions.ORDER.compare(binlog.entries.get(next).resume(), resume) <= 0) {
                next++;
            }
        }
        return next;
    }

    private void run(int from) {
        int next = from;
        try {
            while (running) {
                if (next >= binlog.entries.size()) {
                    Thread.sleep(2);
                    continue;
                }
                List<ParsedEntry> unit = new ArrayList<>();
                while (next < binlog.entries.size()) {
                    ParsedEntry e = binlog.entries.get(next++);
                    unit.add(e);
                    if (e.entryType() != io.sluice.protocol.entry.CanalEntry.EntryType.TRANSACTIONBEGIN
                            && e.entryType() != io.sluice.protocol.entry.CanalEntry.EntryType.ROWDATA
                            || (e.entryType() == io.sluice.protocol.entry.CanalEntry.EntryType.ROWDATA
                            && e.resume().skipEntries() == 0)) {
                        break;
                    }
                }
                sink.put(unit);
            }
        } catch (InterruptedException | RuntimeException e) {
            // stopped (interrupted, or the store closed under a blocked put)
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
