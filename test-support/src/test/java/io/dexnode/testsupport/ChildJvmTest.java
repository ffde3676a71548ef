package io.dexnode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ChildJvmTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void awaitedLinesArriveAndKillEndsAChildThatWouldRunForever() throws Exception {
        try (ChildJvm child = ChildJvm.start(TalkingChild.class, List.of("-Xmx32m"), "5", "stay")) {
            assertThat(child.awaitLine(l -> l.startsWith("line 3"), WAIT)).isEqualTo("line 3");
            assertThat(child.awaitLines(l -> l.startsWith("line "), 5, WAIT)).isTrue();
            child.kill();
            assertThat(child.isAlive()).isFalse();
            assertThat(child.lastLine(l -> l.startsWith("line "))).contains("line 5");
        }
    }

    @Test
    void awaitLinesSaysFalseWhenTheChildExitsBeforeEnoughLines() throws Exception {
        try (ChildJvm child = ChildJvm.start(TalkingChild.class, List.of("-Xmx32m"), "2")) {
            assertThat(child.awaitLines(l -> l.startsWith("line "), 3, WAIT)).isFalse();
            assertThat(child.lastLine(l -> l.startsWith("line "))).contains("line 2");
        }
    }

    @Test
    void awaitLineOfAChildThatExitedWithoutItFailsShowingWhatItPrinted() throws Exception {
        try (ChildJvm child = ChildJvm.start(TalkingChild.class, List.of("-Xmx32m"), "1")) {
            assertThatThrownBy(() -> child.awaitLine(l -> l.equals("never"), WAIT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exited")
                    .hasMessageContaining("line 1")
                    .hasMessageContaining("a word on stderr");
        }
    }

    @Test
    void awaitLineGivesUpAfterItsTimeout() throws Exception {
        try (ChildJvm child = ChildJvm.start(TalkingChild.class, List.of("-Xmx32m"), "0", "stay")) {
            assertThatThrownBy(() -> child.awaitLine(l -> true, Duration.ofMillis(300)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("within");
        }
    }
}
