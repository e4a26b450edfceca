package io.sluice.server.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.protocol.packet.CanalPacket.ClientAuth;
import io.sluice.protocol.packet.CanalPacket.Packet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the first request of a connection as canal does (CANAL-PROTOCOL.md §2.2): whatever its packet type, its
 * body is read as {@code ClientAuth}. A configured user must match; a configured password must pass the scramble
 * check against this connection's seed. A failure is answered {@code ACK 400 "auth failed for user:<u>"} and the
 * connection stays open for another try; success is answered with an empty ACK, switches the idle limits to the
 * client's {@code net_read_timeout}/{@code net_write_timeout} (milliseconds; 1 h when not positive) and hands the
 * connection to the session.
 *
 * <p>A source address with too many failures ({@link FailedLogins}) is answered {@code ACK 400 "too many failed
 * logins ..."} and disconnected, whatever it sends, until its window ends.
 */
final class AuthenticationHandler extends SimpleChannelInboundHandler<Packet> {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationHandler.class);

    /** canal's idle limit when the client sends none. */
    static final long DEFAULT_IDLE_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final byte[] seed;
    private final String user;
    private final PasswordCheck password;
    private final Supplier<SessionHandler> sessions;
    private final FailedLogins failures;

    /**
     * @param password null when no password is configured (any password is accepted, as canal)
     */
    AuthenticationHandler(byte[] seed, String user, PasswordCheck password, Supplier<SessionHandler> sessions,
                          FailedLogins failures) {
        this.seed = seed;
        this.user = user;
        this.password = password;
        this.sessions = sessions;
        this.failures = failures;
    }

    AuthenticationHandler(byte[] seed, String user, PasswordCheck password, Supplier<SessionHandler> sessions) {
        this(seed, user, password, sessions, new FailedLogins("client port", 0, java.time.Duration.ofMinutes(1)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Packet packet) throws InvalidProtocolBufferException {
        InetAddress source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        long wait = failures.blockedSeconds(source);
        if (wait > 0) {
            // no log line per attempt: FailedLogins said once for this window that the source is refused
            ctx.writeAndFlush(Replies.error(400, "too many failed logins from " + source.getHostAddress()
                    + "; try again in " + wait + " s")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ClientAuth auth = ClientAuth.parseFrom(packet.getBody());
        if (!accepts(auth)) {
            failures.failed(source);
            log.info("authentication failed for user '{}' from {}", printable(auth.getUsername()),
                    ctx.channel().remoteAddress());
            ctx.writeAndFlush(Replies.error(400, "auth failed for user:" + auth.getUsername()), ctx.voidPromise());
            return;
        }
        failures.succeeded(source);
        SessionHandler session = sessions.get();
        ctx.pipeline().replace(ConnectionGuard.IDLE_HANDLER, ConnectionGuard.IDLE_HANDLER,
                new IdleStateHandler(idleMillis(auth.hasNetReadTimeout(), auth.getNetReadTimeout()),
                        idleMillis(auth.hasNetWriteTimeout(), auth.getNetWriteTimeout()), 0, TimeUnit.MILLISECONDS));
        ctx.pipeline().replace(this, "session", session);
        if (!auth.getDestination().isEmpty() && !auth.getClientId().isEmpty()) {
            // the subscription's reply (ok or its error) answers the authentication
            session.subscribeOnAuthentication(auth.getDestination(), auth.getClientId(), auth.getFilter());
        } else {
            ctx.channel().writeAndFlush(Replies.ok(), ctx.channel().voidPromise());
        }
    }

    private boolean accepts(ClientAuth auth) {
        if (!user.isEmpty() && !user.equals(auth.getUsername())) {
            return false;
        }
        if (password == null) {
            return true;
        }
        if (auth.getPassword().isEmpty()) {
            return false;
        }
        // a token that is not hex throws MalformedRequestException: canal drops such a connection without a reply
        return password.matches(seed, auth.getPassword().toByteArray());
    }

    /** The user name as a client sent it may hold anything; keep log lines single and short. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 64));
        for (int i = 0; i < text.length() && out.length() < 64; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.length() > 64 ? out + "..." : out.toString();
    }

    private static long idleMillis(boolean present, int millis) {
        return present && millis > 0 ? millis : DEFAULT_IDLE_MILLIS;
    }
}
