package io.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped systemd unit (systemd/sluice.service in the tarball) is one systemd accepts: systemd-analyze verify,
 * with /opt/sluice pointed at this checkout (whose bin/ has the scripts the unit runs), reports nothing.
 */
class SystemdUnitTest {

    private static final Path DIST = Path.of(System.getProperty("sluice.dist", ".")).toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void systemdAcceptsTheShippedUnit() throws Exception {
        Process probe = new ProcessBuilder("bash", "-c", "command -v systemd-analyze").start();
        assumeTrue(probe.waitFor() == 0, "systemd-analyze is not installed");
        String unit = Files.readString(DIST.resolve("src/systemd/sluice.service"), StandardCharsets.UTF_8);
        assertThat(unit).contains("ExecStart=/opt/sluice/bin/startup.sh", "ExecStop=/opt/sluice/bin/stop.sh",
                "PIDFile=/opt/sluice/logs/sluice.pid", "User=sluice");
        Path copy = work.resolve("sluice.service");
        Files.writeString(copy, unit.replace("/opt/sluice", DIST.getParent().toString()), StandardCharsets.UTF_8);

        Process verify = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).directory(work.toFile())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).as("warnings of systemd-analyze").doesNotContain("sluice.service");
    }
}
