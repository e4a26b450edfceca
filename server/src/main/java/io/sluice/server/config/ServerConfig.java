package io.sluice.server.config;

import io.sluice.server.meta.MetaMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The server-wide settings of {@code canal.properties} (CANAL-PROTOCOL.md §6.2), resolved and validated by
 * {@link ConfigLoader}. Instance keys that canal.properties may also hold as defaults are read per
 * destination into {@link InstanceConfig}.
 *
 * @param canalProperties     the file read
 * @param confDir             {@code canal.conf.dir}: root of {@code <dest>/instance.properties}
 * @param ip                  {@code canal.ip}: bind address, "" = all interfaces
 * @param registerIp          {@code canal.register.ip}, else {@code canal.ip}, else "" (= host address)
 * @param port                {@code canal.port}
 * @param metricsPort         {@code canal.metrics.pull.port}
 * @param user                {@code canal.user}, "" = any
 * @param passwordHash        {@code canal.passwd}: hex SHA1(SHA1(plain)), upper case; "" = any
 * @param zkServers           {@code canal.zkServers}, "" = no ZooKeeper
 * @param zkFlushPeriodMs     {@code canal.zookeeper.flush.period}; 0 = at every ack (Sluice)
 * @param withoutNetty        {@code canal.withoutNetty} (forced true in MQ modes, as canal does)
 * @param serverMode          {@code canal.serverMode}
 * @param fileDataDir         {@code canal.file.data.dir} (default: the conf dir)
 * @param fileFlushPeriodMs   {@code canal.file.flush.period}; 0 = at every ack (Sluice)
 * @param destinations        {@code canal.destinations} plus the expansion of {@code canal.destinations.expr}
 * @param autoScan            {@code canal.auto.scan}
 * @param autoScanIntervalSeconds {@code canal.auto.scan.interval}
 * @param autoResetLatestPosMode  {@code canal.auto.reset.latest.pos.mode}
 * @param globalLazy          {@code canal.instance.global.lazy}
 * @param globalMetaMode      from {@code canal.instance.global.spring.xml}
 * @param mq                  MQ producer settings
 * @param fileValues          canal.properties as loaded (instance defaults are read from it per destination)
 * @param ha                  {@code sluice.zookeeper.session.timeout.ms}, {@code sluice.ha.takeover.delay.ms},
 *                            {@code sluice.ha.rebalance}
 * @param configSource        {@code sluice.config.source}: where instance.properties are read (default FILE)
 * @param warmup              {@code sluice.warmup}: decode the bundled warm-up binlogs at start (default true)
 * @param earlierFileDataDir  where Sluice before placeholder resolution put {@code <dest>/meta.dat} for the same
 *                            file (e.g. a folder literally named {@code ${canal.conf.dir}}), or null when that is
 *                            {@code fileDataDir}
 * @param clients             {@code sluice.client.stall.warn.seconds}, {@code sluice.client.idle.expire.seconds}
 * @param security            admin port, login limits, ZooKeeper identity
 */
public record ServerConfig(Path canalProperties, Path confDir, String ip, String registerIp, int port,
                           int metricsPort, String user, String passwordHash, String zkServers,
                           long zkFlushPeriodMs, boolean withoutNetty, ServerMode serverMode, Path fileDataDir,
                           long fileFlushPeriodMs, List<String> destinations, boolean autoScan,
                           int autoScanIntervalSeconds, boolean autoResetLatestPosMode, boolean globalLazy,
                           MetaMode globalMetaMode, MqSettings mq, Map<String, String> fileValues,
                           HaConfig ha, ConfigSource configSource, boolean warmup, Path earlierFileDataDir,
                           ClientLifecycleConfig clients, SecuritySettings security) {

    public ServerConfig {
        destinations = List.copyOf(destinations);
        fileValues = Map.copyOf(fileValues);
    }

    public boolean hasZooKeeper() {
        return !zkServers.isEmpty();
    }

    /** The instance.properties of a destination. */
    public Path instanceProperties(String destination) {
        return confDir.resolve(destination).resolve("instance.properties");
    }

    @Override
    public String toString() {
        return "ServerConfig[" + canalProperties + ", port=" + port + ", destinations=" + destinations
                + ", meta=" + globalMetaMode + (zkServers.isEmpty() ? "" : ", zk=" + zkServers) + "]";
    }
}
