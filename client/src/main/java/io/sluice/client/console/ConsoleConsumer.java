package io.sluice.client.console;

import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceConnector;
import io.sluice.protocol.entry.CanalEntry;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bin/console.sh}: prints a destination's row changes, one line each, acknowledging as it goes.
 * Options: {@code --host} (127.0.0.1), {@code --port} (11111), {@code --destination} (example), {@code --user},
 * {@code --password}, {@code --filter} (subscribe filter), {@code --batch} (1000), {@code --client-id} (1001).
 */
public final class ConsoleConsumer {

    private ConsoleConsumer() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                System.err.println("unexpected argument " + args[i]);
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        String host = opts.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(opts.getOrDefault("port", "11111"));
        ConnectorSettings settings = ConnectorSettings.of(opts.getOrDefault("destination", "example"))
                .withCredentials(opts.getOrDefault("user", ""), opts.getOrDefault("password", ""))
                .withClientId(Short.parseShort(opts.getOrDefault("client-id", "1001")));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
        SluiceConnector connector = new SluiceConnector(new InetSocketAddress(host, port), settings);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            main.interrupt();
            connector.close();
        }, "console-shutdown"));
        try {
            connector.connect();
            connector.subscribe(opts.getOrDefault("filter", ""));
            System.out.println("-- consuming " + settings.destination() + " from " + host + ":" + port + " (Ctrl-C to stop)");
            while (!stopping.get()) {
                Message message = connector.getWithoutAck(batch, 1, TimeUnit.SECONDS);
                for (CanalEntry.Entry entry : message.entries()) {
                    RowPrinter.lines(entry).forEach(System.out::println);
                }
                System.out.flush();
                if (!message.isEmpty()) {
                    connector.ack(message);
                }
            }
        } catch (RuntimeException e) {
            if (!stopping.get()) {
                System.err.println("console consumer stopped: " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
