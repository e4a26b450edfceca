package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ErrorHistoryTest {

    @Test
    void keepsTheLastDistinctErrorsNewestFirst() {
        ErrorHistory h = new ErrorHistory();
        h.record("d", "", 1);
        h.record("d", "connection refused", 1_000);
        h.record("d", "connection refused", 2_000);
        h.record("d", "binlog purged", 3_000);
        assertThat(h.of("d")).extracting(m -> m.get("error")).containsExactly("binlog purged", "connection refused");
        assertThat(h.of("d").get(1).get("at")).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(h.of("other")).isEmpty();
    }

    @Test
    void keepsABoundedNumber() {
        ErrorHistory h = new ErrorHistory();
        for (int i = 0; i < 25; i++) {
            h.record("d", "error " + i, i);
        }
        assertThat(h.of("d")).hasSize(ErrorHistory.KEPT);
        assertThat(h.of("d").get(0).get("error")).isEqualTo("error 24");
    }
}
