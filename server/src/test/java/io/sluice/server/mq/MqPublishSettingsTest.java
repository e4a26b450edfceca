package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class MqPublishSettingsTest {

    static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "kafka");
        p.setProperty("kafka.bootstrap.servers", "127.0.0.1:9092");
        p.setProperty("canal.mq.topic", "example");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void canalDefaultsApplyWhenOnlyTheBrokerAndTopicAreSet() {
        MqPublishSettings s = MqPublishSettings.fromProperties(props());
        assertThat(s.broker()).isEqualTo(Broker.KAFKA);
        assertThat(s.flatMessage()).isTrue();
        assertThat(s.batchSize()).isEqualTo(50);
        assertThat(s.getTimeoutMillis()).isEqualTo(100);
        assertThat(s.databaseHash()).isTrue();
        assertThat(s.partition()).isZero();
        assertThat(s.partitionsNum()).isEqualTo(1);
        assertThat(s.maxMessageBytes()).isEqualTo(1_048_576 - MqPublishSettings.KAFKA_FRAMING_MARGIN);
        assertThat(s.oversizePolicy()).isEqualTo(OversizePolicy.STOP);
        assertThat(s.kafka()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void everyKafkaKeyBecomesAProducerPropertyAndTheMessageLimitFollowsMaxRequestSize() {
        MqPublishSettings s = MqPublishSettings.fromProperties(props("kafka.compression.type", "lz4",
                "kafka.linger.ms", "20", "kafka.max.request.size", "2097152", "kafka.sasl.jaas.config", "secret",
                "kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY----- sec"));
        assertThat(s.kafka()).containsEntry("compression.type", "lz4").containsEntry("linger.ms", "20")
                .containsEntry("max.request.size", "2097152");
        assertThat(s.maxMessageBytes()).isEqualTo(2_097_152 - MqPublishSettings.KAFKA_FRAMING_MARGIN);
        assertThat(s.toString()).doesNotContain("secret").doesNotContain("PRIVATE").doesNotContain("sec")
                .contains("sasl.jaas.config=****").contains("ssl.keystore.key=****");
    }

    @Test
    void legacyCanalMqServersStillNamesTheBroker() {
        Properties p = props("canal.mq.servers", "10.0.0.1:9092");
        p.remove("kafka.bootstrap.servers");
        assertThat(MqPublishSettings.fromProperties(p).kafka()).containsEntry("bootstrap.servers", "10.0.0.1:9092");
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.serverMode", "tcp")))
                .isInstanceOf(MqSettingsException.class).hasMessageStartingWith("canal.serverMode=tcp");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.mq.partitionsNum", "zero")))
                .hasMessageStartingWith("canal.mq.partitionsNum=zero").hasMessageContaining("whole number");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.mq.partition", "-1")))
                .hasMessageStartingWith("canal.mq.partition=-1");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.mq.flatMessage", "yes")))
                .hasMessageStartingWith("canal.mq.flatMessage=yes");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.mq.partitionHash", "shop\\.(user:id")))
                .isInstanceOf(MqSettingsException.class).hasMessageStartingWith("canal.mq.partitionHash=shop\\.(user:id")
                .hasMessageContaining("not a valid regex");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.mq.dynamicTopicPartitionNum", "t:x")))
                .hasMessageStartingWith("canal.mq.dynamicTopicPartitionNum=t:x");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.oversize.policy", "drop")))
                .hasMessageStartingWith("sluice.mq.oversize.policy=drop").hasMessageContaining("stop or skip");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.max.message.bytes", "2000000")))
                .hasMessageStartingWith("sluice.mq.max.message.bytes=2000000");
        Properties noBroker = props();
        noBroker.remove("kafka.bootstrap.servers");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(noBroker))
                .hasMessageStartingWith("kafka.bootstrap.servers=");
    }

    @Test
    void rabbitMqKeysAreReadWithHostPortAndThePasswordStaysOutOfToString() {
        MqPublishSettings s = MqPublishSettings.fromProperties(props("canal.serverMode", "rabbitMQ",
                "rabbitmq.host", "10.1.1.1:5673", "rabbitmq.virtual.host", "/cdc", "rabbitmq.exchange", "canal",
                "rabbitmq.username", "sluice", "rabbitmq.password", "hunter2", "rabbitmq.queue", "q",
                "rabbitmq.routingKey", "example", "rabbitmq.deliveryMode", "topic"));
        assertThat(s.broker()).isEqualTo(Broker.RABBITMQ);
        assertThat(s.rabbitMq()).isEqualTo(new RabbitMqSettings("10.1.1.1", 5673, "/cdc", "canal", "topic", "q",
                "example", "sluice", "hunter2"));
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("canal.serverMode", "rabbitMQ",
                "rabbitmq.host", "h", "rabbitmq.deliveryMode", "persistent")))
                .hasMessageStartingWith("rabbitmq.deliveryMode=persistent");
    }
}
