package io.sluice.client.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleConsumerTest {

    private static final PrintStream NOWHERE = new PrintStream(PrintStream.nullOutputStream());

    @Test
    void ackStandsAloneAmongKeyValueOptions() {
        assertThat(ConsoleConsumer.options(new String[] {"--port", "1", "--ack", "--destination", "d"}))
                .containsEntry("port", "1").containsEntry("ack", "true").containsEntry("destination", "d");
        assertThatThrownBy(() -> ConsoleConsumer.options(new String[] {"--port"}))
                .hasMessage("--port needs a value");
    }

    @Test
    void aPeekRefusesAnApplicationsIdAndAckingRefusesAPeekId() {
        assertThatThrownBy(() -> new ConsoleConsumer(Map.of("client-id", "1001"), NOWHERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add --ack");
        assertThatThrownBy(() -> new ConsoleConsumer(Map.of("client-id", "-3", "ack", "true"), NOWHERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 0 are peeks");
        new ConsoleConsumer(Map.of("client-id", "-3"), NOWHERE);
        new ConsoleConsumer(Map.of("ack", "true"), NOWHERE);
    }
}
