package io.sluice.server.mq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL column type as Debezium's MySQL connector maps it (its documented defaults:
 * {@code time.precision.mode = adaptive_time_microseconds}, {@code binary.handling.mode = bytes}, and the
 * configured {@code decimal.handling.mode} and {@code bigint.unsigned.handling.mode}), from canal's
 * {@code mysqlType} text: the Kafka Connect schema of the field, and the JSON value of a canal value string.
 */
final class DebeziumColumnType {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern TYPE = Pattern.compile("([a-z0-9 ]+?)(?:\\((.*)\\))?( unsigned)?( zerofill)?");
    private static final DateTimeFormatter MYSQL_DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter(Locale.ROOT);

    private enum Kind { INT16, INT32, INT64, UINT64, UINT64_PRECISE, FLOAT32, FLOAT64, DECIMAL, DATE, TIMESTAMP_MS,
        TIMESTAMP_US,        ZONED, TIME_US, YEAR, STRING, ENUM, SET, JSON_TEXT, BYTES, BOOLEAN, BITS }

    private final Kind kind;
    private final String args;
    private final DecimalHandling decimals;
    private final ZoneId zone;

    private DebeziumColumnType(Kind kind, String args, DecimalHandling decimals, ZoneId zone) {
        this.kind = kind;
        this.args = args == null ? "" : args;
        this.decimals = decimals;
        this.zone = zone;
    }

    static DebeziumColumnType of(String mysqlType, DecimalHandling decimals, ZoneId zone) {
        return of(mysqlType, decimals, BigintUnsignedHandling.LONG, zone);
    }

    static DebeziumColumnType of(String mysqlType, DecimalHandling decimals, BigintUnsignedHandling unsignedBigints,
                                 ZoneId zone) {
        Matcher m = TYPE.matcher(mysqlType.toLowerCase(Locale.ROOT).trim());
        String base = m.matches() ? m.group(1).trim() : mysqlType.toLowerCase(Locale.ROOT);
        String args = m.matches() ? m.group(2) : null;
        boolean unsigned = m.matches() && m.group(3) != null;
        Kind kind = switch (base) {
            case "tinyint" -> Kind.INT16;
            case "smallint" -> unsigned ? Kind.INT32 : Kind.INT16;
            case "mediumint" -> Kind.INT32;
            case "int", "integer" -> unsigned ? Kind.INT64 : Kind.INT32;
            case "bigint" -> !unsigned ? Kind.INT64
                    : unsignedBigints == BigintUnsignedHandling.PRECISE ? Kind.UINT64_PRECISE : Kind.UINT64;
            case "float" -> Kind.FLOAT32;
            case "double", "real", "double precision" -> Kind.FLOAT64;
            case "decimal", "numeric", "dec", "fixed" -> Kind.DECIMAL;
            case "date" -> Kind.DATE;
            case "datetime" -> args != null && Integer.parseInt(args.trim()) > 3 ? Kind.TIMESTAMP_US : Kind.TIMESTAMP_MS;
            case "timestamp" -> Kind.ZONED;
            case "time" -> Kind.TIME_US;
            case "year" -> Kind.YEAR;
            case "enum" -> Kind.ENUM;
            case "set" -> Kind.SET;
            case "json" -> Kind.JSON_TEXT;
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point",
                 "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
                 "geomcollection" -> Kind.BYTES;
            case "bit" -> args == null || args.trim().equals("1") ? Kind.BOOLEAN : Kind.BITS;
            default -> Kind.STRING; // char, varchar, text types, MariaDB inet4/inet6/uuid
        };
        return new DebeziumColumnType(kind, args, decimals, zone);
    }

    /** The field's Kafka Connect schema, as JsonConverter writes it with {@code schemas.enable = true}. */
    ObjectNode schema(String field, boolean optional) {
        ObjectNode s = JSON.objectNode();
        switch (kind) {
            case INT16 -> s.put("type", "int16");
            case INT32 -> s.put("type", "int32");
            case INT64, UINT64 -> s.put("type", "int64");
            case UINT64_PRECISE -> {
                s.put("type", "bytes").put("name", "org.apache.kafka.connect.data.Decimal").put("version", 1);
                s.putObject("parameters").put("scale", "0").put("connect.decimal.precision", "20");
            }
            case FLOAT32 -> s.put("type", "float");
            case FLOAT64 -> s.put("type", "double");
            case DECIMAL -> {
                if (decimals == DecimalHandling.PRECISE) {
                    s.put("type", "bytes").put("name", "org.apache.kafka.connect.data.Decimal").put("version", 1);
                    String[] ps = args.split(",");
                    s.putObject("parameters").put("scale", ps.length > 1 ? ps[1].trim() : "0")
                            .put("connect.decimal.precision", ps[0].trim().isEmpty() ? "10" : ps[0].trim());
                } else {
                    s.put("type", decimals == DecimalHandling.STRING ? "string" : "double");
                }
            }
            case DATE -> s.put("type", "int32").put("name", "io.debezium.time.Date").put("version", 1);
            case TIMESTAMP_MS -> s.put("type", "int64").put("name", "io.debezium.time.Timestamp").put("version", 1);
            case TIMESTAMP_US -> s.put("type", "int64").put("name", "io.debezium.time.MicroTimestamp").put("version", 1);
            case ZONED -> s.put("type", "string").put("name", "io.debezium.time.ZonedTimestamp").put("version", 1);
            case TIME_US -> s.put("type", "int64").put("name", "io.debezium.time.MicroTime").put("version", 1);
            case YEAR -> s.put("type", "int32").put("name", "io.debezium.time.Year").put("version", 1);
            case ENUM, SET -> {
                s.put("type", "string").put("name", kind == Kind.ENUM ? "io.debezium.data.Enum" : "io.debezium.data.EnumSet")
                        .put("version", 1);
                s.putObject("parameters").put("allowed", args.replace("'", ""));
            }
            case JSON_TEXT -> s.put("type", "string").put("name", "io.debezium.data.Json").put("version", 1);
            case BYTES -> s.put("type", "bytes");
            case BOOLEAN -> s.put("type", "boolean");
            case BITS -> {
                s.put("type", "bytes").put("name", "io.debezium.data.Bits").put("version", 1);
                s.putObject("parameters").put("length", args.trim());
            }
            default -> s.put("type", "string");
        }
        s.put("optional", optional);
        s.put("field", field);
        return s;
    }

