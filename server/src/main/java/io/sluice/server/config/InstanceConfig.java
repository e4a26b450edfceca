package io.sluice.server.config;

import io.sluice.server.meta.MetaMode;
import io.sluice.server.sink.FilterSettings;
import io.sluice.server.sink.lookup.LookupSettings;
import io.sluice.server.sink.rows.RowContentFilter;
import io.sluice.server.store.StoreSettings;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * One destination's settings: its {@code instance.properties} over the instance defaults of
 * {@code canal.properties} (CANAL-PROTOCOL.md §6.3), resolved and validated by {@link ConfigLoader}. The
 * parser's own settings are mapped from here.
 *
 * @param destination          the destination name (its directory under the conf dir)
 * @param file                 its instance.properties (null when the destination has none)
 * @param sources              the masters read: one ({@code canal.instance.master.*}), or several merged
 *                             n:1 ({@code sluice.instance.merge.sources})
 * @param standby              {@code canal.instance.standby.*}, or null
 * @param routeFrom            {@code sluice.instance.route.from}: read the binlog connection of that
 *                             destination (route 1:n) instead of opening one; "" = own connection
 * @param mergeMaxWaitMillis   {@code sluice.instance.merge.max.wait.ms}: how long a merge waits for a slower
 *                             source before releasing a faster one's transaction
 * @param defaultDatabaseName  {@code canal.instance.defaultDatabaseName}
 * @param connectionCharset    {@code canal.instance.connectionCharset} (utf8mb4 → UTF-8)
 * @param gtidOn               {@code canal.instance.gtidon}
 * @param filters              table, column and entry-kind filters
 * @param filterTableError     {@code canal.instance.filter.table.error}: skip rows of tables without metadata
 * @param store                store sizing and batch mode
 * @param metaMode             from {@code canal.instance.<dest>.spring.xml} or the global one
 * @param lazy                 start on the first subscribe ({@code canal.instance.<dest>.lazy} / global)
 * @param transforms           {@code sluice.instance.transforms}: class names, applied in order
 * @param canalCompatibleValues {@code sluice.values.canal-compatible}
 * @param timeZone             {@code sluice.values.time-zone}: TIMESTAMP rendering zone (default: the JVM's)
 * @param network              MySQL socket options
 * @param detecting            master probe
 * @param transactionSize      {@code canal.instance.transaction.size}
 * @param fallbackIntervalSeconds {@code canal.instance.fallbackIntervalInSeconds}
 * @param binlogFormats        {@code canal.instance.binlog.format}, upper case
 * @param binlogImages         {@code canal.instance.binlog.image}, upper case
 * @param tsdbEnable           {@code canal.instance.tsdb.enable}: keep the table-structure history
 * @param ssl                  TLS towards the master
 * @param mq                   MQ routing
 * @param properties           every resolved key of canal.properties and instance.properties (instance
 *                             wins), for transforms that read their own keys
 * @param rowFilter            {@code sluice.filter.rows} (+ {@code .transitions}): rows kept by their values
 * @param lookups              {@code sluice.transform.lookup.<name>.*}: lookup (join) enrichments
 * @param autoResetLatestPosMode {@code canal.auto.reset.latest.pos.mode} (canal.properties): a position no longer
 *                             on the master continues from the master's current one, losing what lies between
 */
public record InstanceConfig(String destination, Path file, List<SourceConfig> sources, SourceConfig standby,
                             String routeFrom, long mergeMaxWaitMillis, String defaultDatabaseName,
                             Charset connectionCharset, boolean gtidOn, FilterSettings filters,
                             boolean filterTableError, StoreSettings store, MetaMode metaMode, boolean lazy,
                             List<String> transforms, boolean canalCompatibleValues, ZoneId timeZone,
                             NetworkSettings network, DetectingSettings detecting, int transactionSize,
                             int fallbackIntervalSeconds, Set<String> binlogFormats, Set<String> binlogImages,
                             boolean tsdbEnable, SslSettings ssl, MqDestinationSettings mq,
                             Map<String, String> properties, RowContentFilter rowFilter,
                             List<LookupSettings> lookups, boolean autoResetLatestPosMode) {

    public InstanceConfig {
        sources = List.copyOf(sources);
        transforms = List.copyOf(transforms);
        binlogFormats = Set.copyOf(binlogFormats);
        binlogImages = Set.copyOf(binlogImages);
        properties = Map.copyOf(properties);
        lookups = List.copyOf(lookups);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a destination needs at least one source");
        }
    }

    /** The single master of a plain destination (the first source of a merged one). */
    public SourceConfig master() {
        return sources.get(0);
    }

    public boolean isMerged() {
        return sources.size() > 1;
    }

    public boolean isRouted() {
        return !routeFrom.isEmpty();
    }

    /**
     * The same settings reading other masters: a routed destination (1:n) reads its leader's connection, so
     * its cursors must name the leader's master.
     */
    public InstanceConfig withSources(List<SourceConfig> newSources) {
        return new InstanceConfig(destination, file, newSources, standby, routeFrom, mergeMaxWaitMillis,
                defaultDatabaseName, connectionCharset, gtidOn, filters, filterTableError, store, metaMode, lazy,
                transforms, canalCompatibleValues, timeZone, network, detecting, transactionSize,
                fallbackIntervalSeconds, binlogFormats, binlogImages, tsdbEnable, ssl, mq, properties, rowFilter, lookups,
                autoResetLatestPosMode);
    }

    /** The resolved keys as {@link Properties}, for a transform's Properties constructor. */
    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }

    @Override
    public String toString() {
        return "InstanceConfig[" + destination + ", " + sources + ", meta=" + metaMode + ", store=" + store + "]";
    }
}
