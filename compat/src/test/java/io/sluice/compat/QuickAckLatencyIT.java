package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The official client as shipped (two writes per request, Nagle on, no reply to acks) in get/ack rounds of small
 * batches, against the server with TCP_QUICKACK re-armed and without. Prints the time per round (CANAL-PROTOCOL.md
 * §2.10 measured ~44 ms without and 0.1–0.2 ms with); asserts only that every batch arrived in order, since speed is
 * for benchmarks, not assertions.
 */
class QuickAckLatencyIT {

    private static final int ROUNDS_WITH = 400;
    private static final int ROUNDS_WITHOUT = 40;

    private static double millisPerRound(boolean quickAck, int rounds) throws Exception {
        List<String> args = quickAck ? List.of("--transactions", "500", "--rows", "1")
                : List.of("--transactions", "500", "--rows", "1", "--no-quickack");
        try (ServerProcess server = ServerProcess.start(quickAck ? "quickack-on" : "quickack-off",
                "io.sluice.server.net.testing.FixedEntriesServer", List.of("-Xmx128m"), args.toArray(String[]::new))) {
            SimpleCanalConnector connector = new SimpleCanalConnector(server.address(), "", "", "example");
            connector.connect();
            connector.subscribe();
            try {
                // warm-up: JIT on both sides, out of the measured rounds
                for (int i = 0; i < 20; i++) {
                    connector.ack(connector.getWithoutAck(3).getId());
                }
                long[] micros = new long[rounds];
                long start = System.nanoTime();
                for (int round = 0; round < rounds; round++) {
                    long roundStart = System.nanoTime();
                    Message message = connector.getWithoutAck(3);
                    assertThat(message.getEntries()).hasSize(3);
                    assertThat(message.getId()).isEqualTo(21 + round);
                    connector.ack(message.getId());
                    micros[round] = (System.nanoTime() - roundStart) / 1_000;
                }
                double perRound = (System.nanoTime() - start) / 1e6 / rounds;
                long[] sorted = micros.clone();
                java.util.Arrays.sort(sorted);
                long over10ms = java.util.Arrays.stream(micros).filter(m -> m > 10_000).count();
                System.out.printf("official client, get(3)+ack rounds, TCP_QUICKACK %s (%s transport): %.3f ms per "
                        + "round over %d rounds (median %.3f ms, p90 %.3f ms, max %.3f ms, %d rounds over 10 ms)%n",
                        quickAck ? "re-armed" : "off", server.transport(), perRound, rounds,
                        sorted[rounds / 2] / 1e3, sorted[rounds * 9 / 10] / 1e3, sorted[rounds - 1] / 1e3, over10ms);
                return perRound;
            } finally {
                connector.disconnect();
            }
        }
    }

    @Test
    void officialClientRoundsWithAndWithoutQuickAck() throws Exception {
        double with = millisPerRound(true, ROUNDS_WITH);
        double without = millisPerRound(false, ROUNDS_WITHOUT);
        System.out.printf("TCP_QUICKACK saves %.1f ms per get/ack round of the official client%n", without - with);
    }
}