    /** The JSON value of canal's text of a non-null value; null for values Debezium cannot represent (zero dates). */
    JsonNode value(String text) {
        return switch (kind) {
            case INT16, INT32 -> JSON.numberNode(Integer.parseInt(text));
            case INT64 -> JSON.numberNode(Long.parseLong(text));
            case UINT64 -> JSON.numberNode(new BigInteger(text).longValue()); // Debezium's "long" mode wraps above 2^63-1
            case UINT64_PRECISE -> JSON.binaryNode(new BigInteger(text).toByteArray()); // Decimal, scale 0
            case FLOAT32 -> JSON.numberNode(Float.parseFloat(text));
            case FLOAT64 -> JSON.numberNode(Double.parseDouble(text));
            case DECIMAL -> switch (decimals) {
                case PRECISE -> JSON.binaryNode(new BigDecimal(text).unscaledValue().toByteArray());
                case STRING -> JSON.textNode(new BigDecimal(text).toPlainString());
                case DOUBLE -> JSON.numberNode(Double.parseDouble(text));
            };
            case DATE -> date(text);
            case TIMESTAMP_MS, TIMESTAMP_US -> datetime(text);
            case ZONED -> zoned(text);
            case TIME_US -> JSON.numberNode(micros(text));
            case YEAR -> JSON.numberNode(Integer.parseInt(text));
            case BYTES -> JSON.binaryNode(text.getBytes(StandardCharsets.ISO_8859_1));
            case BOOLEAN -> JSON.booleanNode(!text.equals("0"));
            case BITS -> JSON.binaryNode(littleEndian(new BigInteger(text), (Integer.parseInt(args.trim()) + 7) / 8));
            default -> JSON.textNode(text);
        };
    }

    private static JsonNode date(String text) {
        try {
            return JSON.numberNode((int) LocalDate.parse(text).toEpochDay());
        } catch (DateTimeParseException e) {
            return JSON.nullNode(); // 0000-00-00 and dates with zero parts: Debezium emits null too
        }
    }

    private JsonNode datetime(String text) {
        try {
            LocalDateTime t = LocalDateTime.parse(text, MYSQL_DATETIME);
            long micros = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), t);
            return JSON.numberNode(kind == Kind.TIMESTAMP_US ? micros : Math.floorDiv(micros, 1000));
        } catch (DateTimeParseException e) {
            return JSON.nullNode();
        }
    }

    private JsonNode zoned(String text) {
        try {
            LocalDateTime t = LocalDateTime.parse(text, MYSQL_DATETIME);
            // Sluice rendered the stored UTC instant in sluice.values.time-zone; Debezium writes it in UTC
            LocalDateTime utc = LocalDateTime.ofInstant(t.atZone(zone).toInstant(), ZoneOffset.UTC);
            int dot = text.indexOf('.');
            String fraction = dot < 0 ? "" : "." + String.format("%09d", utc.getNano()).substring(0, text.length() - dot - 1);
            return JSON.textNode(utc.withNano(0).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + fraction + "Z");
        } catch (DateTimeParseException e) {
            return JSON.nullNode();
        }
    }

    /** MySQL TIME text ({@code -838:59:59.000000} .. {@code 838:59:59.000000}) as microseconds. */
    static long micros(String text) {
        boolean negative = text.startsWith("-");
        String t = negative ? text.substring(1) : text;
        String[] hms = t.split(":");
        String[] secFrac = hms[2].split("\\.");
        long micros = ((Long.parseLong(hms[0]) * 60 + Long.parseLong(hms[1])) * 60 + Long.parseLong(secFrac[0])) * 1_000_000L;
        if (secFrac.length > 1) {
            micros += Long.parseLong((secFrac[1] + "000000").substring(0, 6));
        }
        return negative ? -micros : micros;
    }

    private static byte[] littleEndian(BigInteger bits, int length) {
        byte[] bigEndian = bits.toByteArray();
        byte[] out = new byte[length];
        for (int i = 0; i < length && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
