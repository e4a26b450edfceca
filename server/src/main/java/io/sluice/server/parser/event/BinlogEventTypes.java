package io.sluice.server.parser.event;

/** Binlog event type codes (MySQL {@code Log_event_type}, MariaDB additions from 160). */
public final class BinlogEventTypes {

    public static final int QUERY = 2;
    public static final int STOP = 3;
    public static final int ROTATE = 4;
    public static final int INTVAR = 5;
    public static final int RAND = 13;
    public static final int USER_VAR = 14;
    public static final int FORMAT_DESCRIPTION = 15;
    public static final int XID = 16;
    public static final int TABLE_MAP = 19;
    public static final int WRITE_ROWS_V1 = 23;
    public static final int UPDATE_ROWS_V1 = 24;
    public static final int DELETE_ROWS_V1 = 25;
    public static final int INCIDENT = 26;
    public static final int HEARTBEAT = 27;
    public static final int IGNORABLE = 28;
    public static final int ROWS_QUERY = 29;
    public static final int WRITE_ROWS = 30;
    public static final int UPDATE_ROWS = 31;
    public static final int DELETE_ROWS = 32;
    public static final int GTID = 33;
    public static final int ANONYMOUS_GTID = 34;
    public static final int PREVIOUS_GTIDS = 35;
    public static final int TRANSACTION_CONTEXT = 36;
    public static final int VIEW_CHANGE = 37;
    public static final int XA_PREPARE = 38;
    public static final int PARTIAL_UPDATE_ROWS = 39;
    public static final int TRANSACTION_PAYLOAD = 40;
    public static final int HEARTBEAT_V2 = 41;
    public static final int GTID_TAGGED = 42;
    public static final int AURORA_PADDING = 100;
    public static final int ANNOTATE_ROWS = 160;
    public static final int BINLOG_CHECKPOINT = 161;
    public static final int MARIADB_GTID = 162;
    public static final int MARIADB_GTID_LIST = 163;
    public static final int START_ENCRYPTION = 164;
    public static final int QUERY_COMPRESSED = 165;
    public static final int WRITE_ROWS_COMPRESSED_V1 = 166;
    public static final int UPDATE_ROWS_COMPRESSED_V1 = 167;
    public static final int DELETE_ROWS_COMPRESSED_V1 = 168;
    public static final int WRITE_ROWS_COMPRESSED = 169;
    public static final int UPDATE_ROWS_COMPRESSED = 170;
    public static final int DELETE_ROWS_COMPRESSED = 171;

    private BinlogEventTypes() {
    }
}
