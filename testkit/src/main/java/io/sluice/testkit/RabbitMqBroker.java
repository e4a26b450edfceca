package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private RabbitMQ node for tests: the machine's {@code rabbitmq-server} (Debian package, installed by
 * {@code bin/install-deps.sh}) started on free ports with its data, logs, Erlang cookie and its own epmd in a
 * temp dir, so nothing is shared with a system node and nothing is left running.
 */
public final class RabbitMqBroker implements AutoCloseable {

    public static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

    private final Path dir;
    private final int port;
    private final int distPort;
    private final int epmdPort;
    private Process process;

    private RabbitMqBroker(Path dir, int port, int distPort, int epmdPort) {
        this.dir = dir;
        this.port = port;
        this.distPort = distPort;
        this.epmdPort = epmdPort;
    }

    public static boolean installed() {
        return Files.isExecutable(SERVER);
    }

    public static RabbitMqBroker start() throws Exception {
        Path dir = Files.createTempDirectory("sluice-rabbitmq-");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        RabbitMqBroker broker = new RabbitMqBroker(dir, FreePort.find(), FreePort.find(), FreePort.find());
        broker.startProcess();
        return broker;
    }

    private void startProcess() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("ERL_"));
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_NODENAME", "sluice" + port + "@localhost");
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", String.valueOf(port));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins-expand").toString());
        env.put("RABBITMQ_FEATURE_FLAGS_FILE", dir.resolve("feature_flags").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rabbitmq-server exited with " + process.exitValue() + ": " + output());
            }
            if (output().contains("Starting broker... completed") && accepts()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("rabbitmq-server did not start within 90 s: " + output());
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String output() {
        try {
            Path out = dir.resolve("server.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    public int port() {
        return port;
    }

    /** Kills the node like a crash (SIGKILL to the Erlang VM), keeping its data. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        while (accepts()) {
            Thread.sleep(100);
        }
    }

    public void restart() throws Exception {
        // a new process output file so that the start check sees this start's banner
        Files.deleteIfExists(dir.resolve("server.out"));
        startProcess();
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            // the node started its own epmd on a private port; stop it so that nothing outlives the test
            new ProcessBuilder("epmd", "-port", String.valueOf(epmdPort), "-kill").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + dir + ": " + e);
            }
        }
    }
}
