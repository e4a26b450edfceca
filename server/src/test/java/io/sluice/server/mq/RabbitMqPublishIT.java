package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.testkit.RabbitMqBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQ mode against a private RabbitMQ node: FlatMessages published to canal's exchange with the topic as routing
 * key reach the bound queue in commit order with publisher confirms, and a node that is killed mid-stream is
 * retried until it is back, losing nothing.
 */
class RabbitMqPublishIT {

    private static RabbitMqBroker broker;
    private final FlatMessageCodec codec = new FlatMessageCodec();

    @BeforeAll
    static void startBroker() throws Exception {
        if (!RabbitMqBroker.installed()) {
            String reason = "RabbitMQ tests skipped: " + RabbitMqBroker.SERVER
                    + " not installed (bin/install-deps.sh installs rabbitmq-server)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        broker = RabbitMqBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties settings(String queue) {
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "rabbitMQ");
        p.setProperty("rabbitmq.host", "127.0.0.1:" + broker.port());
        p.setProperty("rabbitmq.virtual.host", "/");
        p.setProperty("rabbitmq.exchange", "sluice");
        p.setProperty("rabbitmq.deliveryMode", "direct");
        p.setProperty("rabbitmq.queue", queue);
        p.setProperty("rabbitmq.routingKey", queue);
        p.setProperty("rabbitmq.username", "guest");
        p.setProperty("rabbitmq.password", "guest");
        p.setProperty("canal.mq.topic", queue);
        p.setProperty("canal.mq.canalBatchSize", "25");
        p.setProperty("sluice.mq.retry.backoff.ms", "200");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "1000");
        return p;
    }

    private List<FlatMessage> drain(String queue, int atLeast) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port());
        List<FlatMessage> out = new ArrayList<>();
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                GetResponse r = ch.basicGet(queue, true);
                if (r == null) {
                    if (out.size() >= atLeast) {
                        break;
                    }
                    Thread.sleep(100);
                    continue;
                }
                out.add(codec.decode(r.getBody()));
            }
        }
        return out;
    }

    private static List<Map<String, String>> rows(List<FlatMessage> messages) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (FlatMessage m : messages) {
            if (m.data() != null) {
                for (Map<String, String> r : m.data()) {
                    Map<String, String> tagged = new LinkedHashMap<>(r);
                    tagged.put("~type", m.type());
                    tagged.put("~table", m.database() + "." + m.table());
                    rows.add(tagged);
                }
            }
        }
        return rows;
    }

    private static List<Map<String, String>> expected(Workload w) {
        return w.changes.stream().map(c -> {
            Map<String, String> tagged = new LinkedHashMap<>(c.data());
            tagged.put("~type", c.type());
            tagged.put("~table", c.database() + "." + c.table());
            return tagged;
        }).toList();
    }

    @Test
    void flatMessagesReachTheBoundQueueInCommitOrderWithConfirms() throws Exception {
        Workload w = new Workload(3, List.of(TestEntries.table("shop", "user"), TestEntries.table("shop", "order")));
        InMemoryDestination d = new InMemoryDestination("rabbit");
        d.append(w.transactions(120));
        MqPublishSettings s = MqPublishSettings.fromProperties(settings("sluice_rows"));
        try (DestinationPublisher p = new DestinationPublisher(d, s, MqProducer.create(s)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.failedAttempts()).isZero();
        }
        List<FlatMessage> got = drain("sluice_rows", 1);
        assertThat(rows(got)).isEqualTo(expected(w));
        assertThat(got.stream().filter(FlatMessage::isDdl).map(FlatMessage::sql).toList())
                .containsExactlyElementsOf(w.ddls.stream().map(Workload.Ddl::sql).toList());
        FlatMessage update = got.stream().filter(m -> m.type().equals("UPDATE")).findFirst().orElseThrow();
        assertThat(update.old()).isNotNull().hasSameSizeAs(update.data());
        assertThat(update.pkNames()).containsExactly("id");
    }

    @Test
    void aNodeKilledMidStreamIsRetriedUntilItIsBackAndNothingIsLost() throws Exception {
        Workload w = new Workload(9, List.of(TestEntries.table("shop", "user")));
        InMemoryDestination d = new InMemoryDestination("rabbit-crash");
        d.append(w.transactions(60));
        MqPublishSettings s = MqPublishSettings.fromProperties(settings("sluice_crash"));
        try (DestinationPublisher p = new DestinationPublisher(d, s, MqProducer.create(s)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
            broker.kill();
            int acked = d.ackedEntries();
            d.append(w.transactions(60));
            await().atMost(Duration.ofSeconds(60)).until(() -> p.state() == DestinationPublisher.State.RETRYING);
            assertThat(d.ackedEntries()).isEqualTo(acked);
            broker.restart();
            await().atMost(Duration.ofSeconds(90)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.failedAttempts()).isPositive();
        }
        // durable queue, persistent messages, confirms: everything acked survived the crash; replays may repeat
        List<Map<String, String>> got = new ArrayList<>(new LinkedHashSet<>(rows(drain("sluice_crash", 1))));
        List<Map<String, String>> want = expected(w);
        assertThat(got).containsAll(want);
        assertThat(got).hasSize(new LinkedHashSet<>(want).size());
    }

    /** canal 1.1.7's shipped rabbitmq.* keys with the four a user edits; rabbitmq.deliveryMode stays empty. */
    private static Properties canalShipped(String exchange, String password) {
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "rabbitMQ");
        p.setProperty("rabbitmq.host", "127.0.0.1:" + broker.port());
        p.setProperty("rabbitmq.virtual.host", "");
        p.setProperty("rabbitmq.exchange", exchange);
        p.setProperty("rabbitmq.username", "guest");
        p.setProperty("rabbitmq.password", password);
        p.setProperty("rabbitmq.deliveryMode", "");
        p.setProperty("canal.mq.topic", "example");
        p.setProperty("sluice.mq.retry.backoff.ms", "200");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "1000");
        return p;
    }

    private void declareTopicExchangeWithQueue(String exchange, String queue) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port());
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, "topic", true);
            ch.queueDeclare(queue, true, false, false, null);
            ch.queueBind(queue, exchange, "example");
        }
    }

    @Test
    void withCanalsShippedKeysAnExchangeTheUserCreatedIsUsedAsItIs() throws Exception {
        declareTopicExchangeWithQueue("canal_topic_exchange", "canal_rows");
        Workload w = new Workload(5, List.of(TestEntries.table("shop", "user")));
        InMemoryDestination d = new InMemoryDestination("rabbit-shipped");
        d.append(w.transactions(20));
        MqPublishSettings s = MqPublishSettings.fromProperties(canalShipped("canal_topic_exchange", "guest"));
        try (DestinationPublisher p = new DestinationPublisher(d, s, MqProducer.create(s)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.failedAttempts()).isZero();
        }
        assertThat(rows(drain("canal_rows", 1))).isEqualTo(expected(w));
    }

    @Test
    void aRefusedLoginOrAMismatchedExchangeTypeStopsPublishingNamingTheKey() throws Exception {
        declareTopicExchangeWithQueue("typed_exchange", "typed_rows");
        InMemoryDestination d = new InMemoryDestination("rabbit-refused");
        d.append(new Workload(1, List.of(TestEntries.table("shop", "user"))).transactions(2));

        MqPublishSettings wrongPassword = MqPublishSettings.fromProperties(canalShipped("typed_exchange", "nope"));
        try (DestinationPublisher p = new DestinationPublisher(d, wrongPassword, MqProducer.create(wrongPassword))
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.state() == DestinationPublisher.State.STOPPED_ON_SETTINGS);
            assertThat(p.failedAttempts()).isZero();
        }
        Properties direct = canalShipped("typed_exchange", "guest");
        direct.setProperty("rabbitmq.deliveryMode", "direct");
        MqPublishSettings mismatched = MqPublishSettings.fromProperties(direct);
        MqProducer producer = MqProducer.create(mismatched);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(producer::open).isInstanceOf(MqSettingsException.class)
                    .hasMessageStartingWith("rabbitmq.deliveryMode=direct: the broker refused it: PRECONDITION_FAILED");
        } finally {
            producer.close();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MqProducer.create(MqPublishSettings.fromProperties(
                        canalShipped("typed_exchange", "nope"))).open())
                .isInstanceOf(MqSettingsException.class).hasMessageStartingWith("rabbitmq.username=guest: ")
                .hasMessageNotContaining("nope");
        assertThat(d.ackedEntries()).isZero();
    }
}
