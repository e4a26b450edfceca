package io.sluice.client.sync;

import io.sluice.client.ConnectorSettings;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The keys every sync consumer (Redis, table, search) reads the same way:
 * <pre>
 * sluice.address=127.0.0.1:11111        # the Sluice (or canal) server; optional with sluice.zkServers
 * sluice.zkServers=zk1:2181,zk2:2181    # optional: find the active server through ZooKeeper, and run as one of
 *                                       # several copies of which one is active (canal's client running node)
 * sluice.destination=example
 * sluice.username= / sluice.password=   # canal.user / plain password, when the server checks them
 * sluice.client.id=1001
 * sluice.batch.size=1000                # entries per GET
 * sync.retry.backoff.ms=500 / sync.retry.backoff.max.ms=30000
 * sync.progress.seconds=10              # one progress line every N seconds; 0: none
 * sync.metrics.port=                    # Prometheus metrics on http://0.0.0.0:PORT/metrics; empty: not served
 * sync.metrics.host=0.0.0.0
 * </pre>
 * {@code metricsPort} 0 means no metrics endpoint.
 */
public record SyncSettings(InetSocketAddress server, ConnectorSettings connector, int batchSize, String zkServers,
                           Duration retryBackoff, Duration retryBackoffMax, Duration progressInterval,
                           String metricsHost, int metricsPort) {

    /** Reads the shared keys; a missing or wrong one is reported through {@code props}' exception factory. */
    public static SyncSettings fromProperties(SyncProperties props) {
        String zkServers = props.value("sluice.zkServers", "");
        InetSocketAddress server = null;
        if (zkServers.isEmpty() || !props.value("sluice.address", "").isEmpty()) {
            String address = props.required("sluice.address");
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw props.problem("sluice.address", address, "is not host:port");
            }
            server = InetSocketAddress.createUnresolved(address.substring(0, colon),
                    props.integer("sluice.address", address.substring(colon + 1), 1, 65535));
        }
        String password = props.value("sluice.password", "");
        ConnectorSettings connector = ConnectorSettings.of(props.required("sluice.destination"))
                .withCredentials(props.value("sluice.username", ""), password.isEmpty() ? null : password)
                .withClientId((short) props.integer("sluice.client.id", props.value("sluice.client.id", "1001"), 1,
                        Short.MAX_VALUE));
        String metricsPort = props.value("sync.metrics.port", "");
        return new SyncSettings(server, connector,
                props.integer("sluice.batch.size", props.value("sluice.batch.size", "1000"), 1, Integer.MAX_VALUE),
                zkServers,
                Duration.ofMillis(props.integer("sync.retry.backoff.ms", props.value("sync.retry.backoff.ms", "500"), 1,
                        Integer.MAX_VALUE)),
                Duration.ofMillis(props.integer("sync.retry.backoff.max.ms",
                        props.value("sync.retry.backoff.max.ms", "30000"), 1, Integer.MAX_VALUE)),
                Duration.ofSeconds(props.integer("sync.progress.seconds", props.value("sync.progress.seconds", "10"), 0,
                        86400)),
                props.value("sync.metrics.host", "0.0.0.0"),
                metricsPort.isEmpty() ? 0 : props.integer("sync.metrics.port", metricsPort, 1, 65535));
    }

    public boolean hasZooKeeper() {
        return !zkServers.isEmpty();
    }

    /** For log lines: the server address, or the ZooKeeper ensemble it is found through. */
    public String serverName() {
        return server != null ? server.getHostString() + ":" + server.getPort()
                : "(active server of " + connector.destination() + " in ZooKeeper " + zkServers + ")";
    }

    /** canal's subscribe filter for {@code schema.table} names: escaped, anchored names, comma-separated. */
    public static String subscribeFilter(Iterable<String[]> schemaAndTable) {
        StringBuilder b = new StringBuilder();
        for (String[] t : schemaAndTable) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(t[0].replace(".", "\\.")).append("\\.").append(t[1].replace(".", "\\."));
        }
        return b.toString();
    }
}
