/**
 * The command line's HTTP client of a node's REST API: GETs, signed submissions, the account's last
 * nonce and the chain id. It speaks only the documented API (docs/API.md), never the node's
 * classes beyond the signer.
 */
package io.dexnode.cli.client;
