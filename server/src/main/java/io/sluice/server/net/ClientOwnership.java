package io.sluice.server.net;

import io.netty.channel.Channel;
import io.sluice.server.meta.ClientIdentity;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which connection last spoke for each client identity. canal supports one active consumer per (destination,
 * client id); when a consumer reconnects, its old connection may be noticed dead only later (a lost FIN, an idle
 * timeout). The old connection's clean-up rollback must then not undo the batches the new connection is
 * already working on, so only the current owner rolls back on disconnect.
 */
final class ClientOwnership {

    private final ConcurrentMap<ClientIdentity, Channel> owners = new ConcurrentHashMap<>();

    /** Makes {@code channel} the owner; returns the previous owner, null when none. */
    Channel claim(ClientIdentity client, Channel channel) {
        return owners.put(client, channel);
    }

    /**
     * Makes {@code channel} the owner unless another connection that is still open owns the client; false then.
     */
    boolean claimUnlessLive(ClientIdentity client, Channel channel) {
        Channel owner = owners.compute(client, (c, current) ->
                current != null && current != channel && current.isActive() ? current : channel);
        return owner == channel;
    }

    /** True if {@code channel} still owned {@code client}; ownership ends either way. */
    boolean release(ClientIdentity client, Channel channel) {
        return owners.remove(client, channel);
    }
}
