package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.QueryEventData;
import java.nio.charset.Charset;

/**
 * QUERY_EVENT (2) and MariaDB's QUERY_COMPRESSED_EVENT (165, statement text zlib-compressed). The connector's
 * own deserializer decodes the statement with the JVM's default charset and knows nothing of type 165.
 */
final class QueryDeserializer {

    private QueryDeserializer() {
    }

    static QueryEventData deserialize(ByteReader r, boolean compressed, Charset charset) {
        QueryEventData data = new QueryEventData();
        data.setThreadId(r.u32());
        data.setExecutionTime(r.u32());
        int schemaLength = r.u8();
        data.setErrorCode(r.u16());
        int statusLength = r.u16();
        r.skip(statusLength);
        data.setDatabase(r.string(schemaLength, charset));
        r.skip(1);
        if (compressed) {
            byte[] sql = MariadbCompression.inflate(r.array(), r.position(), r.limit());
            data.setSql(new String(sql, charset));
        } else {
            data.setSql(r.string(r.remaining(), charset));
        }
        return data;
    }
}
