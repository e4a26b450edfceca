package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.EventData;

/** PREVIOUS_GTIDS_LOG_EVENT (35): the GTID set executed before this file, as MySQL prints it. */
public record PreviousGtidsData(String gtidSet) implements EventData {
}
