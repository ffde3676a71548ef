/**
 * ICS23 commitment proofs for the tree: the proof spec of a JMT, proofs built from the tree's own
 * (existence, non-existence), their verification, and their protobuf and JSON forms, so that a
 * light client that speaks ICS23 can check a value against a state root. It depends only on the
 * tree package; it knows nothing of storage or of what the keys mean.
 */
package io.dexnode.jmt.ics23;
