package io.sluice.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings each destination's meta.dat and schema history from where an earlier Sluice kept them to where canal
 * keeps them. Earlier versions did not replace placeholders, so canal's shipped
 * {@code canal.file.data.dir = ${canal.conf.dir}} put them under a folder literally named
 * {@code ${canal.conf.dir}}, and relative directories were taken from the directory of canal.properties, not
 * from canal's {@code bin/}. Moving the files (once, with one WARN per destination) keeps an upgraded server
 * resuming where it stopped.
 *
 * <p>Where both places hold a meta.dat (typically canal's own, and the one an earlier Sluice started afresh
 * next to it), either choice would skip or repeat changes, so the server does not start and says which files
 * to keep.
 */
public final class EarlierDataDir {

    private static final Logger LOG = LoggerFactory.getLogger(EarlierDataDir.class);
    private static final String META = "meta.dat";

    private EarlierDataDir() {
    }

    /**
     * Moves the meta and schema-history files of every destination folder of {@code earlier} into the same
     * folder under {@code dataDir}. Nothing happens when {@code earlier} is null, the same as dataDir, or
     * absent.
     *
     * @throws ConfigException when a destination has a meta.dat in both places
     */
    public static void adopt(Path earlier, Path dataDir) {
        if (earlier == null || earlier.equals(dataDir) || !Files.isDirectory(earlier)) {
            return;
        }
        List<Path> destinations;
        try (Stream<Path> dirs = Files.list(earlier)) {
            destinations = dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(earlier, "cannot be listed: " + e.getMessage(), e);
        }
        for (Path from : destinations) {
            List<Path> files = ownFiles(from);
            if (files.isEmpty()) {
                continue;
            }
            Path to = dataDir.resolve(from.getFileName().toString());
            if (Files.exists(from.resolve(META)) && Files.exists(to.resolve(META))) {
                throw new ConfigException(to.resolve(META), "exists, and so does " + from.resolve(META)
                        + " (written by an earlier Sluice, which did not resolve canal.file.data.dir as canal does);"
                        + " resuming from either could skip or repeat changes. Keep the one to resume from at "
                        + to.resolve(META) + " and remove the other with its " + META + ".bak", null);
            }
            move(from, to, files);
        }
    }

    /** meta.dat, its backup and schema histories: never instance.properties or anything else found there. */
    private static List<Path> ownFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.equals(META) || n.equals(META + ".bak") || n.endsWith(".schema-history.json");
            }).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(dir, "cannot be listed: " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to, List<Path> files) {
        List<String> moved = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try {
            Files.createDirectories(to);
            for (Path f : files) {
                Path target = to.resolve(f.getFileName());
                if (Files.exists(target)) {
                    kept.add(f.getFileName().toString());
                    continue;
                }
                Files.move(f, target);
                moved.add(f.getFileName().toString());
            }
        } catch (IOException e) {
            throw new ConfigException(from, "cannot be moved to " + to + ": " + e.getMessage(), e);
        }
        try {
            Files.deleteIfExists(from);
        } catch (IOException e) {
            // not empty: something else lives there and stays
        }
        LOG.warn("moved {} from {} to {}, where canal keeps them (an earlier Sluice put them in the wrong place){}",
                moved, from, to, kept.isEmpty() ? "" : "; left " + kept + " in place: " + to + " has its own");
    }
}
