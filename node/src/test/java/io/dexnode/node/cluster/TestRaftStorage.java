package io.dexnode.node.cluster;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;

/** A formatted Raft storage directory without a server, for the state machine's own tests. */
final class TestRaftStorage {
    private TestRaftStorage() {
    }

    static RaftStorage format(Path dir) throws IOException {
        RaftStorage storage = RaftStorage.newBuilder().setDirectory(dir.toFile())
                .setOption(RaftStorage.StartupOption.FORMAT).setStorageFreeSpaceMin(SizeInBytes.ONE_MB)
                .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION).build();
        storage.initialize();
        return storage;
    }
}
