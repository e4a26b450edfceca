package io.sluice.client;

import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real server in the test JVM with one destination reading the private MariaDB from its current position, with
 * its client port and status port (/status, /metrics, /clients) on free ports.
 */
public final class LocalSluice implements AutoCloseable {

    /** The admin token of the status port (sluice.admin.token) every LocalSluice is started with. */
    public static final String ADMIN_TOKEN = "local-sluice-admin-token";

    private final SluiceServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalSluice(SluiceServer server) {
        this.server = server;
    }

    /**
     * @param serverKeys   extra canal.properties keys
     * @param instanceKeys extra instance.properties keys (e.g. a small store)
     */
    public static LocalSluice start(Path home, TestDatabase db, String destination, String tableRegex,
                                    Map<String, String> serverKeys, Map<String, String> instanceKeys) throws Exception {
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        Map<String, String> server = new LinkedHashMap<>();
        server.put("canal.ip", "127.0.0.1");
        server.put("canal.port", String.valueOf(FreePort.find()));
        server.put("canal.metrics.pull.port", String.valueOf(FreePort.find()));
        server.put("canal.destinations", destination);
        server.put("canal.auto.scan", "false");
        server.put("canal.file.data.dir", home.resolve("data").toString());
        server.put("sluice.warmup", "false");
        server.put("sluice.admin.token", ADMIN_TOKEN);
        server.putAll(serverKeys);
        Map<String, String> instance = new LinkedHashMap<>();
        instance.put("canal.instance.master.address", db.address());
        instance.put("canal.instance.master.journal.name", start.file());
        instance.put("canal.instance.master.position", String.valueOf(start.position()));
        instance.put("canal.instance.dbUsername", "canal");
        instance.put("canal.instance.dbPassword", "canal");
        instance.put("canal.instance.filter.regex", tableRegex);
        instance.putAll(instanceKeys);
        Path conf = home.resolve("conf");
        Files.createDirectories(conf.resolve(destination));
        Files.writeString(conf.resolve("canal.properties"), properties(server));
        Files.writeString(conf.resolve(destination).resolve("instance.properties"), properties(instance));
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        SluiceServer s = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null);
        try {
            s.start();
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return new LocalSluice(s);
    }

    private static String properties(Map<String, String> keys) {
        StringBuilder text = new StringBuilder();
        keys.forEach((k, v) -> text.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
        return text.toString();
    }

    public InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", server.clientPort());
    }

    /** {@code http://127.0.0.1:<status port>}, what bin/clients.sh and bin/status.sh talk to. */
    public String statusBase() {
        return "http://127.0.0.1:" + server.statusPort();
    }

    public String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(statusBase() + path))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        server.close();
    }
}
