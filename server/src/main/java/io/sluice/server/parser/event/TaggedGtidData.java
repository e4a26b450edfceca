package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.EventData;

/** A MySQL 8.4+ GTID_TAGGED_LOG_EVENT (42): {@code uuid:tag:gno} plus the logical clock. */
public record TaggedGtidData(String gtid, long lastCommitted, long sequenceNumber) implements EventData {
}
