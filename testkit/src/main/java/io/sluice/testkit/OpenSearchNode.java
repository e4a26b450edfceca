package io.sluice.testkit;

import java.nio.file.Path;
import java.util.List;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * The main of {@link LocalOpenSearch}'s child JVM: one OpenSearch node from Maven Central's jars, without the
 * distribution's bootstrap (no security manager, no plugin directory): the HTTP/transport module (netty4) and
 * the reindex module (_delete_by_query) are handed to the node as classpath plugins, as OpenSearch's own test
 * framework does. Single-node discovery, security off (there is no security plugin), bound to 127.0.0.1.
 * Args: home directory, HTTP port, transport port. Prints {@code STARTED} when the node is up.
 */
public final class OpenSearchNode {

    private OpenSearchNode() {
    }

    /** Node's constructor that takes classpath plugins is protected. */
    private static final class PluginNode extends Node {
        PluginNode(Settings settings, List<Class<? extends Plugin>> plugins) {
            super(new Environment(settings, null), plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "sluice-test")
                .put("node.name", "node-1")
                .put("discovery.type", "single-node")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("network.host", "127.0.0.1")
                .put("http.port", args[1])
                .put("transport.port", args[2])
                // a test machine's disk may be fuller than the default watermarks allow
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        Node node = new PluginNode(settings, List.of(Netty4Plugin.class, ReindexPlugin.class));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        node.start();
        System.out.println("STARTED");
        Thread.currentThread().join();
    }
}
