package io.sluice.server.mq;

import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A producer setting the client library refuses stops the destination's publishing with one ERROR naming the
 * key; a broker that cannot be reached is retried. No broker is needed: Kafka's client refuses these settings
 * (or fails to resolve the name) before it opens a connection.
 */
class DestinationPublisherSettingsTest {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final TestEntries e = new TestEntries();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(DestinationPublisher.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(DestinationPublisher.class)).detachAppender(logs);
    }

    private InMemoryDestination destinationWithARow() {
        InMemoryDestination d = new InMemoryDestination("cfg");
        d.append(List.of(e.begin(), e.insert(TestEntries.table("shop", "user"),
                List.of(row("id", 1, "name", "a", "score", "1.00", "note", null))), e.end()));
        return d;
    }

    private static Properties kafka(String... kv) {
        Properties p = MqPublishSettingsTest.props(kv);
        p.setProperty("sluice.mq.retry.backoff.ms", "50");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "100");
        return p;
    }

    private List<String> lines(Level level) {
        return logs.list.stream().filter(l -> l.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aSettingTheClientRefusesStopsPublishingWithOneErrorNamingTheKeyAndNothingAcked() throws Exception {
        InMemoryDestination d = destinationWithARow();
        MqPublishSettings s = MqPublishSettings.fromProperties(kafka("kafka.security.protocol", "SASL_PLAINTEXT"));
        try (DestinationPublisher p = new DestinationPublisher(d, s, MqProducer.create(s)).start()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> p.state() == DestinationPublisher.State.STOPPED_ON_SETTINGS);
            Thread.sleep(500); // a retry loop would have logged again by now
            assertThat(lines(Level.ERROR)).singleElement().asString()
                    .startsWith("destination cfg: publishing stopped, nothing is acked until the setting is fixed: kafka.security.protocol=SASL_PLAINTEXT: ");
            assertThat(lines(Level.WARN)).isEmpty();
            assertThat(d.ackedEntries()).isZero();
            assertThat(p.failedAttempts()).isZero();
        }
    }

    @Test
    void aBrokerNameThatDoesNotResolveIsRetriedNotStopped() throws Exception {
        InMemoryDestination d = destinationWithARow();
        MqPublishSettings s = MqPublishSettings.fromProperties(kafka("kafka.bootstrap.servers",
                "no-such-broker.invalid:9092"));
        try (DestinationPublisher p = new DestinationPublisher(d, s, MqProducer.create(s)).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.failedAttempts() >= 3);
            assertThat(p.state()).isEqualTo(DestinationPublisher.State.RETRYING);
            assertThat(lines(Level.ERROR)).isEmpty();
            assertThat(lines(Level.WARN)).allMatch(l -> l.contains("cannot be reached, retrying"));
            assertThat(d.ackedEntries()).isZero();
        }
    }
}
