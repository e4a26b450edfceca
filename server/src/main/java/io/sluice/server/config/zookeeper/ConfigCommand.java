package io.sluice.server.config.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import io.sluice.server.files.OwnerOnly;
import io.sluice.server.config.Secrets;
import io.sluice.server.ha.ZkAccess;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * {@code bin/config.sh push|pull|list|diff}: moves destinations' {@code instance.properties} between a local conf
 * directory and ZooKeeper ({@link ZkConfigStore}).
 *
 * <pre>
 *   config.sh [--zk host:port] push [dest...]   upload conf/&lt;dest&gt;/instance.properties (all destinations by default)
 *   config.sh [--zk host:port] pull [dest...]   download into conf/&lt;dest&gt;/instance.properties
 *   config.sh [--zk host:port] list             destinations in ZooKeeper with version and time
 *   config.sh [--zk host:port] diff [dest...]   local vs ZooKeeper, line by line; exit 1 when they differ
 * </pre>
 * {@code diff} prints the values of secret keys ({@link Secrets}) as {@code ****} unless {@code --show-secrets} is
 * given: a terminal, a scroll-back buffer or a CI log is no place for the master password. {@code pull} writes the
 * files owner-only (0600).
 * The conf directory is {@code SLUICE_CONF} (or {@code --conf}); ZooKeeper is {@code --zk}, else
 * {@code canal.zkServers} of its canal.properties.
 */
public final class ConfigCommand {

    private final ZkConfigStore store;
    private final Path confDir;
    private final PrintStream out;
    private final boolean showSecrets;

    public ConfigCommand(ZkConfigStore store, Path confDir, PrintStream out) {
        this(store, confDir, out, false);
    }

