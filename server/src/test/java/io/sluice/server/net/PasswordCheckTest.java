package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.net.testing.RawCanalClient;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordCheckTest {

    private static final byte[] SEED = {1, 2, 3, 4, 5, 6, 7, 8};
    /** canal.passwd for "123456" (CANAL-PROTOCOL.md §2.2). */
    private static final String STORED_123456 = "6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9";

    private final PasswordCheck check = new PasswordCheck(HexFormat.of().parseHex(STORED_123456));

    @Test
    void acceptsTheOfficialClientsTokenFromTheMeasuredTestVector() {
        // measured with canal.client 1.1.8: seed 01..08, password 123456
        byte[] token = "90e636eb4878fb59e80b3ee6412a784df5aae30d".getBytes(StandardCharsets.UTF_8);
        assertThat(check.matches(SEED, token)).isTrue();
    }

    @Test
    void acceptsUpperCaseHexTokens() {
        byte[] token = "90E636EB4878FB59E80B3EE6412A784DF5AAE30D".getBytes(StandardCharsets.UTF_8);
        assertThat(check.matches(SEED, token)).isTrue();
    }

    @Test
    void refusesTheRightPasswordScrambledWithAnotherSeed() {
        byte[] otherSeed = {8, 7, 6, 5, 4, 3, 2, 1};
        byte[] token = RawCanalClient.scramble("123456", otherSeed).getBytes(StandardCharsets.UTF_8);
        assertThat(check.matches(SEED, token)).isFalse();
        assertThat(check.matches(otherSeed, token)).isTrue();
    }

    @Test
    void refusesAWrongPassword() {
        byte[] token = RawCanalClient.scramble("1234567", SEED).getBytes(StandardCharsets.UTF_8);
        assertThat(check.matches(SEED, token)).isFalse();
    }

    @Test
    void refusesHexOfTheWrongLength() {
        assertThat(check.matches(SEED, "abcd".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void rejectsATokenThatIsNotHexAsMalformed() {
        assertThatThrownBy(() -> check.matches(SEED, "123456".repeat(7).replace('1', 'z')
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("not hex");
    }

    @Test
    void storedHashOfCanalMatchesCanalsDocumentedValue() {
        assertThat(RawCanalClient.storedHash("canal")).isEqualTo("E3619321C1A937C46A0D8BD1DAC39F93B27D4458");
    }
}
