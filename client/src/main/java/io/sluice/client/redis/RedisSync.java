package io.sluice.client.redis;

import io.sluice.client.SluiceConnector;
import io.sluice.client.sync.RetryableWriteException;
import io.sluice.client.sync.SyncLoop;
import io.sluice.client.sync.SyncTarget;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.util.List;

/**
 * Mirrors tables into Redis: pulls batches from a destination with {@link SluiceConnector}, applies them
 * ({@link RedisWriter}) and acks a batch only after Redis confirmed all of its changes. Redis unreachable: the
 * same batch is applied again after a doubling backoff, unacked, until Redis is back. The consumer crashing:
 * the server hands out everything after the last ack again, and since every change is idempotent, Redis
 * converges to the tables' state. The loop itself is {@link SyncLoop}, shared with the table and search syncs.
 *
 * <p>Run it with {@code bin/redis-sync.sh <properties file>} (see {@link RedisSyncSettings} for the keys).
 */
public final class RedisSync implements AutoCloseable {

    private final SyncLoop<RedisChange> loop;

    public RedisSync(RedisSyncSettings settings) {
        this.loop = new SyncLoop<>("redis", settings.sync(), new Target(settings));
    }

    /** True while this copy pulls (always, without ZooKeeper). */
    public boolean isActive() {
        return loop.isActive();
    }

    public RedisSync start() {
        loop.start();
        return this;
    }

    public long ackedBatches() {
        return loop.ackedBatches();
    }

    /** Changes (put/delete/table clear) written and confirmed by Redis. */
    public long appliedChanges() {
        return loop.appliedRows();
    }

    public long redisFailures() {
        return loop.retries();
    }

    /** Stops after the batch in hand; an unacked batch is delivered again to the next run. */
    @Override
    public void close() {
        loop.close();
    }

    /** Redis as the loop drives it. */
    private static final class Target implements SyncTarget<RedisChange> {

        private final RedisSyncSettings settings;
        private final ChangeMapper mapper;
        private final RedisWriter writer;

        Target(RedisSyncSettings settings) {
            this.settings = settings;
            this.mapper = new ChangeMapper(settings);
            this.writer = new RedisWriter(settings);
        }

        @Override
        public String name() {
            return "Redis " + settings.redisHost() + ":" + settings.redisPort() + "/" + settings.redisDatabase();
        }

        @Override
        public String subscribeFilter() {
            return settings.subscribeFilter();
        }

        @Override
        public List<String> tables() {
            return List.copyOf(settings.tables().keySet());
        }

        @Override
        public List<RedisChange> map(List<CanalEntry.Entry> entries) {
            return mapper.map(entries);
        }

        @Override
        public void apply(List<RedisChange> changes) throws RetryableWriteException {
            try {
                writer.apply(changes);
            } catch (RuntimeException e) {
                // Jedis reports a lost connection, a timeout or a refusal alike: all of them are retried
                throw new RetryableWriteException(String.valueOf(e.getMessage()), e);
            }
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        SyncLoop.main(args, "redis-sync.sh", p -> new RedisSync(RedisSyncSettings.fromProperties(p)).loop);
    }
}
