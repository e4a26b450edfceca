package io.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new user's walk through docs/getting-started.md: the page's marked commands run verbatim, in order, on the
 * tarball this module just built, against a private MariaDB started with the page's my.cnf lines, and the outputs
 * the page shows must appear. Runs in the package phase, after the tarball is assembled.
 */
class GettingStartedWalkIT {

    private static final Path DIST = Path.of(System.getProperty("sluice.dist", ".")).toAbsolutePath().normalize();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theDocumentedCommandsRunAndPrintWhatThePageShows() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mariadbd")) || onPath("mariadbd"),
                "MariaDB is not installed (bin/install-deps.sh installs it)");
        assumeTrue(run("unshare", "-n", "true") == 0 || run("unshare", "-rn", "true") == 0,
                "no network namespace can be made here (unshare -n / -rn), so ports 3306/11111 cannot be private");
        String version = System.getProperty("sluice.version");
        Path tarball = DIST.resolve("target").resolve("sluice-" + version + ".tar.gz");
        assertThat(tarball).as("the tarball of this build").exists();

        Path log = DIST.resolve("target").resolve("getting-started-walk.log");
        Process walk = new ProcessBuilder("bash", DIST.resolve("src/test/sh/walk.sh").toString(),
                DIST.resolveSibling("docs").resolve("getting-started.md").toString(), tarball.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = walk.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            walk.descendants().forEach(ProcessHandle::destroy);
            walk.destroy();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("the walk finished within 4 minutes:%n%s", output).isTrue();
        assertThat(walk.exitValue()).as("the walk's exit status:%n%s", output).isZero();
        assertThat(output).contains("documented outputs appeared: OK");
    }

    private static boolean onPath(String command) throws IOException, InterruptedException {
        return run("bash", "-c", "command -v " + command) == 0;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
