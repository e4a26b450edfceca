package io.sluice.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sluice server in a child JVM. These tests run canal's client on protobuf-java 3, the server needs 4, so they
 * cannot share a JVM. The classpath is the server module's build output: {@code target/classes},
 * {@code target/test-classes} (test mains) and {@code target/runtime-classpath.txt} (its runtime dependencies),
 * found through the system property {@code sluice.server.target}. The child prints {@code SLUICE_READY port=<p>}
 * once it listens; its output is kept (and copied to {@code target/<name>.log}) for assertions and diagnosis.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("SLUICE_READY port=(\\d+)(?: transport=(\\w+))?");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final PrintWriter commands;
    private final int port;
    private final String transport;
    private final Thread pump;

    private ServerProcess(Process process, String name) throws IOException, InterruptedException {
        this.process = process;
        this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                true);
        Path log = Paths.get("target", name + ".log");
        Files.createDirectories(log.getParent());
        Writer logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        pump = new Thread(() -> pump(logFile), "child-output-" + name);
        pump.setDaemon(true);
        pump.start();
        String ready = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ready == null) {
            String line = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || !process.isAlive() && line.isEmpty()) {
                process.destroyForcibly();
                throw new IOException("server child did not become ready; its output:\n" + String.join("\n", output));
            }
            if (READY.matcher(line).find()) {
                ready = line;
            }
        }
        Matcher m = READY.matcher(ready);
        m.find();
        this.port = Integer.parseInt(m.group(1));
        this.transport = m.group(2);
    }

    /** Starts {@code mainClass} from the server module with {@code jvmArgs} and {@code args}. */
    static ServerProcess start(String name, String mainClass, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(serverClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ServerProcess(process, name);
    }

    private static String serverClasspath() throws IOException {
        String target = System.getProperty("sluice.server.target");
        if (target == null) {
            throw new IllegalStateException("system property sluice.server.target is not set (see compat/pom.xml)");
        }
        Path dir = Paths.get(target);
        Path dependencies = dir.resolve("runtime-classpath.txt");
        for (Path needed : List.of(dir.resolve("classes"), dir.resolve("test-classes"), dependencies)) {
            if (!Files.exists(needed)) {
                throw new IllegalStateException(needed + " is missing: build the server module first, e.g. "
                        + "mvn -B test -pl compat -am");
            }
        }
        String libs = Files.readString(dependencies, StandardCharsets.UTF_8).strip();
        return dir.resolve("classes") + java.io.File.pathSeparator + dir.resolve("test-classes")
                + java.io.File.pathSeparator + libs;
    }

    private void pump(Writer logFile) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); logFile) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                replies.add(line);
                logFile.write(line);
                logFile.write('\n');
                logFile.flush();
            }
        } catch (IOException e) {
            output.add("(output of the child unreadable: " + e + ")");
        } finally {
            replies.add("");
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    String transport() {
        return transport;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    /** Sends a command to the child and returns the first output line starting with {@code replyPrefix}. */
    String ask(String command, String replyPrefix) throws InterruptedException {
        replies.clear();
        commands.println(command);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String line = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("no reply to '" + command + "' from the server child");
            }
            if (line.startsWith(replyPrefix)) {
                return line;
            }
        }
    }

    /** SIGKILL, as a crash: nothing is flushed, ZooKeeper notices only when the session expires. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as {@code bin/stop.sh} sends: the server's shutdown hook runs; SIGKILL only after the timeout. */
    void terminate(java.time.Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        pump.join(10_000); // the last lines (the shutdown hook's) are read after the process is gone
    }

    /**
     * Test mains stop on "stop" from stdin; the real {@code SluiceServer} ignores stdin and stops on SIGTERM, so
     * that follows when the child is still there.
     */
    @Override
    public void close() throws InterruptedException {
        commands.println("stop");
        commands.close();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
