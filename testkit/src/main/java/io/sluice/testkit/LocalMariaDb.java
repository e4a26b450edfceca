package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private {@code mariadbd} in a temporary data directory on a free 127.0.0.1 port with its own socket, binary
 * log in ROW format with full row images. It never touches a MariaDB the machine may run on 3306.
 */
public final class LocalMariaDb implements TestDatabase {

    private static final Logger log = LoggerFactory.getLogger(LocalMariaDb.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private LocalMariaDb(Path dataDir, int port, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** True when {@code mariadbd} and {@code mariadb-install-db} are on this machine. */
    public static boolean available() {
        return findBinary("mariadbd") != null && findBinary("mariadb-install-db") != null;
    }

    /** Installs and starts a new server; extra {@code mariadbd} options may override the defaults. */
    public static LocalMariaDb launch(String... extraArgs) {
        try {
            Path dir = Files.createTempDirectory("sluice-mariadb-");
            LocalMariaDb db = new LocalMariaDb(dir, FreePort.find(), List.of(extraArgs));
            db.install();
            db.start();
            db.bootstrapUsers();
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a MariaDB data directory", e);
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String flavor() {
        return "MariaDB";
    }

    public Path dataDir() {
        return dataDir.resolve("data");
    }

    public Path socket() {
        return dataDir.resolve("mysqld.sock");
    }

    private void install() {
        List<String> cmd = List.of(findBinary("mariadb-install-db"), "--no-defaults",
                "--datadir=" + dataDir(), "--auth-root-authentication-method=normal",
                "--skip-test-db", "--user=" + System.getProperty("user.name"));
        run(cmd, "mariadb-install-db");
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(findBinary("mariadbd"), "--no-defaults",
                "--datadir=" + dataDir(), "--socket=" + socket(), "--port=" + port, "--bind-address=127.0.0.1",
                "--pid-file=" + dataDir.resolve("mysqld.pid"), "--log-error=" + dataDir.resolve("error.log"),
                "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
                "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M",
                "--max-allowed-packet=256M", "--user=" + System.getProperty("user.name")));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mariadbd", e);
        }
        waitUntilReady();
        log.info("MariaDB test server on {} (data in {})", address(), dataDir);
    }

    private void waitUntilReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + process.exitValue() + ": " + errorLogTail());
            }
            try (Connection c = socketConnection()) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException("mariadbd did not accept connections within " + START_TIMEOUT + ": "
                + (last == null ? "" : last.getMessage()) + " " + errorLogTail());
    }

    private Connection socketConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket(), "root", "");
    }

    private void bootstrapUsers() {
        try (Connection c = socketConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ''");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
            s.execute("CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'");
            s.execute("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + REPLICATION_USER + "'@'%'");
            s.execute("FLUSH PRIVILEGES");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test users: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM: mariadbd shuts down cleanly
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dataDir);
    }

    private String errorLogTail() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("error.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no error log)";
        }
    }

    private static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(what + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    static String findBinary(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mariadbd", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
