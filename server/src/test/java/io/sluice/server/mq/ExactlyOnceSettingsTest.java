package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExactlyOnceSettingsTest {

    @Test
    void offUnlessAskedFor() {
        assertThat(ExactlyOnceSettings.fromProperties(MqPublishSettingsTest.props(), "example").enabled()).isFalse();
    }

    @Test
    void theTransactionalIdIsStablePerDestinationAndOverridable() {
        Properties p = MqPublishSettingsTest.props("sluice.mq.exactly.once", "true");
        ExactlyOnceSettings s = ExactlyOnceSettings.fromProperties(p, "orders");
        assertThat(s.enabled()).isTrue();
        assertThat(s.transactionalId()).isEqualTo("sluice-orders");
        assertThat(s.positionTopic()).isEqualTo("__sluice_positions");

        p.setProperty("sluice.mq.exactly.once.transactional.id", "dc1-orders");
        p.setProperty("sluice.mq.exactly.once.position.topic", "cdc_positions");
        s = ExactlyOnceSettings.fromProperties(p, "orders");
        assertThat(s.transactionalId()).isEqualTo("dc1-orders");
        assertThat(s.positionTopic()).isEqualTo("cdc_positions");
    }

    @Test
    void combinationsThatCannotHoldAreRefusedNamingTheKey() {
        Properties snapshot = MqPublishSettingsTest.props("sluice.mq.exactly.once", "true",
                "sluice.snapshot.mode", "initial");
        assertThatThrownBy(() -> ExactlyOnceSettings.fromProperties(snapshot, "d"))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("sluice.snapshot.mode = initial");

        Properties rabbit = MqPublishSettingsTest.props("sluice.mq.exactly.once", "true",
                "canal.serverMode", "rabbitMQ");
        assertThatThrownBy(() -> ExactlyOnceSettings.fromProperties(rabbit, "d"))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("canal.serverMode = kafka");

        Properties sharedId = MqPublishSettingsTest.props("sluice.mq.exactly.once", "true",
                "kafka.transactional.id", "one-for-all");
        assertThatThrownBy(() -> ExactlyOnceSettings.fromProperties(sharedId, "d"))
                .isInstanceOf(MqSettingsException.class).hasMessageStartingWith("kafka.transactional.id=one-for-all");

        Properties typo = MqPublishSettingsTest.props("sluice.mq.exactly.once", "yes");
        assertThatThrownBy(() -> ExactlyOnceSettings.fromProperties(typo, "d"))
                .isInstanceOf(MqSettingsException.class).hasMessageContaining("true or false");
    }
}
