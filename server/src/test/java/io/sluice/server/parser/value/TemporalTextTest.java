package io.sluice.server.parser.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TemporalTextTest {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** The day TIMESTAMP remembers between values must never leak into a value of another day, in any zone. */
    @Test
    void timestampsInAnyOrderPrintTheirOwnDateInTheZone() {
        for (String zone : new String[] {"UTC", "Asia/Shanghai", "America/New_York"}) {
            TemporalText text = new TemporalText(ZoneId.of(zone));
            Random random = new Random(22);
            long at = 1_700_000_000L;
            for (int i = 0; i < 200_000; i++) {
                // mostly neighbours (same day), sometimes a jump across days, years or to the epoch's start
                long epochSecond = switch (random.nextInt(10)) {
                    case 0 -> 1 + random.nextInt(Integer.MAX_VALUE);
                    case 1 -> at - random.nextInt(200_000);
                    default -> at + random.nextInt(60);
                };
                at = epochSecond;
                String expected = LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneId.of(zone))
                        .format(SECONDS);
                assertThat(text.timestamp(epochSecond, 0, 0)).as("%s in %s", epochSecond, zone).isEqualTo(expected);
            }
        }
    }

    @Test
    void fractionShowsExactlyTheDeclaredDigits() {
        TemporalText text = new TemporalText(ZoneId.of("UTC"));
        assertThat(text.timestamp(86_400, 123_456, 6)).isEqualTo("1970-01-02 00:00:00.123456");
        assertThat(text.timestamp(86_400, 123_456, 3)).isEqualTo("1970-01-02 00:00:00.123");
        assertThat(text.timestamp(86_400, 120_000, 2)).isEqualTo("1970-01-02 00:00:00.12");
        assertThat(text.timestamp(86_400, 5, 6)).isEqualTo("1970-01-02 00:00:00.000005");
        assertThat(text.timestamp(0, 0, 0)).isEqualTo("0000-00-00 00:00:00");
        assertThat(TemporalText.datetime(20251231235959L)).isEqualTo("2025-12-31 23:59:59");
    }
}
