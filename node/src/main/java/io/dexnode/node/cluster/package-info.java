/**
 * Replication: a dexnode cluster on Apache Ratis (Raft). Owns the block as a log entry
 * ({@code BlockEntry}), the Raft state machine that executes committed entries on every replica
 * ({@code ChainStateMachine} over {@code ReplicaChain}), the leader's block proposer, snapshots (a
 * store checkpoint and its books) and their installation on a replica that is far behind, the
 * forwarding of a follower's writes to the leader, and who leads. Must not know how transactions
 * execute (the engine's) nor how the API shapes answers (api's); Raft protects against crashes,
 * not against replicas that lie.
 */
package io.dexnode.node.cluster;
