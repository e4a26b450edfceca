package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL server ({@code initdb} + {@code postgres} of the Debian package) in a temporary data
 * directory on a free 127.0.0.1 port, trust authentication, user {@code postgres}, database {@code postgres}.
 * postgres refuses to run as root: under root the server runs as the {@code postgres} system user (or
 * {@code nobody}) through {@code runuser}, and is stopped through the pid in {@code postmaster.pid}.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path binDir;
    private final int port;
    private final String runAs;
    private Process process;

    private LocalPostgres(Path dir, Path binDir, int port, String runAs) {
        this.dir = dir;
        this.binDir = binDir;
        this.port = port;
        this.runAs = runAs;
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} holding initdb and postgres, or empty. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                    .max((a, b) -> Integer.compare(major(a), major(b)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Why {@link #launch()} cannot work here, or null when it can. */
    public static String unavailableReason() {
        if (binaries().isEmpty()) {
            return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres; bin/install-deps.sh installs it)";
        }
        if (isRoot() && LocalMariaDb.findBinary("runuser") == null) {
            return "running as root without runuser: postgres cannot be started";
        }
        return null;
    }

    public static LocalPostgres launch() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        try {
            Path dir = Files.createTempDirectory("sluice-postgres-");
            String runAs = null;
            if (isRoot()) {
                runAs = userExists("postgres") ? "postgres" : "nobody";
                UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
                Files.setOwner(dir, owner);
            }
            LocalPostgres pg = new LocalPostgres(dir, binaries().get(), FreePort.find(), runAs);
            pg.initdb();
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL data directory", e);
        }
    }

    public int port() {
        return port;
    }

    public String user() {
        return "postgres";
    }

    /** JDBC URL of database {@code postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), "");
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    private List<String> asUser(List<String> cmd) {
        if (runAs == null) {
            return cmd;
        }
        List<String> wrapped = new ArrayList<>(List.of(LocalMariaDb.findBinary("runuser"), "-u", runAs, "--"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    private void initdb() {
        List<String> cmd = asUser(List.of(binDir.resolve("initdb").toString(), "-D", dataDir().toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("initdb failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("initdb could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("initdb interrupted", e);
        }
    }

    /** Starts the server (again, after {@link #stop()} or {@link #kill()}) on the same port and data. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        // fsync off: test data, and the machine is shared; the socket goes to the data dir, not /var/run
        List<String> cmd = asUser(List.of(binDir.resolve("postgres").toString(), "-D", dataDir().toString(),
                "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "shared_buffers=32MB", "-c", "max_connections=40", "-c", "logging_collector=off"));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("postgres.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start postgres", e);
        }
        waitUntilReady();
        log.info("PostgreSQL test server on 127.0.0.1:{} (data in {})", port, dir);
    }

    private void waitUntilReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("postgres exited with " + process.exitValue() + ": " + logTail());
            }
            try (Connection c = connect()) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for postgres", e);
            }
        }
        throw new IllegalStateException("postgres did not accept connections within " + START_TIMEOUT + ": "
                + (last == null ? "" : last.getMessage()) + " " + logTail());
    }

    /** Fast shutdown (SIGINT to the postmaster): sessions are cut, the server stops cleanly. */
    public synchronized void stop() {
        signal(false);
    }

    /** SIGKILL to the postmaster: the next start runs crash recovery. */
    public synchronized void kill() {
        signal(true);
    }

    private void signal(boolean kill) {
        if (process == null || !process.isAlive()) {
            return;
        }
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        try {
            if (postmaster.isPresent()) {
                if (kill) {
                    postmaster.get().destroyForcibly();
                    // backends of a SIGKILLed postmaster exit on their own once they notice; the port frees then
                    postmaster.get().descendants().forEach(ProcessHandle::destroyForcibly);
                } else {
                    new ProcessBuilder("kill", "-INT", String.valueOf(postmaster.get().pid())).start().waitFor();
                }
            } else {
                process.destroy();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal postgres", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<Long> postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDir().resolve("postmaster.pid"));
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        stop();
        LocalMariaDb.deleteRecursively(dir);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("postgres.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String name) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