    public ConfigCommand(ZkConfigStore store, Path confDir, PrintStream out, boolean showSecrets) {
        this.store = store;
        this.confDir = confDir;
        this.out = out;
        this.showSecrets = showSecrets;
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String zkServers = option(rest, "--zk");
        String conf = option(rest, "--conf");
        boolean showSecrets = rest.remove("--show-secrets");
        Path confDir = Path.of(conf != null ? conf : System.getenv().getOrDefault("SLUICE_CONF", "conf"));
        if (zkServers == null) {
            zkServers = zkServersOf(confDir);
        }
        if (rest.isEmpty() || zkServers == null || zkServers.isBlank()) {
            System.err.println("usage: config.sh [--zk host:port] [--conf dir] [--show-secrets] push|pull|list|diff [destination...]"
                    + (zkServers == null || zkServers.isBlank() ? "\n(no ZooKeeper: pass --zk or set canal.zkServers in "
                    + confDir.resolve("canal.properties") + ")" : ""));
            System.exit(2);
        }
        try (CuratorFramework zk = zkIdentity(confDir).builder(zkServers).sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(200, 3)).build()) {
            zk.start();
            if (!zk.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
                System.err.println("cannot reach ZooKeeper at " + zkServers);
                System.exit(1);
            }
            int code;
            try {
                code = new ConfigCommand(new ZkConfigStore(zk), confDir, System.out, showSecrets)
                        .run(rest.get(0), rest.subList(1, rest.size()));
            } catch (org.apache.zookeeper.KeeperException.NoAuthException e) {
                System.err.println("ZooKeeper refused access to " + e.getPath() + ": use the servers' identity "
                        + "(sluice.zookeeper.digest in " + confDir.resolve("canal.properties") + ", or SLUICE_ZK_DIGEST)");
                code = 1;
            }
            System.exit(code);
        }
    }

    /** Runs one command; returns the process exit code. */
    public int run(String command, List<String> destinations) throws Exception {
        return switch (command) {
            case "push" -> push(destinations.isEmpty() ? localDestinations() : destinations);
            case "pull" -> pull(destinations.isEmpty() ? store.destinations() : destinations);
            case "list" -> list();
            case "diff" -> diff(destinations.isEmpty() ? union() : destinations);
            default -> {
                out.println("unknown command '" + command + "': use push, pull, list or diff");
                yield 2;
            }
        };
    }

    private int push(List<String> destinations) throws Exception {
        int failures = 0;
        for (String d : destinations) {
            Path file = instanceFile(d);
            if (!Files.isRegularFile(file)) {
                out.println(d + ": no " + file);
                failures++;
                continue;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            checkParses(file, text);
            int before = store.pull(d).map(ZkConfigStore.StoredConfig::version).orElse(-1);
            int version = store.push(d, text, -1);
            out.println(d + ": " + (version == before ? "unchanged at version " + version : "pushed as version " + version));
        }
        return failures == 0 ? 0 : 1;
    }

    private int pull(List<String> destinations) throws Exception {
        int failures = 0;
        for (String d : destinations) {
            Optional<ZkConfigStore.StoredConfig> stored = store.pull(d);
            if (stored.isEmpty()) {
                out.println(d + ": not in ZooKeeper");
                failures++;
                continue;
            }
            Path file = instanceFile(d);
            OwnerOnly.writeString(file, stored.get().text());
            out.println(d + ": pulled version " + stored.get().version() + " into " + file);
        }
        return failures == 0 ? 0 : 1;
    }

    private int list() throws Exception {
        List<String> names = store.destinations();
        if (names.isEmpty()) {
            out.println("no destinations in ZooKeeper under " + ZkConfigStore.ROOT);
            return 0;
        }
        out.printf("%-24s %8s  %-24s %s%n", "DESTINATION", "VERSION", "MODIFIED", "BYTES");
        for (String d : names) {
            Optional<ZkConfigStore.StoredConfig> c = store.pull(d);
            if (c.isPresent()) {
                out.printf("%-24s %8d  %-24s %d%n", d, c.get().version(), Instant.ofEpochMilli(c.get().modifiedMillis()),
                        c.get().text().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        return 0;
    }

    private int diff(List<String> destinations) throws Exception {
        boolean differs = false;
        for (String d : destinations) {
            Path file = instanceFile(d);
            String local = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
            Optional<ZkConfigStore.StoredConfig> remote = store.pull(d);
            if (local == null && remote.isEmpty()) {
                out.println(d + ": neither local nor in ZooKeeper");
                differs = true;
            } else if (local == null) {
                out.println(d + ": only in ZooKeeper (version " + remote.get().version() + ")");
                differs = true;
            } else if (remote.isEmpty()) {
                out.println(d + ": only local (" + file + ")");
                differs = true;
            } else if (local.equals(remote.get().text())) {
                out.println(d + ": same as ZooKeeper version " + remote.get().version());
            } else {
                differs = true;
                out.println("--- " + file);
                out.println("+++ zookeeper " + ZkConfigStore.path(d) + " version " + remote.get().version());
                LineDiff.of(local.lines().toList(), remote.get().text().lines().toList())
                        .forEach(line -> out.println(showSecrets ? line : line.charAt(0) + Secrets.maskLine(line.substring(1))));
            }
        }
        return differs ? 1 : 0;
    }

    private List<String> union() throws Exception {
        TreeSet<String> all = new TreeSet<>(localDestinations());
        all.addAll(store.destinations());
        return new ArrayList<>(all);
    }

    private List<String> localDestinations() throws IOException {
        if (!Files.isDirectory(confDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(confDir)) {
            return dirs.filter(p -> Files.isRegularFile(p.resolve("instance.properties")))
                    .map(p -> p.getFileName().toString()).filter(n -> !n.equals("spring")).sorted().toList();
        }
    }

    private Path instanceFile(String destination) {
        return confDir.resolve(destination).resolve("instance.properties");
    }

    private static void checkParses(Path file, String text) throws IOException {
        try {
            new Properties().load(new java.io.StringReader(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a properties file: " + e.getMessage(), e);
        }
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0 || i + 1 >= args.size()) {
            return null;
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }

    /**
     * The ZooKeeper identity of the servers ({@code sluice.zookeeper.digest}, {@code sluice.zookeeper.sasl.principal}
     * of canal.properties; {@code SLUICE_ZK_DIGEST} overrides the digest), so that pushed nodes get the servers' ACLs
     * and protected nodes can be read.
     */
    private static ZkAccess zkIdentity(Path confDir) {
        Properties p = new Properties();
        Path file = confDir.resolve("canal.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                // no identity from an unreadable file; ZooKeeper will say what is refused
            }
        }
        String env = System.getenv("SLUICE_ZK_DIGEST");
        String digest = env != null && !env.isBlank() ? env.trim() : p.getProperty("sluice.zookeeper.digest", "").trim();
        return ZkAccess.of(digest, p.getProperty("sluice.zookeeper.sasl.principal", "").trim());
    }

    private static String zkServersOf(Path confDir) {
        Path file = confDir.resolve("canal.properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        String zk = System.getenv("canal.zkServers");
        return zk != null && !zk.isBlank() ? zk.trim() : p.getProperty("canal.zkServers", "").trim();
    }
}
