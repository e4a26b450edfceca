package io.sluice.server.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers which configuration notices were already logged, so that an unknown or ignored key is reported
 * once per server, not at every auto-scan reload or for every destination that inherits it.
 */
public final class ConfigNotices {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigNotices.class);

    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    void unknownKey(String origin, String key) {
        if (logged.add("unknown:" + key)) {
            LOG.warn("{}: unknown key {} (not a canal or Sluice key; check its spelling)", origin, key);
        }
    }

    /** A canal key Sluice does not apply, set to something other than canal's default. */
    void notApplied(String origin, String key, String value, String instead) {
        if (logged.add("not-applied:" + key)) {
            LOG.warn("{}: {} = {} is not applied: {}", origin, key, ConfigValues.display(key, value), instead);
        }
    }

    /** A canal.properties key written in an instance.properties, where canal ignores it as well. */
    void serverKeyInInstance(String origin, String key) {
        if (logged.add("misplaced:" + key)) {
            LOG.warn("{}: {} has no effect here: it is read from canal.properties only", origin, key);
        }
    }

    void notice(String id, String message) {
        if (logged.add("notice:" + id)) {
            LOG.warn(message);
        }
    }

    /**
     * Everything logged so far, as "unknown:key" / "not-applied:key" / "misplaced:key" / "notice:id"; for tests
     * and status.
     */
    public Set<String> logged() {
        return Set.copyOf(logged);
    }
}
