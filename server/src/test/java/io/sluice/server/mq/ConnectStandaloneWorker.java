package io.sluice.server.mq;

import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka Connect worker in standalone mode, as {@code bin/connect-standalone.sh worker.properties
 * connector.properties} of the Kafka distribution runs it ({@code org.apache.kafka.connect.cli.ConnectStandalone}),
 * in a child JVM on the test classpath, which holds connect-runtime of the broker's Kafka version and the
 * connector's jars. Offsets go to a file in a temporary directory; the REST API listens on a free loopback port.
 */
final class ConnectStandaloneWorker implements AutoCloseable {

    private final Path dir;
    private final ChildJvm jvm;

    private ConnectStandaloneWorker(Path dir, ChildJvm jvm) {
        this.dir = dir;
        this.jvm = jvm;
    }

    /** Starts the worker with one connector, logging to {@code log}; returns once the worker has created it. */
    static ConnectStandaloneWorker start(String bootstrap, Map<String, String> connector, Path log) throws IOException {
        Path dir = Files.createTempDirectory("sluice-connect-");
        Files.deleteIfExists(log);
        Properties worker = new Properties();
        worker.setProperty("bootstrap.servers", bootstrap);
        worker.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.setProperty("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.setProperty("offset.flush.interval.ms", "1000");
        worker.setProperty("listeners", "http://127.0.0.1:" + FreePort.find());
        // the connectors on the classpath are found through their META-INF/services entries, no scan of every jar
        worker.setProperty("plugin.discovery", "service_load");
        Path workerFile = write(dir.resolve("worker.properties"), worker);
        Properties c = new Properties();
        c.putAll(connector);
        Path connectorFile = write(dir.resolve("connector.properties"), c);
        ChildJvm jvm = ChildJvm.start("connect-standalone", "org.apache.kafka.connect.cli.ConnectStandalone",
                ChildJvm.currentClasspath(), List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                List.of(workerFile.toString(), connectorFile.toString()), Map.of(), log);
        ConnectStandaloneWorker w = new ConnectStandaloneWorker(dir, jvm);
        try {
            jvm.awaitLog("Created connector " + connector.get("name"), Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private static Path write(Path file, Properties p) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        return file;
    }

    String log() {
        return jvm.output();
    }

    String tail(int lines) {
        return jvm.tail(lines);
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    @Override
    public void close() {
        jvm.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
