package io.dexnode.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitsTest {

    @Test
    void untilReturnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        assertThatCode(() -> Waits.until(Duration.ofSeconds(30), "the third poll", () -> polls.incrementAndGet() >= 3))
                .doesNotThrowAnyException();
    }

    @Test
    void untilFailsNamingWhatItWaitedForWhenTheTimeIsUp() {
        assertThatThrownBy(() -> Waits.until(Duration.ofMillis(50), "a condition that never holds", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a condition that never holds");
    }
}
