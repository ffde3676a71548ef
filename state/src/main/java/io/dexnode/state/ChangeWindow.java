package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The committed versions whose values are not yet in the on-disk value history, oldest first,
 * with the version the history is complete through. Immutable: the committer publishes a new
 * window per commit and the persister one per persist, so a reader that took a window sees the
 * versions after {@link #historyThrough()} in it and everything up to it on disk.
 */
final class ChangeWindow {
    private final long historyThrough;
    private final VersionChanges[] versions;
    private final long keyUpdates;
    private final long bytes;

    private ChangeWindow(long historyThrough, VersionChanges[] versions, long keyUpdates, long bytes) {
        this.historyThrough = historyThrough;
        this.versions = versions;
        this.keyUpdates = keyUpdates;
        this.bytes = bytes;
    }

    /** No versions held; the history is complete through {@code historyThrough}. */
    static ChangeWindow empty(long historyThrough) {
        return new ChangeWindow(historyThrough, new VersionChanges[0], 0, 0);
    }

    /** The on-disk value history holds every version up to this one. */
    long historyThrough() {
        return historyThrough;
    }

    /** This window with {@code v} (newer than every version held) added. */
    ChangeWindow plus(VersionChanges v) {
        VersionChanges[] next = Arrays.copyOf(versions, versions.length + 1);
        next[versions.length] = v;
        return new ChangeWindow(historyThrough, next, keyUpdates + v.size(), bytes + v.bytes());
    }

    /** This window once the history holds every version up to {@code version}. */
    ChangeWindow historyWrittenThrough(long version) {
        int from = 0;
        long updates = keyUpdates;
        long b = bytes;
        while (from < versions.length && versions[from].version() <= version) {
            updates -= versions[from].size();
            b -= versions[from].bytes();
            from++;
        }
        return new ChangeWindow(Math.max(historyThrough, version), Arrays.copyOfRange(versions, from, versions.length), updates, b);
    }

    /** The versions held in (fromExclusive, toInclusive], oldest first. */
    List<VersionChanges> between(long fromExclusive, long toInclusive) {
        List<VersionChanges> out = new ArrayList<>();
        for (VersionChanges v : versions) {
            if (v.version() > fromExclusive && v.version() <= toInclusive) {
                out.add(v);
            }
        }
        return out;
    }

    long keyUpdates() {
        return keyUpdates;
    }

    long bytes() {
        return bytes;
    }

    int versionCount() {
        return versions.length;
    }

    /**
     * The value of {@code rawKey} as of {@code version} if a version held here (at or below it)
     * wrote it: the newest such write (null for a deletion); else {@link VersionChanges#NOT_WRITTEN}.
     */
    byte[] valueAt(byte[] rawKey, long version) {
        for (int i = versions.length - 1; i >= 0; i--) {
            if (versions[i].version() > version) {
                continue;
            }
            byte[] v = versions[i].valueOf(rawKey);
            if (v != VersionChanges.NOT_WRITTEN) {
                return v;
            }
        }
        return VersionChanges.NOT_WRITTEN;
    }

    /** As {@link #valueAt(byte[], long)}, by key hash. */
    byte[] valueAt(KeyHash keyHash, long version) {
        for (int i = versions.length - 1; i >= 0; i--) {
            VersionChanges vc = versions[i];
            if (vc.version() > version) {
                continue;
            }
            int at = vc.indexOf(keyHash);
            if (at >= 0) {
                return vc.values()[at];
            }
        }
        return VersionChanges.NOT_WRITTEN;
    }

    /** The raw key of {@code keyHash} if a version held here wrote it, else null. */
    byte[] preimage(KeyHash keyHash) {
        for (int i = versions.length - 1; i >= 0; i--) {
            int at = versions[i].indexOf(keyHash);
            if (at >= 0) {
                return versions[i].keys()[at];
            }
        }
        return null;
    }
}
