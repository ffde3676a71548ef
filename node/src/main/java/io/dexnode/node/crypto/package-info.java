/**
 * Ed25519 in the forms the API uses: verification of a request's signature (raw 32-byte public
 * keys, which are account names) on BouncyCastle's RFC 8032 code, and the
 * {@link io.dexnode.node.crypto.Signer} of a key file, which the command line, the benchmarks and
 * the tests use to sign. It knows nothing of transactions beyond the bytes signed.
 */
package io.dexnode.node.crypto;
