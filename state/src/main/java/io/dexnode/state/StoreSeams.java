package io.dexnode.state;

/**
 * Where tests reach into a running store, given to it when it opens (package-private): each hook
 * runs on the thread doing the work it names, just before the write. A hook that throws fails that
 * write as an I/O error would. The store's normal seams do nothing.
 */
interface StoreSeams {
    StoreSeams NONE = new StoreSeams() {};

    /** On the writer thread, before version {@code version}'s commit is written. */
    default void beforeCommitWrite(long version) throws Exception {
    }

    /** On the background thread, before the tree of {@code version} is written. */
    default void beforeTreePersist(long version) throws Exception {
    }

    /**
     * On the background thread, after each write of a persist of {@code version} but its last (the
     * one that marks the tree whole): part of the tree is on disk, the marker is not.
     */
    default void betweenTreePersistWrites(long version) throws Exception {
    }
}
