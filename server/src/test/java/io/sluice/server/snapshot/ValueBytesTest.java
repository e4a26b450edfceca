package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.parser.value.DecimalText;
import io.sluice.server.parser.value.JsonBinary;
import io.sluice.server.parser.value.JsonText;
import io.sluice.server.parser.value.TemporalText;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values written as a row image holds them read back, through the parser's readers, as the text they came from. */
class ValueBytesTest {

    @ParameterizedTest
    @CsvSource({"10,2,12.50", "10,2,-12.50", "10,2,0.00", "10,2,-0.01", "65,30,12345678901234567890123456789012345.123456789012345678901234567890",
            "5,5,0.12345", "5,5,-0.00001", "18,0,-999999999999999999", "9,3,123456.789", "1,0,7", "4,0,-1"})
    void decimalsReadBackAsWritten(int precision, int scale, String text) {
        byte[] b = new byte[DecimalBytes.size(precision, scale) + 2];
        int end = DecimalBytes.write(new BigDecimal(text), precision, scale, b, 1);
        assertThat(end - 1).isEqualTo(DecimalText.size(precision, scale));
        assertThat(DecimalText.read(b, 1, precision, scale, false)).isEqualTo(text.equals("-0.00") ? "0.00" : text);
    }

    @Test
    void aDecimalTooWideForItsColumnIsRefused() {
        assertThatThrownBy(() -> DecimalBytes.write(new BigDecimal("1234.5"), 4, 1, new byte[8], 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29", "0000-00-00", "9999-12-31", "2020-00-00", "1000-01-01"})
    void datesReadBackAsWritten(String text) {
        byte[] b = new byte[3];
        TemporalBytes.date(text, b, 0);
        assertThat(TemporalText.date(b, 0)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0,2020-01-02 03:04:05", "6,2020-01-02 03:04:05.123456", "3,1999-12-31 23:59:59.999",
            "1,0000-00-00 00:00:00.0", "2,9999-12-31 23:59:59.99", "5,2001-02-03 04:05:06.00001"})
    void datetimesReadBackAsWritten(int fsp, String text) {
        byte[] b = new byte[8];
        int end = TemporalBytes.datetime2(text, fsp, b, 0);
        assertThat(end).isEqualTo(5 + TemporalBytes.fractionBytes(fsp));
        assertThat(TemporalText.datetime2(b, 0, fsp)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0,-838:59:59", "0,838:59:59", "2,-838:59:59.00", "2,-00:00:01.50", "1,-00:00:00.5", "4,-12:34:56.7891",
            "3,00:00:00.001", "6,-00:00:00.000001", "6,123:45:06.999999", "5,-01:00:00.00001", "0,00:00:00"})
    void timesReadBackAsWrittenIncludingNegativeFractions(int fsp, String text) {
        byte[] b = new byte[6];
        TemporalBytes.time2(text, fsp, b, 0);
        assertThat(TemporalText.time2(b, 0, fsp)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0,0,0000-00-00 00:00:00", "3,1577836800.123,2020-01-01 00:00:00.123", "6,1700000000.000001,2023-11-14 22:13:20.000001",
            "0,2147483647,2038-01-19 03:14:07", "2,0.00,0000-00-00 00:00:00.00"})
    void timestampsAreTheirEpochSecond(int fsp, String epoch, String utcText) {
        byte[] b = new byte[7];
        TemporalBytes.timestamp2(epoch, fsp, b, 0);
        assertThat(new TemporalText(ZoneOffset.UTC).timestamp2(b, 0, fsp)).isEqualTo(utcText);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": 1, \"bb\": [1, 2.5, \"x\", true, false, null], \"ccc\": {\"d\": -9223372036854775808}}",
            "[]", "{}", "\"text with \\\"quotes\\\" and é\"", "18446744073709551615", "1.50", "1.5", "1e300", "-0.001",
            "[{\"k\": 12345678901234567890123}]", "true", "null"})
    void mysqlJsonTextBecomesBinaryJsonThatPrintsTheSame(String text) {
        byte[] b = JsonBytes.of(text);
        String back = JsonText.write(JsonBinary.parse(b, 0, b.length));
        if (text.equals("[{\"k\": 12345678901234567890123}]")) {
            assertThat(back).isEqualTo("[{\"k\": 1.2345678901234568e22}]"); // MySQL keeps such a number as a double
        } else {
            assertThat(back).isEqualTo(text);
        }
    }
}
