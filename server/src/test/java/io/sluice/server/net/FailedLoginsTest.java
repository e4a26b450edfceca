package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {

    private final AtomicLong now = new AtomicLong();
    private final FailedLogins limit = new FailedLogins("client port", 3, Duration.ofMinutes(1), now::get);

    @Test
    void aSourceIsRefusedForTheRestOfTheWindowAfterTooManyFailuresAndOthersAreNot() throws Exception {
        InetAddress guesser = InetAddress.getByName("10.0.0.1");
        InetAddress other = InetAddress.getByName("10.0.0.2");
        limit.failed(guesser);
        limit.failed(guesser);
        assertThat(limit.blockedSeconds(guesser)).isZero();
        limit.failed(guesser);
        assertThat(limit.blockedSeconds(guesser)).isEqualTo(60);
        assertThat(limit.blockedSeconds(other)).isZero();

        now.addAndGet(TimeUnit.SECONDS.toNanos(45));
        assertThat(limit.blockedSeconds(guesser)).isEqualTo(15);
        now.addAndGet(TimeUnit.SECONDS.toNanos(15));
        assertThat(limit.blockedSeconds(guesser)).as("a new window").isZero();
    }

    @Test
    void aSuccessClearsTheCount() throws Exception {
        InetAddress user = InetAddress.getByName("10.0.0.3");
        limit.failed(user);
        limit.failed(user);
        limit.succeeded(user);
        limit.failed(user);
        limit.failed(user);
        assertThat(limit.blockedSeconds(user)).isZero();
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        FailedLogins none = new FailedLogins("client port", 0, Duration.ofMinutes(1), now::get);
        InetAddress source = InetAddress.getByName("10.0.0.4");
        for (int i = 0; i < 100; i++) {
            none.failed(source);
        }
        assertThat(none.blockedSeconds(source)).isZero();
    }
}
