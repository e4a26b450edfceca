package io.sluice.server.mq;

import static io.sluice.server.mq.MqPublishSettingsTest.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class FormatSettingsTest {

    @Test
    void canalsBehaviourIsTheDefault() {
        FormatSettings f = MqPublishSettings.fromProperties(props()).format();
        assertThat(f.format()).isEqualTo(MqFormat.CANAL);
        assertThat(f.ddl()).isEqualTo(DdlRoute.SAME_TOPIC);
        assertThat(f.binary()).isEqualTo(BinaryEncoding.ISO_8859_1);
        assertThat(f.tombstones()).isTrue();
        assertThat(f.debeziumSchemas()).isFalse();
        assertThat(f.decimalHandling()).isEqualTo(DecimalHandling.PRECISE);
        assertThat(f.bigintUnsigned()).isEqualTo(BigintUnsignedHandling.LONG);
        assertThat(f.emitTruncate()).isFalse();
    }

    @Test
    void flinkSafeAndDebeziumKeysAreRead() {
        FormatSettings f = MqPublishSettings.fromProperties(props("sluice.mq.format", "debezium",
                "sluice.mq.ddl", "ddl-topic", "sluice.mq.ddl.topic", "ddl", "sluice.mq.binary.encoding", "base64",
                "sluice.mq.debezium.schemas.enable", "true", "sluice.mq.debezium.tombstones.on.delete", "false",
                "sluice.mq.debezium.decimal.handling.mode", "string", "sluice.values.time-zone", "Asia/Shanghai",
                "sluice.mq.debezium.bigint.unsigned.handling.mode", "precise"))
                .format();
        assertThat(f.format()).isEqualTo(MqFormat.DEBEZIUM);
        assertThat(f.ddlTopic()).isEqualTo("ddl");
        assertThat(f.binary()).isEqualTo(BinaryEncoding.BASE64);
        assertThat(f.debeziumSchemas()).isTrue();
        assertThat(f.tombstones()).isFalse();
        assertThat(f.decimalHandling()).isEqualTo(DecimalHandling.STRING);
        assertThat(f.bigintUnsigned()).isEqualTo(BigintUnsignedHandling.PRECISE);
        assertThat(f.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void aDebeziumTopicPrefixReplacesTheRequiredCanalTopic() {
        Properties p = props("sluice.mq.format", "debezium", "sluice.mq.debezium.topic.prefix", "dbz");
        p.remove("canal.mq.topic");
        assertThat(MqPublishSettings.fromProperties(p).format().topicPrefix()).isEqualTo("dbz");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.ddl", "ddl-topic")))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.mq.ddl.topic");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.format", "avro")))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.mq.format=avro");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.binary.encoding", "hex")))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.mq.binary.encoding");
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.debezium.decimal.handling.mode", "exact")))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.mq.debezium.decimal.handling.mode");
    }

    @Test
    void transactionAndHeartbeatTopicsAreNamedAfterTheTopicPrefixAsDebeziumsAre() {
        FormatSettings off = MqPublishSettings.fromProperties(props("sluice.mq.format", "debezium")).format();
        assertThat(off.transactionMetadata()).isFalse();
        assertThat(off.heartbeatIntervalMs()).isZero();
        FormatSettings on = MqPublishSettings.fromProperties(props("sluice.mq.format", "debezium",
                "sluice.mq.debezium.topic.prefix", "dbz", "sluice.mq.debezium.provide.transaction.metadata", "true",
                "sluice.mq.debezium.heartbeat.interval.ms", "10000")).format();
        assertThat(on.transactionTopic()).isEqualTo("dbz.transaction");
        assertThat(on.heartbeatTopic()).isEqualTo("__debezium-heartbeat.dbz");
        assertThat(on.heartbeatIntervalMs()).isEqualTo(10_000);
        FormatSettings named = MqPublishSettings.fromProperties(props("sluice.mq.format", "debezium",
                "sluice.mq.debezium.provide.transaction.metadata", "true", "sluice.mq.debezium.transaction.topic", "tx",
                "sluice.mq.debezium.heartbeat.topic", "hb")).format();
        assertThat(named.transactionTopic()).isEqualTo("tx");
        assertThat(named.heartbeatTopic()).isEqualTo("hb");
        assertThat(MqPublishSettings.fromProperties(props("sluice.mq.format", "debezium")).format().transactionTopic())
                .isEmpty();
        assertThatThrownBy(() -> MqPublishSettings.fromProperties(props("sluice.mq.debezium.heartbeat.interval.ms", "-1")))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.mq.debezium.heartbeat.interval.ms");
    }
}
