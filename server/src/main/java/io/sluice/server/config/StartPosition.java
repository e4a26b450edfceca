package io.sluice.server.config;

/**
 * Where a source starts when no client has acknowledged anything yet
 * ({@code canal.instance.master.journal.name / position / timestamp / gtid}). Absent parts are null / "".
 * Precedence (canal's): GTID (in GTID mode), file + position, file + timestamp, timestamp, latest.
 *
 * @param journalName binlog file name, "" when unset
 * @param position    byte offset in that file, or null
 * @param timestamp   ms since the epoch, or null
 * @param gtid        GTID set, "" when unset
 */
public record StartPosition(String journalName, Long position, Long timestamp, String gtid) {

    public static final StartPosition LATEST = new StartPosition("", null, null, "");

    public StartPosition {
        journalName = journalName == null ? "" : journalName;
        gtid = gtid == null ? "" : gtid;
    }

    public boolean isLatest() {
        return journalName.isEmpty() && position == null && timestamp == null && gtid.isEmpty();
    }
}
