package io.sluice.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.metrics.AdminCredentials;
import io.sluice.server.metrics.DestinationStats;
import io.sluice.server.metrics.SluiceMetrics;
import io.sluice.server.metrics.StatusServer;
import io.sluice.server.net.FailedLogins;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bin/admin.sh: the console's calls from a shell, with the credentials of the environment. */
@Timeout(30)
class AdminCommandTest {

    @Test
    void callsAnEndpointWithTheEnvironmentsTokenAndReportsRefusals() throws Exception {
        List<DestinationStats> none = List.of();
        try (StatusServer server = new StatusServer("127.0.0.1", 0, new AdminCredentials("", "", "t0ken"),
                new FailedLogins("admin port", 10, Duration.ofMinutes(1)), new SluiceMetrics(() -> none, () -> 0),
                () -> Map.of("version", "test"), () -> none)) {
            server.addHandler("/cluster", new ClusterEndpoint(() -> Map.of("address", "10.0.0.1:11111",
                    "destinations", List.of()), null, null, null));
            server.start();
            String base = "http://127.0.0.1:" + server.port();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int ok = AdminCommand.run(base, "GET", "/cluster", "", Map.of("SLUICE_ADMIN_TOKEN", "t0ken"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(ok).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"self\" : \"10.0.0.1:11111\"");

            out.reset();
            int moved = AdminCommand.run(base, "POST", "/cluster/move", "{\"destination\":\"d\",\"to\":\"10.0.0.2:11111\"}",
                    Map.of("SLUICE_ADMIN_TOKEN", "t0ken"), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(moved).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("without HA");

            err.reset();
            int refused = AdminCommand.run(base, "GET", "/cluster", "", Map.of("SLUICE_ADMIN_TOKEN", "wrong"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(refused).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrong credentials").contains("SLUICE_ADMIN_TOKEN");
        }
    }
}
