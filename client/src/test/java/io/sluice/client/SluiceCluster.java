package io.sluice.client;

import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * A ZooKeeper ensemble of three in-process nodes and Sluice servers as child JVMs (the real
 * {@code io.sluice.server.SluiceServer}), all configured alike for one destination with ZooKeeper meta, as ops
 * run them for HA. Each server has a fixed client port so that it can be killed and started again at the same
 * address (its {@code /otter/canal/cluster/<ip:port>} identity).
 */
final class SluiceCluster implements AutoCloseable {

    static final String DEST = "example";
    /** ZooKeeper grants sessions of 2 to 20 ticks; 500 ms ticks allow the 2 s sessions the servers ask for. */
    static final int TICK_MILLIS = 500;
    /** The servers' sluice.zookeeper.session.timeout.ms; {@code -Dsluice.ha.session.ms=4000} measures the default. */
    static final int SESSION_MILLIS = Integer.getInteger("sluice.ha.session.ms", 2000);

    final TestingCluster zookeeper;
    final CuratorFramework zk;
    final List<Server> servers = new ArrayList<>();
    /** JVM options every server starts with besides the defaults (set before starting them). */
    List<String> extraJvmArgs = List.of();
    private final Path dir;

    /** One server: its conf dir, fixed ports and, while started, its JVM. */
    final class Server {
        final String name;
        final int port = FreePort.find();
        final Path conf;
        final Path logs;
        ChildJvm jvm;
        int starts;

        Server(String name, Path conf) {
            this.name = name;
            this.conf = conf;
            this.logs = conf.resolveSibling(name + "-logs");
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        InetSocketAddress socketAddress() {
            return new InetSocketAddress("127.0.0.1", port);
        }

        void start() {
            starts++;
            Path log = Path.of("target", "ha", name + "-" + starts + ".log");
            try {
                // ChildJvm appends: a log left by an earlier run would answer awaitLog("SLUICE_READY") at once
                Files.deleteIfExists(log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            List<String> args = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-Dsluice.conf=" + conf, "-Dsluice.logs=" + logs));
            args.addAll(extraJvmArgs);
            jvm = ChildJvm.start(name, "io.sluice.server.SluiceServer", ChildJvm.currentClasspath(), args,
                    List.of(), Map.of(), log);
            jvm.awaitLog("SLUICE_READY", Duration.ofSeconds(90));
        }

        void kill() {
            jvm.kill();
        }

        boolean isAlive() {
            return jvm != null && jvm.isAlive();
        }

        /** SIGSTOP / SIGCONT: a process that stops answering, as in a long GC pause or a frozen VM. */
        void pause(boolean paused) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(jvm.pid()))
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("kill " + (paused ? "-STOP " : "-CONT ") + jvm.pid() + " failed");
            }
        }
    }

    SluiceCluster(Path dir, TestDatabase db, int serverCount, String extraServerProperties) throws Exception {
        this(dir, db, serverCount, extraServerProperties, List.of(DEST));
    }

    SluiceCluster(Path dir, TestDatabase db, int serverCount, String extraServerProperties, List<String> destinations)
            throws Exception {
        this.dir = dir;
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(Files.createDirectories(dir.resolve("zk" + id)).toFile(),
                    InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(), true,
                    id, TICK_MILLIS, 100));
        }
        zookeeper = new TestingCluster(specs);
        zookeeper.start();
        zk = CuratorFrameworkFactory.builder().connectString(zookeeper.getConnectString())
                .sessionTimeoutMs(10_000).retryPolicy(new RetryNTimes(Integer.MAX_VALUE, 200)).build();
        zk.start();
        zk.blockUntilConnected();
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        for (int i = 1; i <= serverCount; i++) {
            Path conf = Files.createDirectories(dir.resolve("server" + i + "/conf"));
            Server server = new Server("server" + i, conf);
            Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                    "canal.ip = 127.0.0.1",
                    "canal.register.ip = 127.0.0.1",
                    "canal.port = " + server.port,
                    "canal.metrics.pull.port = 0",
                    "canal.zkServers = " + zookeeper.getConnectString(),
                    "canal.zookeeper.flush.period = 1000", // canal's default; under HA acks are written at once
                    "canal.destinations = " + String.join(",", destinations),
                    "canal.auto.scan = false",
                    "canal.file.data.dir = " + conf.resolveSibling("data"),
                    "canal.instance.global.spring.xml = classpath:spring/default-instance.xml",
                    "sluice.zookeeper.session.timeout.ms = " + SESSION_MILLIS,
                    extraServerProperties, ""), StandardCharsets.UTF_8);
            for (String destination : destinations) {
                Path instance = Files.createDirectories(conf.resolve(destination));
                Files.writeString(instance.resolve("instance.properties"), String.join("\n",
                        "canal.instance.master.address = " + db.address(),
                        "canal.instance.dbUsername = canal",
                        "canal.instance.dbPassword = canal",
                        "canal.instance.master.journal.name = " + start.file(),
                        "canal.instance.master.position = " + start.position(),
                        "canal.instance.filter.regex = ha\\\\..*",
                        ""), StandardCharsets.UTF_8);
            }
            servers.add(server);
        }
    }

    String connectString() {
        return zookeeper.getConnectString();
    }

    void startAll() {
        servers.forEach(Server::start);
    }

    /** The server the destination's running node names, if there is one now. */
    Optional<Server> active() {
        return active(DEST);
    }

    Optional<Server> active(String destination) {
        try {
            byte[] data = zk.getData().forPath("/otter/canal/destinations/" + destination + "/running");
            String json = new String(data, StandardCharsets.UTF_8);
            return servers.stream().filter(s -> json.contains("\"" + s.address() + "\"")).findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        for (Server s : servers) {
            if (s.isAlive()) {
                try {
                    s.pause(false); // a paused JVM would not react to SIGTERM
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.jvm.close();
            }
        }
        zk.close();
        zookeeper.close();
    }
}
