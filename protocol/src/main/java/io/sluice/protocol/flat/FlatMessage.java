package io.sluice.protocol.flat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape canal publishes to message queues (canal's {@code FlatMessage}), read by Flink's
 * {@code canal-json} format and canal-adapter. Keys are written in alphabetical order with nulls, as canal's
 * fastjson2 output is. Row maps keep column order, so callers pass {@link java.util.LinkedHashMap}s.
 *
 * @param data    after images (INSERT/UPDATE) or before images (DELETE), one map per row; null for DDL/QUERY
 * @param old     UPDATE only: the before value of each changed column, one map per row
 * @param pkNames primary-key column names, null when the table has none
 * @param es      event time in ms (binlog timestamp, whole seconds)
 * @param ts      time the message was built, ms
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder(alphabetic = true)
public record FlatMessage(
        @JsonProperty("data") List<Map<String, String>> data,
        @JsonProperty("database") String database,
        @JsonProperty("es") long es,
        @JsonProperty("gtid") String gtid,
        @JsonProperty("id") long id,
        @JsonProperty("isDdl") boolean isDdl,
        @JsonProperty("mysqlType") Map<String, String> mysqlType,
        @JsonProperty("old") List<Map<String, String>> old,
        @JsonProperty("pkNames") List<String> pkNames,
        @JsonProperty("sql") String sql,
        @JsonProperty("sqlType") Map<String, Integer> sqlType,
        @JsonProperty("table") String table,
        @JsonProperty("ts") long ts,
        @JsonProperty("type") String type) {
}
