package io.sluice.server.metrics;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@value #KEPT} distinct errors of each destination with when they were first seen, for the console's
 * destination page: a source keeps only its latest error, and an operator arriving after a reconnect wants to see
 * what happened before. Fed from the periodic stats (progress log, status and console polls), so an error that
 * lasted less than one such period may not be listed.
 */
public final class ErrorHistory {

    static final int KEPT = 10;

    private record Seen(String error, long atMillis) {
    }

    private final Map<String, Deque<Seen>> byDestination = new ConcurrentHashMap<>();

    /** Notes the destination's current error ("" = none); a repeat of the newest one is not listed again. */
    public void record(String destination, String error, long nowMillis) {
        if (error == null || error.isEmpty()) {
            return;
        }
        Deque<Seen> seen = byDestination.computeIfAbsent(destination, d -> new ArrayDeque<>());
        synchronized (seen) {
            if (!seen.isEmpty() && seen.peekFirst().error().equals(error)) {
                return;
            }
            seen.addFirst(new Seen(error, nowMillis));
            while (seen.size() > KEPT) {
                seen.removeLast();
            }
        }
    }

    /** Newest first: {@code {"at": ISO-8601, "error": text}}. */
    public List<Map<String, String>> of(String destination) {
        Deque<Seen> seen = byDestination.get(destination);
        List<Map<String, String>> out = new ArrayList<>();
        if (seen == null) {
            return out;
        }
        synchronized (seen) {
            for (Seen s : seen) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("at", Instant.ofEpochMilli(s.atMillis()).toString());
                m.put("error", s.error());
                out.add(m);
            }
        }
        return out;
    }
}
