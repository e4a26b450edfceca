package io.sluice.server.meta;

/**
 * Where a destination keeps its clients' subscriptions and acked positions; what canal selects with
 * {@code canal.instance.global.spring.xml}.
 */
public enum MetaMode {
    /** memory-instance.xml: nothing survives a restart. */
    MEMORY,
    /** file-instance.xml (canal's shipped default): {@code <canal.file.data.dir>/<dest>/meta.dat}. */
    FILE,
    /** default-instance.xml: canal's ZooKeeper layout under {@code /otter/canal/destinations}. */
    ZOOKEEPER
}
