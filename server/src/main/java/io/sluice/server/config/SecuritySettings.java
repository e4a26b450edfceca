package io.sluice.server.config;

/**
 * Who may reach what (docs/security.md).
 *
 * @param adminIp              {@code sluice.admin.ip}: bind address of the status port (canal.metrics.pull.port);
 *                             default {@code canal.ip}, "" = all interfaces
 * @param adminToken           {@code sluice.admin.token}: bearer token for the admin endpoints; "" = a random one
 *                             per start, written owner-only to {@code logs/sluice.admin.token}
 * @param maxFailedLogins      {@code sluice.auth.max.failures}: failed logins a source address may have per minute
 *                             on the client port and on the admin port before it is refused for the rest of the
 *                             minute; 0 = no limit
 * @param zkDigest             {@code sluice.zookeeper.digest}: {@code user:password} for ZooKeeper digest
 *                             authentication, "" = none
 * @param zkSaslPrincipal      {@code sluice.zookeeper.sasl.principal}: the SASL identity ZooKeeper sees for this
 *                             server (login through the JAAS {@code Client} section), "" = none
 */
public record SecuritySettings(String adminIp, String adminToken, int maxFailedLogins, String zkDigest,
                               String zkSaslPrincipal) {

    /** Nodes Sluice creates in ZooKeeper carry ACLs only when ZooKeeper knows who Sluice is. */
    public boolean zkAcls() {
        return !zkDigest.isEmpty() || !zkSaslPrincipal.isEmpty();
    }

    @Override
    public String toString() {
        return "SecuritySettings[adminIp=" + (adminIp.isEmpty() ? "*" : adminIp)
                + ", adminToken=" + (adminToken.isEmpty() ? "<generated>" : "****")
                + ", maxFailedLogins=" + maxFailedLogins
                + ", zkDigest=" + (zkDigest.isEmpty() ? "<none>" : zkDigest.substring(0, Math.max(0, zkDigest.indexOf(':'))) + ":****")
                + ", zkSasl=" + (zkSaslPrincipal.isEmpty() ? "<none>" : zkSaslPrincipal) + "]";
    }
}
