package io.sluice.server.parser.event;

import java.nio.charset.StandardCharsets;

/** MySQL 8.4+ GTID events in the tagged formats, which mysql-binlog-connector-java 0.30.1 cannot read. */
final class GtidDeserializers {

    private static final int FIELD_FLAGS = 0;
    private static final int FIELD_SID = 1;
    private static final int FIELD_GNO = 2;
    private static final int FIELD_TAG = 3;
    private static final int FIELD_LAST_COMMITTED = 4;
    private static final int FIELD_SEQUENCE_NUMBER = 5;

    private GtidDeserializers() {
    }

    /** GTID_TAGGED_LOG_EVENT (42): version byte, then a serialized message of (field id, value) pairs. */
    static TaggedGtidData tagged(ByteReader r) {
        int version = r.u8();
        if (version != 2) {
            throw new BinlogFormatException("GTID_TAGGED_LOG_EVENT serialization version " + version + " is not supported");
        }
        int start = r.position() - 1;
        long payloadSize = MysqlSerialization.varlenUnsigned(r);
        MysqlSerialization.varlenUnsigned(r); // last non-ignorable field id
        int end = (int) Math.min(r.limit(), start + payloadSize);
        byte[] sid = new byte[16];
        long gno = 0;
        String tag = "";
        long lastCommitted = 0;
        long sequenceNumber = 0;
        while (r.position() < end) {
            long field = MysqlSerialization.varlenUnsigned(r);
            if (field == FIELD_FLAGS) {
                MysqlSerialization.varlenUnsigned(r);
            } else if (field == FIELD_SID) {
                for (int i = 0; i < 16; i++) {
                    sid[i] = (byte) MysqlSerialization.varlenUnsigned(r);
                }
            } else if (field == FIELD_GNO) {
                gno = MysqlSerialization.varlenSigned(r);
            } else if (field == FIELD_TAG) {
                tag = r.string((int) MysqlSerialization.varlenUnsigned(r), StandardCharsets.UTF_8);
            } else if (field == FIELD_LAST_COMMITTED) {
                lastCommitted = MysqlSerialization.varlenSigned(r);
            } else if (field == FIELD_SEQUENCE_NUMBER) {
                sequenceNumber = MysqlSerialization.varlenSigned(r);
            } else {
                break; // timestamps, lengths, versions, tickets: nothing Sluice needs, and their order is fixed
            }
        }
        String uuid = uuid(sid);
        return new TaggedGtidData(tag.isEmpty() ? uuid + ":" + gno : uuid + ":" + tag + ":" + gno, lastCommitted,
                sequenceNumber);
    }

    /**
     * PREVIOUS_GTIDS_LOG_EVENT (35): 8 bytes whose top byte says untagged (0) or tagged (1) format and whose
     * other bits count the UUIDs; per UUID its 16 bytes, in the tagged format a tag, then intervals [start, end).
     */
    static PreviousGtidsData previous(ByteReader r) {
        long head = r.uint(8);
        boolean tagged = (head >>> 56) == 1;
        long count = tagged ? (head >>> 8) & 0xFFFFFFFFFFFFL : head & 0x00FFFFFFFFFFFFFFL;
        StringBuilder out = new StringBuilder();
        String lastUuid = null;
        for (long i = 0; i < count; i++) {
            String uuid = uuid(r.bytes(16));
            String tag = tagged ? r.string((int) MysqlSerialization.varlenUnsigned(r), StandardCharsets.UTF_8) : "";
            long intervals = r.uint(8);
            if (uuid.equals(lastUuid)) {
                out.append(':');
            } else {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(uuid).append(':');
            }
            lastUuid = uuid;
            if (!tag.isEmpty()) {
                out.append(tag).append(':');
            }
            for (long k = 0; k < intervals; k++) {
                long from = r.uint(8);
                long to = r.uint(8) - 1;
                if (k > 0) {
                    out.append(':');
                }
                out.append(from);
                if (to != from) {
                    out.append('-').append(to);
                }
            }
        }
        return new PreviousGtidsData(out.toString());
    }

    static String uuid(byte[] b) {
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return s.toString();
    }
}
