package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetServerSettingsTest {

    @Test
    void userWithoutPasswordIsRefusedAsCanal118Does() {
        assertThatThrownBy(() -> NetServerSettings.open("", 11111).withCredentials("canal", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no password hash");
    }

    @Test
    void passwordHashMustBeFortyHexDigits() {
        assertThatThrownBy(() -> NetServerSettings.open("", 11111).withCredentials("canal", "canal"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40 hex digits");
        assertThat(NetServerSettings.open("", 11111)
                .withCredentials("canal", "e3619321c1a937c46a0d8bd1dac39f93b27d4458").checksPassword()).isTrue();
    }

    @Test
    void passwordWithoutUserIsAllowed() {
        assertThat(NetServerSettings.open("", 1).withCredentials("", "E3619321C1A937C46A0D8BD1DAC39F93B27D4458")
                .checksPassword()).isTrue();
    }

    @Test
    void toStringNeverShowsThePasswordHash() {
        String text = NetServerSettings.open("", 11111)
                .withCredentials("canal", "E3619321C1A937C46A0D8BD1DAC39F93B27D4458").toString();
        assertThat(text).contains("user=canal").contains("password=<set>").doesNotContainIgnoringCase("E3619321");
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> NetServerSettings.open("", 70000)).isInstanceOf(IllegalArgumentException.class);
    }
}
