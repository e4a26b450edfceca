package io.sluice.server.net.testing;

import io.sluice.server.instance.Destination;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sluice's network server in a process of its own, serving fixed {@link SampleEntries}: for the compatibility tests
 * (which run canal's client on protobuf 3 and so cannot load the server into their JVM) until the real server main
 * with a MariaDB-fed instance takes its place.
 *
 * <p>Arguments: {@code --port P} (0 = any), {@code --user U --passwd HASH}, {@code --transactions N},
 * {@code --rows R}, {@code --no-quickack}, {@code --nio}, {@code --wide-rows N} (instead of transactions: N
 * bench-shaped rows, 20 per entry). Every destination whose name starts with
 * {@code example} exists, each with its own fresh copy of the entries; other names are unknown. Prints
 * {@code SLUICE_READY port=<p> transport=<t>} once listening. Reads commands on stdin: {@code heap} prints
 * {@code HEAP used=<bytes> connections=<n>} after a GC; end of input or {@code stop} stops the server.
 */
public final class FixedEntriesServer {

    private FixedEntriesServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        String user = "";
        String passwd = "";
        int transactions = 100;
        int rows = 2;
        boolean quickAck = true;
        boolean nativeTransport = true;
        int wideRows = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--user" -> user = args[++i];
                case "--passwd" -> passwd = args[++i];
                case "--transactions" -> transactions = Integer.parseInt(args[++i]);
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--no-quickack" -> quickAck = false;
                case "--nio" -> nativeTransport = false;
                case "--wide-rows" -> wideRows = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int count = transactions;
        int perTransaction = rows;
        int wide = wideRows;
        Map<String, Destination> destinations = new ConcurrentHashMap<>();
        NetServerSettings settings = NetServerSettings.open("127.0.0.1", port).withCredentials(user, passwd)
                .withQuickAck(quickAck).withNativeTransport(nativeTransport);
        NetServer server = new NetServer(settings, name -> name.startsWith("example")
                ? Optional.of(destinations.computeIfAbsent(name,
                        n -> new ListDestination(n, wide > 0 ? SampleEntries.wide(wide / 20, 20)
                                : SampleEntries.transactions(count, perTransaction))))
                : Optional.empty());
        server.start();
        System.out.println("SLUICE_READY port=" + server.localAddress().getPort() + " transport="
                + server.transportName());
        System.out.flush();
        try (BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = commands.readLine()) != null && !line.equals("stop"); ) {
                if (line.equals("heap")) {
                    System.gc();
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    System.out.println("HEAP used=" + used + " connections=" + server.connectionCount());
                    System.out.flush();
                }
            }
        } finally {
            server.stop();
        }
    }
}
