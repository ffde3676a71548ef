package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Each {@code withX} changes exactly the flags it names, and a changed configuration is checked as a new one is. */
class NodeConfigTest {
    private final NodeConfig d = NodeConfig.defaults(Path.of("data"));

    @Test
    void eachWithChangesOnlyItsOwnComponents() throws Exception {
        assertThat(changed(d.withData(Path.of("other")))).containsExactly("data");
        assertThat(changed(d.withPort(1))).containsExactly("port");
        assertThat(changed(d.withDev(true))).containsExactly("dev");
        assertThat(changed(d.withQueue(7))).containsExactly("queue");
        assertThat(changed(d.withGenesis(Path.of("g.json")))).containsExactly("genesis");
        assertThat(changed(d.withFsync(false))).containsExactly("fsync");
        assertThat(changed(d.withKeepVersions(9))).containsExactly("keepVersions");
        assertThat(changed(d.withStrict(true))).containsExactly("strict");
        assertThat(changed(d.withMemory(3, 4))).containsExactly("blockCacheMb", "nodeCacheKeys");
        assertThat(changed(d.withBlocks(2, 3))).containsExactly("blockMs", "blockTxs");
        assertThat(changed(d.withStreamConnections(5))).containsExactly("streamConnections");
        assertThat(changed(d.withMaxConnections(6))).containsExactly("maxConnections");
        assertThat(changed(d.withCheckpoints(2))).containsExactly("checkpoints");
        assertThat(changed(d.withConsistencyCheckBlocks(11))).containsExactly("consistencyCheckBlocks");
        assertThat(d.withBlocks(2, 3).blockTxs()).isEqualTo(3);
    }

    @Test
    void aChangedConfigurationIsCheckedLikeANewOne() {
        assertThatThrownBy(() -> d.withMaxConnections(0)).hasMessage("need --max-connections >= 1, got 0");
        assertThatThrownBy(() -> d.withCheckpoints(-1)).hasMessage("need --checkpoints >= 0, got -1");
        assertThatThrownBy(() -> d.withPort(70_000)).hasMessageContaining("--http");
    }

    private List<String> changed(NodeConfig c) throws Exception {
        List<String> names = new ArrayList<>();
        for (RecordComponent rc : NodeConfig.class.getRecordComponents()) {
            if (!Objects.equals(rc.getAccessor().invoke(d), rc.getAccessor().invoke(c))) {
                names.add(rc.getName());
            }
        }
        return names;
    }
}
