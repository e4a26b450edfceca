package io.sluice.server.position;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each source of a destination resumes: source name → {@link ResumePoint}. A plain destination has
 * one source, named ""; a merged destination (n:1) one per master, because offsets of different masters do
 * not compare and each master's parser must restart at its own transaction boundary.
 *
 * <p>A position value like {@link ResumePoint}: the sink drops up to it and the instance restarts from it. The meta
 * stores persist it beside canal's cursor as the extra key {@code sluiceResume} (a list of
 * {@code {source, journalName, position, gtid, serverId, timestamp, skipEntries}}, plus {@code snapshot} while
 * a table snapshot runs), which canal ignores.
 */
public record SourcePositions(Map<String, ResumePoint> bySource) {

    public static final SourcePositions NONE = new SourcePositions(Map.of());

    /**
     * Entries of one source are ordered by resume point: boundary position, then entries skipped in it, then
     * snapshot progress (snapshot rows emitted at one boundary follow it, in the order they were emitted).
     */
    public static final Comparator<ResumePoint> ORDER =
            Comparator.comparing(ResumePoint::position).thenComparingInt(ResumePoint::skipEntries)
                    .thenComparing(ResumePoint::snapshot, Comparator.nullsFirst(SnapshotProgress.ORDER));

    public SourcePositions {
        bySource = Collections.unmodifiableMap(new TreeMap<>(bySource));
    }

    public static SourcePositions of(String source, ResumePoint resume) {
        return new SourcePositions(Map.of(source, resume));
    }

    public ResumePoint get(String source) {
        return bySource.get(source);
    }

    public boolean isEmpty() {
        return bySource.isEmpty();
    }

    public SourcePositions with(String source, ResumePoint resume) {
        Map<String, ResumePoint> m = new TreeMap<>(bySource);
        m.put(source, resume);
        return new SourcePositions(m);
    }

    /** Per source, the earlier of the two (a source only one side knows is taken as it is). */
    public SourcePositions min(SourcePositions other) {
        Map<String, ResumePoint> m = new TreeMap<>(bySource);
        other.bySource.forEach((s, r) -> m.merge(s, r, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b));
        return new SourcePositions(m);
    }

    /** Per source, the later of the two. */
    public SourcePositions max(SourcePositions other) {
        Map<String, ResumePoint> m = new TreeMap<>(bySource);
        other.bySource.forEach((s, r) -> m.merge(s, r, (a, b) -> ORDER.compare(a, b) >= 0 ? a : b));
        return new SourcePositions(m);
    }

    /** True when {@code resume} of {@code source} is at or before this one's: that entry is covered. */
    public boolean covers(String source, ResumePoint resume) {
        ResumePoint mine = bySource.get(source);
        return mine != null && ORDER.compare(resume, mine) <= 0;
    }

    @Override
    public String toString() {
        return bySource.size() == 1 && bySource.containsKey("") ? bySource.get("").toString() : bySource.toString();
    }
}
