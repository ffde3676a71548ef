package io.dexnode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The shared-vector rule: skip on a developer's clone without ../shared, fail under CI. */
class SharedDataTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingVectorSkipsTheTestOutsideCi() {
        SharedData shared = new SharedData(tmp.resolve("absent"), false);
        assertThatThrownBy(() -> shared.file("data", "jmt", "vectors.json"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("shared test vectors not found at")
                .hasMessageContaining("vectors.json");
    }

    @Test
    void aMissingVectorFailsTheTestUnderCiNamingWhereItLookedAndTheProperty() {
        SharedData shared = new SharedData(tmp.resolve("absent"), true);
        assertThatThrownBy(() -> shared.file("data", "jmt", "vectors.json"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(tmp.resolve("absent").resolve("data/jmt/vectors.json").toString())
                .hasMessageContaining(SharedData.DIR_PROPERTY)
                .hasMessageContaining("CI=true");
    }

    @Test
    void aPresentVectorIsFoundWithOrWithoutCi() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("data/jmt")).resolve("vectors.json");
        Files.writeString(file, "{}");
        assertThat(new SharedData(tmp, true).file("data", "jmt", "vectors.json")).isEqualTo(file);
        assertThat(new SharedData(tmp, false).file("data", "jmt", "vectors.json")).isEqualTo(file);
    }

    @Test
    void ciIsTrueOrOneAsCiServicesSetIt() {
        assertThat(SharedData.isCi("true")).isTrue();
        assertThat(SharedData.isCi("TRUE")).isTrue();
        assertThat(SharedData.isCi("1")).isTrue();
        assertThat(SharedData.isCi(null)).isFalse();
        assertThat(SharedData.isCi("")).isFalse();
        assertThat(SharedData.isCi("false")).isFalse();
    }
}
