package io.sluice.client.reliability;

import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Sluice server ({@code io.sluice.server.SluiceServer}) in a child JVM with one destination reading a
 * private MariaDB, on a fixed client port so that it can be killed and started again where the client expects it.
 * Every start logs to its own file, so waiting for {@code SLUICE_READY} sees only that start.
 */
final class SluiceProcess implements AutoCloseable {

    static final String DESTINATION = "example";

    private final Path home;
    private final int port = FreePort.find();
    private final List<String> jvmArgs;
    private ChildJvm jvm;
    private int starts;

    private SluiceProcess(Path home, List<String> jvmArgs) {
        this.home = home;
        this.jvmArgs = jvmArgs;
    }

    /**
     * A conf dir for a destination reading {@code db} from its current master position, table filter
     * {@code tableRegex}, acks persisted every {@code flushPeriodMs} ms (0 = at every ack).
     */
    static SluiceProcess configure(Path home, TestDatabase db, String tableRegex, long flushPeriodMs,
                                   List<String> jvmArgs, Map<String, String> extraInstance) {
        Map<String, String> instance = new LinkedHashMap<>(source(db, tableRegex));
        instance.putAll(extraInstance);
        return configure(home, flushPeriodMs, jvmArgs, Map.of(DESTINATION, instance));
    }

    /** Instance keys reading {@code db} from its current master position with a table filter. */
    static Map<String, String> source(TestDatabase db, String tableRegex) {
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("canal.instance.master.address", db.address());
        keys.put("canal.instance.master.journal.name", start.file());
        keys.put("canal.instance.master.position", String.valueOf(start.position()));
        keys.put("canal.instance.dbUsername", "canal");
        keys.put("canal.instance.dbPassword", "canal");
        keys.put("canal.instance.filter.regex", tableRegex);
        return keys;
    }

    /** A conf dir with these destinations (name → instance.properties keys). */
    static SluiceProcess configure(Path home, long flushPeriodMs, List<String> jvmArgs,
                                   Map<String, Map<String, String>> destinations) {
        return configure(home, flushPeriodMs, jvmArgs, destinations, 0);
    }

    /** The bearer token of the admin endpoints ({@code /status}) of every server configured here. */
    static final String ADMIN_TOKEN = "reliability-test-token";

    /** As above, with the status endpoint ({@code /metrics}, {@code /status}) on {@code statusPort} (0 = none). */
    static SluiceProcess configure(Path home, long flushPeriodMs, List<String> jvmArgs,
                                   Map<String, Map<String, String>> destinations, int statusPort) {
        Path conf = home.resolve("conf");
        try {
            SluiceProcess process = new SluiceProcess(home, jvmArgs);
            Files.createDirectories(conf);
            Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                    "canal.ip = 127.0.0.1",
                    "canal.port = " + process.port,
                    "canal.metrics.pull.port = " + statusPort,
                    "canal.serverMode = tcp",
                    "canal.file.data.dir = " + home.resolve("data"),
                    "canal.file.flush.period = " + flushPeriodMs,
                    "canal.destinations = " + String.join(",", destinations.keySet()),
                    "canal.auto.scan = false",
                    "sluice.admin.token = " + ADMIN_TOKEN,
                    ""));
            for (Map.Entry<String, Map<String, String>> d : destinations.entrySet()) {
                StringBuilder text = new StringBuilder();
                d.getValue().forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
                Files.createDirectories(conf.resolve(d.getKey()));
                Files.writeString(conf.resolve(d.getKey()).resolve("instance.properties"), text.toString());
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path conf() {
        return home.resolve("conf");
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Starts the server and waits until it listens. */
    void start() {
        starts++;
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-Dsluice.conf=" + conf());
        args.add("-Dsluice.logs=" + home.resolve("logs"));
        jvm = ChildJvm.start("sluice-" + starts, "io.sluice.server.SluiceServer", ChildJvm.currentClasspath(), args,
                List.of(), Map.of(), home.resolve("logs").resolve("run-" + starts + ".log"));
        jvm.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() {
        jvm.kill();
    }

    /** SIGTERM, as {@code bin/stop.sh} sends; returns the exit code. */
    int stop() {
        return jvm.stop(Duration.ofSeconds(30));
    }

    boolean isAlive() {
        return jvm != null && jvm.isAlive();
    }

    String tail() {
        return jvm == null ? "" : jvm.tail(60);
    }

    String log() {
        return jvm == null ? "" : jvm.output();
    }

    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        }
    }
}
