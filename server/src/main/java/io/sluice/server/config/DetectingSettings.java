package io.sluice.server.config;

/**
 * canal's master probe ({@code canal.instance.detecting.*}): run {@code sql} every {@code intervalSeconds};
 * after {@code retryThreshold} failures switch to the standby when {@code heartbeatHaEnable}.
 */
public record DetectingSettings(boolean enable, String sql, int intervalSeconds, int retryThreshold,
                                boolean heartbeatHaEnable) {
}
