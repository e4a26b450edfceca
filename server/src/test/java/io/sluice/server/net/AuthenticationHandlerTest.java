package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthenticationHandlerTest {

    @Test
    void userNamesInLogLinesLoseControlCharactersAndLength() {
        assertThat(AuthenticationHandler.printable("canal")).isEqualTo("canal");
        assertThat(AuthenticationHandler.printable("a\nb\u0000c")).isEqualTo("a?b?c");
        assertThat(AuthenticationHandler.printable("x".repeat(100))).isEqualTo("x".repeat(64) + "...");
    }
}
