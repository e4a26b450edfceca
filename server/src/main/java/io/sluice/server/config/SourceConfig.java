package io.sluice.server.config;

import java.util.Objects;

/**
 * One master a destination reads: for a plain destination the {@code canal.instance.master.*} keys; a merged
 * destination (n:1) has one per {@code sluice.instance.merge.sources} name.
 *
 * @param name     the source's name in positions ("" for a plain destination's single master)
 * @param host     master host name or IP literal
 * @param port     master port
 * @param username replication account ({@code canal.instance.dbUsername})
 * @param password its password (decrypted when {@code enableDruid}); never logged
 * @param slaveId  {@code canal.instance.mysql.slaveId}; ≤ 0 = derive one ({@link #effectiveSlaveId})
 * @param start    first-start position
 */
public record SourceConfig(String name, String host, int port, String username, String password, long slaveId,
                           StartPosition start) {

    public SourceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(start, "start");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * canal's automatic replica id when none is configured: {@code ((destination.hashCode() & 0x7f) << 24)}
     * plus the low three bytes of this host's IPv4 address, so that two destinations on one host, or one
     * destination on two hosts, do not collide on the master.
     */
    public long effectiveSlaveId(String destination, byte[] localAddress) {
        if (slaveId > 0) {
            return slaveId;
        }
        long low = 0;
        if (localAddress != null && localAddress.length >= 4) {
            int n = localAddress.length;
            low = ((localAddress[n - 3] & 0xffL) << 16) | ((localAddress[n - 2] & 0xffL) << 8)
                    | (localAddress[n - 1] & 0xffL);
        }
        return ((long) (destination.hashCode() & 0x7f) << 24) + low;
    }

    @Override
    public String toString() {
        return "source " + (name.isEmpty() ? "master" : name) + " " + address() + " as " + username;
    }
}
