package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.TableFilter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes every checked-in binlog fixture and compares the entries with the fixture's independent summary
 * ({@code .summary.json}, written by the fixtures' own reader and cross-checked against mariadb-binlog): row counts
 * per table and type, the GTIDs, and every value of the first 40 decoded row changes, translated from the
 * summary's value forms to Sluice's renderings (see the fixtures README, "Value forms").
 */
class FixtureDecodingTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.walk(FIXTURES)) {
            return files.map(Path::toString).filter(p -> p.endsWith(".summary.json"))
                    .map(p -> FIXTURES.relativize(Path.of(p.substring(0, p.length() - ".summary.json".length()))).toString())
                    .sorted().toList().stream();
        }
    }

    static List<ParsedEntry> decode(String fixture, boolean canalCompatible) throws Exception {
        Path file = FIXTURES.resolve(fixture);
        CollectingSink sink = new CollectingSink();
        BinlogFileParser parser = new BinlogFileParser(
                new ValueOptions(canalCompatible, ZoneOffset.UTC, StandardCharsets.UTF_8), true,
                new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, sink,
                file.getFileName().toString());
        parser.parse(file);
        return sink.snapshot();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesLikeTheFixtureSummary(String fixture) throws Exception {
        JsonNode summary = JSON.readTree(FIXTURES.resolve(fixture + ".summary.json").toFile());
        if (!summary.path("magic_ok").asBoolean(true)) {
            assertThatThrownBy(() -> decode(fixture, false)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Not a valid binary log");
            return;
        }
        List<ParsedEntry> entries = decode(fixture, false);
        List<ParsedEntry> canalEntries = decode(fixture, true);

        assertThat(rowCounts(entries)).as("rows per table and type").isEqualTo(expectedRowCounts(summary));
        assertThat(gtids(entries)).as("GTIDs").isEqualTo(expectedGtids(summary));
        compareDecodedRows(summary, entries, canalEntries);
    }

    private static Map<String, Map<String, Integer>> rowCounts(List<ParsedEntry> entries) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (ParsedEntry e : entries) {
            if (e.entryType() == CanalEntry.EntryType.ROWDATA && e.payload() instanceof CanalEntry.RowChange rc
                    && !rc.getIsDdl() && rc.getRowDatasCount() > 0) {
                String op = rc.getEventType().name().toLowerCase();
                counts.computeIfAbsent(e.schema() + "." + e.table(), k -> new TreeMap<>())
                        .merge(op, rc.getRowDatasCount(), Integer::sum);
            }
        }
        return counts;
    }

    private static Map<String, Map<String, Integer>> expectedRowCounts(JsonNode summary) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        summary.path("rows").fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(op -> {
            if (op.getValue().asInt() > 0) {
                counts.computeIfAbsent(t.getKey(), k -> new TreeMap<>()).put(op.getKey(), op.getValue().asInt());
            }
        }));
        return counts;
    }

    private static List<String> gtids(List<ParsedEntry> entries) {
        Set<String> seen = new LinkedHashSet<>();
        for (ParsedEntry e : entries) {
            for (CanalEntry.Pair p : e.header().getPropsList()) {
                if (p.getKey().equals("curtGtid")) {
                    seen.add(p.getValue());
                }
            }
        }
        return new ArrayList<>(seen);
    }

    private static List<String> expectedGtids(JsonNode summary) {
        List<String> out = new ArrayList<>();
        summary.path("gtids").forEach(g -> out.add(g.path("gtid").asText()));
        return out;
    }

    /** One row image of ours: column index → column. */
    private record Image(Map<Integer, CanalEntry.Column> columns) {
    }

    private record Change(String op, String table, long tableId, Image before, Image after) {
    }

    private static List<Change> changes(List<ParsedEntry> entries, int limit) {
        List<Change> out = new ArrayList<>();
        for (ParsedEntry e : entries) {
            if (!(e.payload() instanceof CanalEntry.RowChange rc) || rc.getIsDdl() || rc.getRowDatasCount() == 0) {
                continue;
            }
            for (CanalEntry.RowData row : rc.getRowDatasList()) {
                if (out.size() == limit) {
                    return out;
                }
                out.add(new Change(rc.getEventType().name().toLowerCase(), e.schema() + "." + e.table(), rc.getTableId(),
                        image(row.getBeforeColumnsList()), image(row.getAfterColumnsList())));
            }
        }
        return out;
    }

    private static Image image(List<CanalEntry.Column> columns) {
        Map<Integer, CanalEntry.Column> m = new TreeMap<>();
        columns.forEach(c -> m.put(c.getIndex(), c));
        return new Image(m);
    }

    private static void compareDecodedRows(JsonNode summary, List<ParsedEntry> entries, List<ParsedEntry> canalEntries) {
        JsonNode expected = summary.path("rows_decoded_first");
        List<Change> ours = changes(entries, expected.size());
        List<Change> canal = changes(canalEntries, expected.size());
        assertThat(ours).as("decoded row changes").hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode x = expected.get(i);
            Change c = ours.get(i);
            String where = "row change " + i + " at " + x.path("pos") + " (" + x.path("op").asText() + " "
                    + x.path("table").asText() + ")";
            assertThat(c.op()).as(where).isEqualTo(x.path("op").asText());
            assertThat(c.table()).as(where).isEqualTo(x.path("table").asText());
            List<String> types = columnTypes(summary, c.table(), c.tableId());
            compareImage(where + " before", x.path("before"), c.before(), canal.get(i).before(), types);
            compareImage(where + " after", x.path("after"), c.after(), canal.get(i).after(), types);
        }
    }

    private static List<String> columnTypes(JsonNode summary, String table, long tableId) {
        for (JsonNode layout : summary.path("tables").path(table)) {
            for (JsonNode id : layout.path("table_ids")) {
                if (id.asLong() == tableId) {
                    List<String> types = new ArrayList<>();
                    layout.path("column_types").forEach(t -> types.add(t.asText()));
                    return types;
                }
            }
        }
        throw new AssertionError("no layout of " + table + " with table id " + tableId + " in the summary");
    }

    private static void compareImage(String where, JsonNode expected, Image ours, Image canal, List<String> types) {
        Set<Integer> expectedIndexes = new LinkedHashSet<>();
        expected.fieldNames().forEachRemaining(k -> expectedIndexes.add(Integer.parseInt(k.substring(1)) - 1));
        assertThat(ours.columns().keySet()).as(where + ": columns present").containsExactlyInAnyOrderElementsOf(expectedIndexes);
        for (int index : expectedIndexes) {
            JsonNode v = expected.path("@" + (index + 1));
            CanalEntry.Column col = ours.columns().get(index);
            String what = where + " @" + (index + 1) + " " + col.getName() + " " + col.getMysqlType() + " ("
                    + types.get(index) + ")";
            if (v.isNull()) {
                assertThat(col.getIsNull()).as(what + " is NULL").isTrue();
                assertThat(col.hasValue()).as(what + " has no value").isFalse();
                continue;
            }
            assertThat(col.getIsNull()).as(what + " is not NULL").isFalse();
            compareValue(what, v, col, canal.columns().get(index), types.get(index));
        }
    }

    private static void compareValue(String what, JsonNode v, CanalEntry.Column col, CanalEntry.Column canalCol,
                                     String binlogType) {
        String ours = col.getValue();
        String mysqlType = col.getMysqlType().toLowerCase();
        switch (binlogType) {
            case "TINY", "SHORT", "INT24", "LONG", "LONGLONG" -> {
                BigInteger n = v.bigIntegerValue();
                if (mysqlType.contains("unsigned") && n.signum() < 0) {
                    int bits = switch (binlogType) {
                        case "TINY" -> 8;
                        case "SHORT" -> 16;
                        case "INT24" -> 24;
                        case "LONG" -> 32;
                        default -> 64;
                    };
                    n = n.add(BigInteger.ONE.shiftLeft(bits));
                }
                assertThat(ours).as(what).isEqualTo(n.toString());
            }
            case "YEAR" -> assertThat(ours).as(what).isEqualTo(v.asInt() == 0 ? "0000" : v.asText());
            case "FLOAT" -> assertThat(new BigDecimal(ours).round(new MathContext(6)))
                    .as(what).isEqualByComparingTo(new BigDecimal(v.asText()).round(new MathContext(6)));
            case "DOUBLE" -> assertThat(Double.parseDouble(ours)).as(what).isEqualTo(v.asDouble());
            case "NEWDECIMAL", "DATE", "TIME", "TIME2", "DATETIME", "DATETIME2" -> assertThat(ours).as(what).isEqualTo(v.asText());
            case "TIMESTAMP", "TIMESTAMP2" -> assertThat(ours).as(what).isEqualTo(timestamp(v.asText()));
            case "BIT" -> {
                Matcher m = Pattern.compile("b'([01]*)'").matcher(v.asText());
                assertThat(m.matches()).as(what + " summary form").isTrue();
                assertThat(ours).as(what).isEqualTo(new BigInteger(m.group(1).isEmpty() ? "0" : m.group(1), 2).toString());
            }
            case "JSON" -> compareJson(what, v, ours, col);
            case "VECTOR" -> {
                List<Float> floats = new ArrayList<>();
                v.path("vector").forEach(f -> floats.add((float) f.asDouble()));
                List<Float> got = new ArrayList<>();
                for (String f : ours.substring(1, ours.length() - 1).split(",")) {
                    got.add(Float.parseFloat(f));
                }
                assertThat(got).as(what).isEqualTo(floats);
            }
            case "GEOMETRY" -> assertThat(ours).as(what).isEqualTo(new String(bytes(v), StandardCharsets.ISO_8859_1));
            default -> compareStringLike(what, v, col, canalCol, mysqlType);
        }
    }

    /** STRING/VARCHAR/BLOB: text, binary, ENUM/SET (binlog type STRING), MariaDB INET6/UUID. */
    private static void compareStringLike(String what, JsonNode v, CanalEntry.Column col, CanalEntry.Column canalCol,
                                          String mysqlType) {
        String ours = col.getValue();
        if (mysqlType.isEmpty() && v.isNumber()) {
            // ENUM/SET without a schema: labels come from the TABLE_MAP metadata, which the summary does not
            // carry; canal's index/bitmask rendering is the summary's form
            assertThat(canalCol.getValue()).as(what + " (canal-compatible index/bitmask)").isEqualTo(v.asText());
            return;
        }
        if (mysqlType.startsWith("enum")) {
            List<String> labels = labels(mysqlType);
            int index = v.asInt();
            assertThat(ours).as(what).isEqualTo(index == 0 ? "" : labels.get(index - 1));
            return;
        }
        if (mysqlType.startsWith("set")) {
            List<String> labels = labels(mysqlType);
            long mask = v.asLong();
            List<String> chosen = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                if ((mask & (1L << i)) != 0) {
                    chosen.add(labels.get(i));
                }
            }
            assertThat(ours).as(what).isEqualTo(String.join(",", chosen));
            return;
        }
        byte[] raw = bytes(v);
        if (mysqlType.equals("inet6")) {
            byte[] padded = java.util.Arrays.copyOf(raw, 16);
            try {
                assertThat(InetAddress.getByName(ours).getAddress()).as(what).isEqualTo(
                        isIpv4Mapped(padded) ? java.util.Arrays.copyOfRange(padded, 12, 16) : padded);
            } catch (IOException e) {
                throw new AssertionError(what + ": not an address: " + ours, e);
            }
            return;
        }
        if (mysqlType.equals("uuid")) {
            String hex = HexFormat.of().formatHex(java.util.Arrays.copyOf(raw, 16));
            assertThat(ours).as(what).isEqualTo(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-"
                    + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
            return;
        }
        if (col.getSqlType() == java.sql.Types.BLOB) {
            if (mysqlType.isEmpty()) {
                // BINARY(n) without a schema is padded to the binlog's width, which the summary does not show
                assertThat(ours.replaceAll("\u0000+$", "")).as(what).isEqualTo(
                        new String(raw, StandardCharsets.ISO_8859_1).replaceAll("\u0000+$", ""));
                return;
            }
            Matcher m = Pattern.compile("binary\\((\\d+)\\)").matcher(mysqlType);
            byte[] expected = m.find() && !mysqlType.contains("varbinary")
                    ? java.util.Arrays.copyOf(raw, Math.max(raw.length, Integer.parseInt(m.group(1)))) : raw;
            assertThat(ours).as(what).isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
            return;
        }
        // text: the summary shows text when the bytes are UTF-8; the only other charset in the fixtures is latin1
        String text = v.isTextual() ? v.asText() : new String(raw, Charset.forName("windows-1252"));
        assertThat(ours).as(what).isEqualTo(text);
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
    }

    private static void compareJson(String what, JsonNode v, String ours, CanalEntry.Column col) {
        if (v.has("json_diff")) {
            StringBuilder expr = new StringBuilder();
            List<String> parts = new ArrayList<>();
            for (JsonNode d : v.path("json_diff")) {
                parts.add(d.path("op").asText());
            }
            // the before image here has no document to apply the diffs to: Sluice prints MySQL's expression
            String column = col.getName().isEmpty() ? "@" + (col.getIndex() + 1) : col.getName();
            expr.append(column);
            int i = 0;
            List<JsonNode> diffs = new ArrayList<>();
            v.path("json_diff").forEach(diffs::add);
            while (i < diffs.size()) {
                String op = diffs.get(i).path("op").asText();
                StringBuilder call = new StringBuilder("JSON_" + op + "(").append(expr);
                while (i < diffs.size() && diffs.get(i).path("op").asText().equals(op)) {
                    JsonNode d = diffs.get(i++);
                    call.append(", '").append(d.path("path").asText()).append('\'');
                    if (d.has("value")) {
                        call.append(", ").append(d.path("value").toString());
                    }
                }
                expr = call.append(')');
            }
            assertThat(ours).as(what).isEqualTo(expr.toString());
            return;
        }
        try {
            assertJsonEquals(what, v.path("json"), JSON.readTree(ours));
        } catch (IOException e) {
            throw new AssertionError(what + ": not JSON: " + ours, e);
        }
    }

    private static void assertJsonEquals(String what, JsonNode expected, JsonNode ours) {
        if (expected.isObject()) {
            assertThat(ours.isObject()).as(what + " object").isTrue();
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            expected.fieldNames().forEachRemaining(a::add);
            ours.fieldNames().forEachRemaining(b::add);
            assertThat(b).as(what + " keys").containsExactlyInAnyOrderElementsOf(a);
            for (String k : a) {
                assertJsonEquals(what + "." + k, expected.get(k), ours.get(k));
            }
        } else if (expected.isArray()) {
            assertThat(ours.size()).as(what + " size").isEqualTo(expected.size());
            Iterator<JsonNode> x = expected.elements();
            Iterator<JsonNode> y = ours.elements();
            int i = 0;
            while (x.hasNext()) {
                assertJsonEquals(what + "[" + i++ + "]", x.next(), y.next());
            }
        } else if (expected.isNumber() && ours.isNumber()) {
            assertThat(ours.decimalValue()).as(what).isEqualByComparingTo(expected.decimalValue());
        } else if (expected.isTextual() && ours.isNumber()) {
            assertThat(new BigDecimal(ours.asText())).as(what + " (opaque decimal)").isEqualByComparingTo(new BigDecimal(expected.asText()));
        } else {
            assertThat(ours).as(what).isEqualTo(expected);
        }
    }

    private static String timestamp(String epoch) {
        int dot = epoch.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? epoch : epoch.substring(0, dot));
        String fraction = dot < 0 ? "" : epoch.substring(dot);
        if (seconds == 0 && fraction.replace(".", "").replace("0", "").isEmpty()) {
            return "0000-00-00 00:00:00" + fraction;
        }
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
        return String.format("%04d-%02d-%02d %02d:%02d:%02d%s", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), fraction);
    }

    private static byte[] bytes(JsonNode v) {
        if (v.has("hex")) {
            return HexFormat.of().parseHex(v.path("hex").asText());
        }
        return v.asText().getBytes(StandardCharsets.UTF_8);
    }

    static List<String> labels(String mysqlType) {
        List<String> labels = new ArrayList<>();
        Matcher m = Pattern.compile("'((?:[^']|'')*)'").matcher(mysqlType);
        while (m.find()) {
            labels.add(m.group(1).replace("''", "'"));
        }
        return labels;
    }
}
