package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void passwordsTokensJaasAndKeyMaterialAreSecret() {
        assertThat(Secrets.isSecretKey("canal.instance.dbPassword")).isTrue();
        assertThat(Secrets.isSecretKey("canal.passwd")).isTrue();
        assertThat(Secrets.isSecretKey("kafka.ssl.keystore.key")).isTrue();
        assertThat(Secrets.isSecretKey("kafka.ssl.key.password")).isTrue();
        assertThat(Secrets.isSecretKey("kafka.sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecretKey("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecretKey("canal.aliyun.secretKey")).isTrue();
        assertThat(Secrets.isSecretKey("sluice.admin.token")).isTrue();
        assertThat(Secrets.isSecretKey("sluice.zookeeper.digest")).isTrue();
        assertThat(Secrets.isSecretKey("rabbitmq.password")).isTrue();

        assertThat(Secrets.isSecretKey("canal.instance.master.address")).isFalse();
        assertThat(Secrets.isSecretKey("kafka.ssl.keystore.location")).isFalse();
        assertThat(Secrets.isSecretKey("canal.mq.partitionHash")).isFalse();
        assertThat(Secrets.isSecretKey("canal.instance.dbUsername")).isFalse();
    }

    @Test
    void aPropertiesLineKeepsItsKeyAndLosesASecretValue() {
        assertThat(Secrets.maskLine("canal.instance.dbPassword = hunter2")).isEqualTo("canal.instance.dbPassword = ****");
        assertThat(Secrets.maskLine("  canal.instance.dbPassword:hunter2")).isEqualTo("  canal.instance.dbPassword:****");
        assertThat(Secrets.maskLine("kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"u\" password=\"p\";")).isEqualTo("kafka.sasl.jaas.config=****");
        assertThat(Secrets.maskLine("canal.instance.dbPassword hunter2")).isEqualTo("canal.instance.dbPassword ****");
        assertThat(Secrets.maskLine("canal.instance.dbPassword =")).isEqualTo("canal.instance.dbPassword =");
        assertThat(Secrets.maskLine("# canal.instance.dbPassword = example")).isEqualTo("# canal.instance.dbPassword = example");
        assertThat(Secrets.maskLine("canal.instance.master.address = 10.0.0.1:3306"))
                .isEqualTo("canal.instance.master.address = 10.0.0.1:3306");
    }
}
