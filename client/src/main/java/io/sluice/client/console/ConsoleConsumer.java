package io.sluice.client.console;

import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.ServerErrorException;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import io.sluice.protocol.entry.CanalEntry;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bin/console.sh}: prints a destination's row changes, one line each.
 *
 * <p>By default it <em>peeks</em>: it subscribes with a client id of its own below 0, which Sluice serves as a
 * follower of the store. The store keeps entries for a peek only while it has room: when the parser needs space,
 * what the applications acked is freed whether the peek read it or not, so a peek that is slow, paused or gone can
 * never stall the destination (the peek then skips what was freed). A peek never touches an application's position
 * (its id cannot collide with canal's 1001 or any application id, which are positive) and ends with its connection;
 * it also unsubscribes at exit, Ctrl-C included. It starts at the oldest entry the store still holds.
 *
 * <p>{@code --ack} consumes instead, as {@code --client-id} (default 1001, canal's id): the server keeps its
 * position across restarts and it holds the store until it acks, like any application — and an application
 * running with the same id has its session taken over.
 *
 * <p>Options: {@code --host} (127.0.0.1), {@code --port} (11111), {@code --destination} (example), {@code --user},
 * {@code --password}, {@code --filter} (subscribe filter), {@code --batch} (1000), {@code --ack},
 * {@code --client-id} (a peek: random below 0; with --ack: 1001).
 */
public final class ConsoleConsumer {

    /** Peeks draw their id from here: below every id an application can use with canal's client. */
    static final int PEEK_ID_MIN = Short.MIN_VALUE;

    private static final int SUBSCRIBE_ATTEMPTS = 5;

    private final InetSocketAddress address;
    private final ConnectorSettings base;
    private final boolean ack;
    private final String filter;
    private final int batch;
    private final boolean randomId;
    private final PrintStream out;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile SluiceConnector connector;

    ConsoleConsumer(Map<String, String> opts, PrintStream out) {
        this.out = out;
        this.address = new InetSocketAddress(opts.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(opts.getOrDefault("port", "11111")));
        this.ack = opts.containsKey("ack");
        this.filter = opts.getOrDefault("filter", "");
        this.batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
        String id = opts.get("client-id");
        this.randomId = id == null && !ack;
        short clientId = id != null ? Short.parseShort(id) : ack ? ConnectorSettings.DEFAULT_CLIENT_ID : peekId();
        if (!ack && clientId >= 0) {
            throw new IllegalArgumentException("a peek uses a client id below 0 (got " + clientId
                    + "); to consume and ack as " + clientId + ", add --ack");
        }
        if (ack && clientId < 0) {
            throw new IllegalArgumentException("client ids below 0 are peeks, which hold nothing; --ack needs an"
                    + " application id (1001 is canal's)");
        }
        this.base = ConnectorSettings.of(opts.getOrDefault("destination", "example"))
                .withCredentials(opts.getOrDefault("user", ""), opts.getOrDefault("password", ""))
                .withClientId(clientId);
    }

    public static void main(String[] args) {
        Map<String, String> opts;
        ConsoleConsumer console;
        try {
            opts = options(args);
            console = new ConsoleConsumer(opts, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Ctrl-C or SIGTERM: let the loop end after its current fetch (at most 1 s) and unsubscribe
            console.stop();
            try {
                main.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            console.closeConnector();
        }, "console-shutdown"));
        try {
            console.run();
        } catch (RuntimeException e) {
            if (!console.stopping.get()) {
                System.err.println("console consumer stopped: " + e.getMessage());
                System.exit(1);
            }
        }
    }

    /** {@code --key value} pairs; {@code --ack} stands alone. */
    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("ack")) {
                opts.put(key, "true");
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return opts;
    }

    private static short peekId() {
        return (short) ThreadLocalRandom.current().nextInt(PEEK_ID_MIN, 0);
    }

    void stop() {
        stopping.set(true);
    }

    /** Prints until {@link #stop()}; a peek unsubscribes before returning. */
    void run() {
        subscribe();
        ConnectorSettings settings = connector.settings();
        out.println("-- " + (ack ? "consuming" : "peeking at") + " " + settings.destination() + " on "
                + address.getHostString() + ":" + address.getPort() + " as client id " + settings.clientId()
                + (ack ? " (acks: the server keeps this id's position)"
                : " (holds nothing back, acks nothing of the applications'; --ack to consume)") + "; Ctrl-C to stop");
        try {
            while (!stopping.get()) {
                Message message = connector.getWithoutAck(batch, 1, TimeUnit.SECONDS);
                for (CanalEntry.Entry entry : message.entries()) {
                    RowPrinter.lines(entry).forEach(out::println);
                }
                out.flush();
                if (!message.isEmpty()) {
                    // a peek acks its own batches only, so the server need not keep them for it; nothing is held
                    connector.ack(message);
                }
            }
        } finally {
            if (!ack) {
                unsubscribe();
            }
        }
    }

    /** Connects and subscribes; a peek whose random id is taken by another peek draws another. */
    private void subscribe() {
        ConnectorSettings settings = base;
        for (int attempt = 1; ; attempt++) {
            SluiceConnector c = new SluiceConnector(address, settings);
            connector = c;
            try {
                c.connect();
                c.subscribe(filter);
                return;
            } catch (ServerErrorException e) {
                c.close();
                if (!randomId || attempt >= SUBSCRIBE_ATTEMPTS || !e.serverMessage().contains("is in use")) {
                    throw e;
                }
                settings = settings.withClientId(peekId());
            }
        }
    }

    private void unsubscribe() {
        SluiceConnector c = connector;
        try {
            c.unsubscribe();
            out.println("-- unsubscribed peek client id " + c.settings().clientId());
        } catch (SluiceClientException e) {
            // the server forgets a peek with its connection anyway
            out.println("-- could not unsubscribe (" + e.getMessage() + "); the server drops the peek with its connection");
        } finally {
            out.flush();
            c.close();
        }
    }

    private void closeConnector() {
        SluiceConnector c = connector;
        if (c != null) {
            c.close();
        }
    }
}
