package io.sluice.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConfigEndpointTest {

    private static final String STORED = "canal.instance.dbUsername = canal\ncanal.instance.dbPassword = s3cret\n"
            + "canal.instance.filter.regex = a\\\\..*\n";

    @Test
    void secretValuesAreShownMasked() {
        assertThat(ConfigEndpoint.masked(STORED)).contains("canal.instance.dbPassword = ****")
                .doesNotContain("s3cret").contains("canal.instance.dbUsername = canal");
    }

    @Test
    void aMaskedSecretLeftAsItIsKeepsTheStoredValue() {
        String edited = ConfigEndpoint.masked(STORED).replace("a\\\\..*", "b\\\\..*");
        assertThat(ConfigEndpoint.unmask(edited, STORED)).contains("canal.instance.dbPassword = s3cret")
                .contains("canal.instance.filter.regex = b\\\\..*").doesNotContain("****");
    }

    @Test
    void aSecretTypedAnewIsTaken() {
        String edited = ConfigEndpoint.masked(STORED).replace("dbPassword = ****", "dbPassword = other");
        assertThat(ConfigEndpoint.unmask(edited, STORED)).contains("canal.instance.dbPassword = other")
                .doesNotContain("s3cret");
    }

    @Test
    void aMaskWithoutAStoredValueStaysAMask() {
        assertThat(ConfigEndpoint.unmask("canal.instance.dbPassword = ****\n", "")).contains("dbPassword = ****");
    }
}
