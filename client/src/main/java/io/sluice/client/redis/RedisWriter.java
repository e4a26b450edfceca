package io.sluice.client.redis;

import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Applies a batch's changes to Redis: runs of puts and deletes in one MULTI/EXEC (sent pipelined), a table
 * deletion as SCAN MATCH + DEL between them. Returns only when Redis confirmed everything; on any failure the
 * connection is dropped (a fresh one is opened next time) and the exception propagates, so the caller can retry
 * the whole batch: every change is idempotent.
 */
final class RedisWriter implements AutoCloseable {

    private static final int SCAN_COUNT = 1000;

    private final RedisSyncSettings settings;
    private Jedis jedis;

    RedisWriter(RedisSyncSettings settings) {
        this.settings = settings;
    }

    private Jedis jedis() {
        if (jedis == null) {
            DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                    .timeoutMillis((int) settings.redisTimeout().toMillis()).database(settings.redisDatabase())
                    .clientName("sluice-redis-sync")
                    // plain hashes and MULTI need nothing from RESP3; Jedis's Jedis class speaks RESP2 only
                    .autoNegotiateProtocol(false);
            if (!settings.redisPassword().isEmpty()) {
                config.password(settings.redisPassword());
            }
            jedis = new Jedis(new HostAndPort(settings.redisHost(), settings.redisPort()), config.build());
        }
        return jedis;
    }

    void apply(List<RedisChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            Jedis j = jedis();
            Transaction tx = null;
            for (RedisChange change : changes) {
                if (change instanceof RedisChange.DeleteMatching m) {
                    if (tx != null) {
                        exec(tx);
                        tx = null;
                    }
                    deleteMatching(j, m.pattern());
                    continue;
                }
                if (tx == null) {
                    tx = j.multi();
                }
                if (change instanceof RedisChange.Put put) {
                    tx.del(put.key());
                    if (!put.fields().isEmpty()) {
                        tx.hset(put.key(), put.fields());
                    }
                } else if (change instanceof RedisChange.Delete d) {
                    tx.del(d.key());
                }
            }
            if (tx != null) {
                exec(tx);
            }
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    private static void exec(Transaction tx) {
        if (tx.exec() == null) {
            throw new IllegalStateException("Redis aborted the transaction");
        }
    }

    private static void deleteMatching(Jedis j, String pattern) {
        ScanParams params = new ScanParams().match(pattern).count(SCAN_COUNT);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = j.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                j.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    private void discard() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is already broken; closing it is best effort and the failure was reported
            }
            jedis = null;
        }
    }

    @Override
    public void close() {
        discard();
    }
}
