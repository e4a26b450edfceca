package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DebeziumColumnTypeTest {

    private static DebeziumColumnType type(String mysqlType) {
        return DebeziumColumnType.of(mysqlType, DecimalHandling.PRECISE, ZoneOffset.UTC);
    }

    @Test
    void timeIsSignedMicrosecondsBeyondADay() {
        assertThat(type("time(6)").value("-838:59:59.000000").asLong()).isEqualTo(-3_020_399_000_000L);
        assertThat(type("time").value("25:30:00").asLong()).isEqualTo(91_800_000_000L);
        assertThat(type("time(6)").value("-00:00:01.500000").asLong()).isEqualTo(-1_500_000L);
        assertThat(type("time(6)").schema("t", true).get("name").asText()).isEqualTo("io.debezium.time.MicroTime");
    }

    @Test
    void timestampIsTheUtcInstantOfTheRenderedZone() {
        DebeziumColumnType shanghai = DebeziumColumnType.of("timestamp(6)", DecimalHandling.PRECISE,
                ZoneId.of("Asia/Shanghai"));
        assertThat(shanghai.value("2024-01-01 21:34:05.123456").asText()).isEqualTo("2024-01-01T13:34:05.123456Z");
        assertThat(type("timestamp").value("2024-01-01 00:00:00").asText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(type("timestamp").value("0000-00-00 00:00:00").isNull()).isTrue();
    }

    @Test
    void datesAndDatetimesAreEpochCountsAndZeroDatesNull() {
        assertThat(type("date").value("1970-01-02").asInt()).isEqualTo(1);
        assertThat(type("date").value("0000-00-00").isNull()).isTrue();
        assertThat(type("datetime(3)").value("1970-01-01 00:00:01.500").asLong()).isEqualTo(1500);
        assertThat(type("datetime").value("1969-12-31 23:59:59").asLong()).isEqualTo(-1000);
        assertThat(type("datetime(6)").value("1970-01-01 00:00:00.000001").asLong()).isEqualTo(1);
        assertThat(type("datetime").schema("d", true).get("name").asText()).isEqualTo("io.debezium.time.Timestamp");
        assertThat(type("datetime(6)").schema("d", true).get("name").asText()).isEqualTo("io.debezium.time.MicroTimestamp");
    }

    @Test
    void decimalsAreConnectDecimalsOrStrings() throws Exception {
        assertThat(type("decimal(10,4)").value("-0.0001").binaryValue()).containsExactly(0xff);
        assertThat(type("decimal(10,4)").schema("p", true).get("parameters").get("scale").asText()).isEqualTo("4");
        assertThat(type("decimal(10,4)").schema("p", true).get("parameters").get("connect.decimal.precision").asText())
                .isEqualTo("10");
        assertThat(DebeziumColumnType.of("decimal(65,30)", DecimalHandling.STRING, ZoneOffset.UTC)
                .value("99999999999999999999999999999999999.999999999999999999999999999999").asText())
                .isEqualTo("99999999999999999999999999999999999.999999999999999999999999999999");
    }

    @Test
    void integersFollowDebeziumsWidthsAndUnsignedBigintWraps() {
        assertThat(type("int(10) unsigned").value("4294967295").asLong()).isEqualTo(4_294_967_295L);
        assertThat(type("int(10) unsigned").schema("i", true).get("type").asText()).isEqualTo("int64");
        assertThat(type("smallint(5) unsigned").schema("i", true).get("type").asText()).isEqualTo("int32");
        assertThat(type("tinyint(4)").schema("i", true).get("type").asText()).isEqualTo("int16");
        assertThat(type("bigint(20) unsigned").value("18446744073709551615").asLong()).isEqualTo(-1);
    }

    @Test
    void preciseUnsignedBigintIsADecimalOfScaleZeroOverTheWholeRange() throws Exception {
        DebeziumColumnType precise = DebeziumColumnType.of("bigint(20) unsigned", DecimalHandling.PRECISE,
                BigintUnsignedHandling.PRECISE, ZoneOffset.UTC);
        assertThat(new java.math.BigInteger(precise.value("18446744073709551615").binaryValue()))
                .isEqualTo(new java.math.BigInteger("18446744073709551615"));
        assertThat(precise.schema("u", true).get("name").asText()).isEqualTo("org.apache.kafka.connect.data.Decimal");
        assertThat(precise.schema("u", true).get("parameters").get("scale").asText()).isEqualTo("0");
        assertThat(DebeziumColumnType.of("bigint(20)", DecimalHandling.PRECISE, BigintUnsignedHandling.PRECISE,
                ZoneOffset.UTC).schema("s", true).get("type").asText()).isEqualTo("int64");
    }

    @Test
    void bitsBinaryAndEnums() throws Exception {
        assertThat(type("bit(1)").value("1").asBoolean()).isTrue();
        assertThat(type("bit(10)").value("513").binaryValue()).containsExactly(0x01, 0x02);
        assertThat(type("varbinary(4)").value("\u0000\u00ff").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff}));
        assertThat(type("enum('s','m','l')").schema("e", true).get("parameters").get("allowed").asText()).isEqualTo("s,m,l");
        assertThat(type("longtext").value("x").asText()).isEqualTo("x");
    }
}
