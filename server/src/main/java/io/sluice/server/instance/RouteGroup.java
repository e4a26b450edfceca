package io.sluice.server.instance;

import io.sluice.server.config.InstanceConfig;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import io.sluice.server.sink.RouteSink;
import io.sluice.server.sink.RouteTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route 1:n: the destinations that name a leader in {@code sluice.instance.route.from} share the leader's
 * binlog connection. Each member destination gets a {@link ChangeSource} view from {@link #factory()}; the
 * one real source runs while at least one member is started and puts into a {@link RouteSink} that hands
 * every entry to each member's sink (each with its own filters).
 *
 * <p>Members start and stop independently. A member that joins with a resume point earlier than where the
 * shared source is makes it restart from there; the other members then drop the replayed entries they
 * already have ({@link RouteTarget#dropUpTo}), so nobody sees an entry twice. A member that joins with a later
 * resume point drops entries up to it.
 */
public final class RouteGroup {

    private static final Logger LOG = LoggerFactory.getLogger(RouteGroup.class);

    private final String leader;
    private final ChangeSourceFactory factory;
    private final RouteSink route = new RouteSink();
    private final Map<RouteTarget, ResumePoint> members = new LinkedHashMap<>();
    private volatile InstanceConfig leaderConfig;
    private ChangeSource shared;
    private ResumePoint sharedStart;

    public RouteGroup(String leader, InstanceConfig leaderConfig, ChangeSourceFactory factory) {
        this.leader = leader;
        this.leaderConfig = leaderConfig;
        this.factory = factory;
    }

    public String leader() {
        return leader;
    }

    /** The leader's settings (master, credentials, charset...) are those the shared source runs with. */
    public void leaderConfig(InstanceConfig config) {
        this.leaderConfig = config;
    }

    /** The factory each member destination is built with. */
    public ChangeSourceFactory factory() {
        return (instance, source, sink, filter) -> new Member(new RouteTarget(sink, filter));
    }

    synchronized boolean isSourceRunning() {
        return shared != null && shared.isRunning();
    }

    private synchronized void join(RouteTarget sink, ResumePoint resume) {
        if (resume != null) {
            sink.dropUpTo(resume);
        }
        members.put(sink, resume);
        route.add(sink);
        if (shared == null) {
            startShared(resume);
            return;
        }
        ResumePoint current = progress(sink);
        ResumePoint reached = current != null ? current : sharedStart;
        if (resume != null && (reached == null || SourcePositions.ORDER.compare(resume, reached) < 0)) {
            LOG.info("route from {}: a destination needs {}, restarting the shared source there", leader, resume);
            for (RouteTarget other : route.targets()) {
                if (other != sink) {
                    ResumePoint seen = other.lastSeen();
                    if (seen != null) {
                        other.dropUpTo(seen);
                    }
                }
            }
            shared.stop();
            startShared(resume);
        }
    }

    /** Where the shared source has got to: the latest entry any other member has seen. */
    private ResumePoint progress(RouteTarget except) {
        ResumePoint latest = null;
        for (RouteTarget s : route.targets()) {
            ResumePoint seen = s == except ? null : s.lastSeen();
            if (seen != null && (latest == null || SourcePositions.ORDER.compare(seen, latest) > 0)) {
                latest = seen;
            }
        }
        return latest;
    }

    private void startShared(ResumePoint resume) {
        InstanceConfig cfg = leaderConfig;
        shared = factory.create(cfg, cfg.master(), route, route.tableFilter());
        sharedStart = resume;
        shared.start(resume);
    }

    private synchronized void leave(RouteTarget sink) {
        if (!members.containsKey(sink)) {
            return;
        }
        members.remove(sink);
        route.remove(sink);
        if (members.isEmpty() && shared != null) {
            shared.stop();
            shared = null;
        }
    }

    private final class Member implements ChangeSource {
        private final RouteTarget sink;
        private volatile boolean started;

        Member(RouteTarget sink) {
            this.sink = sink;
        }

        @Override
        public void start(ResumePoint resume) {
            join(sink, resume);
            started = true;
        }

        @Override
        public void stop() {
            started = false;
            leave(sink);
        }

        @Override
        public boolean isRunning() {
            return started && isSourceRunning();
        }
    }
}
