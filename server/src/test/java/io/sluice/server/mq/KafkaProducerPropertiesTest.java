package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaProducerPropertiesTest {

    /** The kafka.* keys of canal 1.1.7's shipped canal.properties, prefix removed, values as shipped. */
    static Map<String, String> canalShipped() {
        Map<String, String> keys = new HashMap<>();
        keys.put("bootstrap.servers", "127.0.0.1:9092");
        keys.put("acks", "all");
        keys.put("compression.type", "none");
        keys.put("batch.size", "16384");
        keys.put("linger.ms", "1");
        keys.put("max.request.size", "1048576");
        keys.put("buffer.memory", "33554432");
        keys.put("max.in.flight.requests.per.connection", "1");
        keys.put("retries", "0");
        keys.put("kerberos.enable", "false");
        keys.put("kerberos.krb5.file", "../conf/kerberos/krb5.conf");
        keys.put("kerberos.jaas.file", "../conf/kerberos/jaas.conf");
        return keys;
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void canalsShippedKeysGiveAnIdempotentOrderedProducerThatKafkasClientAccepts() {
        Map<String, Object> config = KafkaProducerProperties.of(canalShipped());
        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1")
                .doesNotContainKey(ProducerConfig.RETRIES_CONFIG)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
        assertThat(config.keySet()).noneMatch(k -> k.startsWith("kerberos."));
        // building the client is where canal's keys used to fail ("Must set retries to non-zero ...")
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void withIdempotenceTurnedOffRetriesZeroIsKeptWithOneRequestInFlight() {
        Map<String, Object> config = KafkaProducerProperties.of(with(canalShipped(), "enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "5"));
        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")
                .containsEntry(ProducerConfig.RETRIES_CONFIG, "0")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        new KafkaProducer<byte[], byte[]>(config).close();
    }

    @Test
    void weakerAcksTurnIdempotenceOffAndKeepOrderWithOneRequestInFlight() {
        Map<String, Object> config = KafkaProducerProperties.of(with(canalShipped(), "acks", "1",
                "max.in.flight.requests.per.connection", "3"));
        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")
                .containsEntry(ProducerConfig.RETRIES_CONFIG, "0")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    }

    @Test
    void withoutCanalsKeysTheDefaultIsIdempotentWithFiveInFlight() {
        Map<String, Object> config = KafkaProducerProperties.of(Map.of("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    }

    @Test
    void explicitIdempotenceWithASettingKafkaRefusesWithItIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "enable.idempotence", "true")))
                .isInstanceOf(MqSettingsException.class)
                .hasMessageStartingWith("kafka.retries=0: conflicts with kafka.enable.idempotence=true");
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "enable.idempotence", "true",
                "retries", "3", "acks", "1")))
                .hasMessageStartingWith("kafka.acks=1: conflicts with kafka.enable.idempotence=true");
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "enable.idempotence", "true",
                "retries", "3", "max.in.flight.requests.per.connection", "6")))
                .hasMessageStartingWith("kafka.max.in.flight.requests.per.connection=6: conflicts");
    }

    @Test
    void aValueKafkasClientRefusesIsAConfigurationErrorNamingKeyAndValue() {
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "acks", "2")))
                .isInstanceOf(MqSettingsException.class)
                .hasMessageStartingWith("kafka.acks=2: String must be one of");
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "linger.ms", "soon")))
                .hasMessageStartingWith("kafka.linger.ms=soon: Not a number");
        assertThatThrownBy(() -> KafkaProducerProperties.of(with(canalShipped(), "compression.type", "brotli")))
                .hasMessageStartingWith("kafka.compression.type=brotli: ");
    }

    @Test
    void aProducerTheClientCannotBuildIsASettingsErrorButAnUnresolvableBrokerIsRetried() {
        KafkaMqProducer sasl = new KafkaMqProducer(with(canalShipped(), "security.protocol", "SASL_PLAINTEXT"));
        assertThatThrownBy(sasl::open).isInstanceOf(MqSettingsException.class)
                .hasMessageStartingWith("kafka.security.protocol=SASL_PLAINTEXT: Kafka's client refused the producer settings");
        KafkaMqProducer unresolved = new KafkaMqProducer(with(canalShipped(), "bootstrap.servers",
                "no-such-broker.invalid:9092"));
        assertThatThrownBy(unresolved::open).isInstanceOf(PublishException.class)
                .hasMessageContaining("no-such-broker.invalid:9092");
    }
}
