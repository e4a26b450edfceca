package io.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSearch 2.19 node for tests, from Maven Central's jars ({@code org.opensearch:opensearch},
 * {@code transport-netty4-client}, {@code reindex-client}), in a child JVM ({@link OpenSearchNode}) on free
 * 127.0.0.1 ports with its data in a temp dir. A child JVM so that its classpath (netty 4.1, Jackson 2.18,
 * Lucene) stays apart from the tests' and so that a test can stop it and start it again on the same ports and
 * data. The classpath comes from {@code opensearch-classpath.txt}, written by the testkit build.
 */
public final class LocalOpenSearch implements AutoCloseable {

    private final Path home;
    private final int httpPort;
    private final int transportPort;
    private final String classpath;
    private final List<String> jvmOptions;
    private Process process;

    private LocalOpenSearch(Path home, int httpPort, int transportPort, String classpath, List<String> jvmOptions) {
        this.home = home;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
        this.classpath = classpath;
        this.jvmOptions = jvmOptions;
    }

    /**
     * Starts a node sized for tests (a small heap, serial GC, C1 only: quick to start, slow to index); returns when
     * its cluster is green (or yellow) over HTTP.
     */
    public static LocalOpenSearch start() throws Exception {
        return start(List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    /** The same with these JVM options instead (a benchmark's heap and JIT). */
    public static LocalOpenSearch start(List<String> jvmOptions) throws Exception {
        LocalOpenSearch node = new LocalOpenSearch(Files.createTempDirectory("sluice-opensearch-"), FreePort.find(),
                FreePort.find(), classpath(), List.copyOf(jvmOptions));
        node.startProcess();
        return node;
    }

    private static String classpath() throws IOException, URISyntaxException {
        String own = Path.of(LocalOpenSearch.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        try (InputStream in = LocalOpenSearch.class.getResourceAsStream("opensearch-classpath.txt")) {
            if (in == null) {
                throw new IllegalStateException("opensearch-classpath.txt is missing from the testkit build");
            }
            return own + java.io.File.pathSeparator + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private void startProcess() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-Dopensearch.set.netty.runtime.available.processors=false");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(OpenSearchNode.class.getName());
        cmd.add(home.toString());
        cmd.add(String.valueOf(httpPort));
        cmd.add(String.valueOf(transportPort));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("process.out").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("OpenSearch exited with " + process.exitValue() + ": " + output());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("OpenSearch did not start within 120 s: " + output());
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s")
                    .toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(5000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int port() {
        return httpPort;
    }

    /** The node's console output (last 4,000 characters), for failure messages. */
    public String output() {
        try {
            Path out = home.resolve("process.out");
            String text = Files.exists(out) ? Files.readString(out) : "";
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Kills the node like a crash (SIGKILL), keeping its data. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the node (SIGTERM), keeping its data. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Starts it again on the same ports and data; returns when it answers. */
    public void restart() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
        startProcess();
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                stop();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
