package io.sluice.client.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in the test that breaks connections on demand: {@link #drop()} resets them, {@link #stall} stops
 * moving bytes (the sockets stay open, as behind a dead router), {@link #halfClose()} ends one direction only.
 * Plain blocking sockets, two threads per connection.
 */
final class FaultyProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean stalled;
    private volatile boolean closed;

    FaultyProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-" + target.getPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    /** Connections accepted so far: a new one after a fault means the far side noticed and reconnected. */
    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                accepted.incrementAndGet();
                Socket out = new Socket();
                try {
                    out.connect(target, 2000);
                } catch (IOException e) {
                    in.close();
                    continue;
                }
                Link link = new Link(in, out);
                links.add(link);
                pump(link, in, out);
                pump(link, out, in);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy to " + target + " failed", e);
                }
            }
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream input = from.getInputStream()) {
                OutputStream output = to.getOutputStream();
                int n;
                while ((n = input.read(buffer)) >= 0) {
                    while (stalled && !link.isClosed()) {
                        Thread.sleep(20);
                    }
                    output.write(buffer, 0, n);
                    output.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                link.close();
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Resets every open connection (RST, as a dropped route or a restarted NAT does). */
    void drop() {
        for (Link link : links) {
            link.reset();
        }
        links.clear();
    }

    /** Stops (true) or resumes (false) moving bytes; connections stay open. */
    void stall(boolean stall) {
        stalled = stall;
    }

    /**
     * Ends the direction back to the connecting side (it reads end-of-stream) on every open connection, while the
     * direction towards the target stays open. The reverse cut is not tested: a master's binlog dump thread never
     * reads from its socket, so a half-closed replica-to-master direction goes unnoticed and harms nothing.
     */
    void halfClose() {
        for (Link link : links) {
            try {
                link.in.shutdownOutput();
            } catch (IOException e) {
                link.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing: nothing waits on it any more
        }
        drop();
    }

    private static final class Link {
        final Socket in;
        final Socket out;

        Link(Socket in, Socket out) {
            this.in = in;
            this.out = out;
        }

        boolean isClosed() {
            return in.isClosed() || out.isClosed();
        }

        void reset() {
            try {
                in.setSoLinger(true, 0);
                out.setSoLinger(true, 0);
            } catch (SocketException e) {
                // already closed
            }
            close();
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // the other socket is still closed below
            }
            try {
                out.close();
            } catch (IOException e) {
                // both closed as far as they can be
            }
        }
    }
}
