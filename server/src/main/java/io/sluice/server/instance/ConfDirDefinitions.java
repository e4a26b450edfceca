package io.sluice.server.instance;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Destinations from canal's conf dir: {@code canal.destinations} plus, with auto-scan, its directories. */
final class ConfDirDefinitions implements DestinationDefinitions {

    private static final Logger LOG = LoggerFactory.getLogger(ConfDirDefinitions.class);

    private final ServerConfig server;
    private final ConfigLoader loader;

    ConfDirDefinitions(ServerConfig server, ConfigLoader loader) {
        this.server = server;
        this.loader = loader;
    }

    @Override
    public List<String> names() {
        return loader.destinations(server);
    }

    /** The content, not the mtime, so that two edits within the file system's time resolution are both seen. */
    @Override
    public Long fingerprint(String name) {
        Path file = server.instanceProperties(name);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(file));
            return crc.getValue();
        } catch (IOException e) {
            LOG.warn("{} cannot be read for the change check: {}", file, e.toString());
            return null;
        }
    }

    @Override
    public InstanceConfig load(String name) {
        return loader.loadInstance(server, name);
    }

    @Override
    public void watch(Runnable onChange) {
        // the registry's periodic scan (canal.auto.scan.interval) is the watch
    }

    @Override
    public String describe() {
        return server.confDir().toString();
    }

    @Override
    public void close() {
    }
}
