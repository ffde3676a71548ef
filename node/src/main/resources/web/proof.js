// Checks a state proof in the browser: the ICS23 existence proof GET /v1/proof returns, folded
// with WebCrypto SHA-256 by the JMT rules (shared/spec/JMT.md §1.4, §1.5, §3.6.2) up to a root,
// which must equal the root the caller trusts (the block header of the height the page shows).

import { ascii, concat, fromHex, toHex } from './util.js';

const LEAF_PREFIX = ascii('JMT::LeafNode');
const INTERNAL_PREFIX = ascii('JMT::IntrnalNode'); // 16 bytes; the spelling is the crate's
const MAX_DEPTH = 256;

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function bit(bytes, i) {
  return (bytes[i >> 3] >> (7 - (i & 7))) & 1;
}

/** The state key of an order: tag 02, then the id as 8 big-endian bytes. */
export function orderKey(orderId) {
  return '02' + BigInt(orderId).toString(16).padStart(16, '0');
}

/**
 * Verdict {ok, reason} for `proof` (the JSON of GET /v1/proof) proving that `keyHex` holds a value
 * under `trustedRoot` (hex). Every field the fold uses is checked against the JMT layout, so a
 * proof for another key, another value or another tree fails.
 */
export async function verifyExistence(proof, keyHex, trustedRoot) {
  const fail = (reason) => ({ ok: false, reason });
  if (!proof || proof.exists !== true || !proof.ics23 || !proof.ics23.exist) {
    return fail('the node says the key does not exist');
  }
  const e = proof.ics23.exist;
  if (e.key !== keyHex || proof.key !== keyHex) {
    return fail('the proof is for key ' + e.key + ', not ' + keyHex);
  }
  if (!e.value || e.value !== proof.value) {
    return fail('the proof carries no value, or not the value answered');
  }
  const leaf = e.leaf;
  if (!leaf || leaf.hash !== 'SHA256' || leaf.prehashKey !== 'SHA256' || leaf.prehashValue !== 'SHA256'
      || leaf.length !== 'NO_PREFIX' || leaf.prefix !== toHex(LEAF_PREFIX)) {
    return fail('the leaf is not a JMT SHA-256 leaf');
  }
  if (!Array.isArray(e.path) || e.path.length > MAX_DEPTH) {
    return fail('the path is missing or too deep');
  }
  const keyHash = await sha256(fromHex(keyHex));
  let cur = await sha256(concat(LEAF_PREFIX, keyHash, await sha256(fromHex(e.value))));
  const n = e.path.length;
  for (let i = 0; i < n; i++) {
    const step = e.path[i];
    if (step.hash !== 'SHA256') {
      return fail('step ' + i + ' does not hash with SHA-256');
    }
    const prefix = fromHex(step.prefix);
    const suffix = fromHex(step.suffix);
    if (!equal(prefix.slice(0, 16), INTERNAL_PREFIX)) {
      return fail('step ' + i + ' is not a JMT internal node');
    }
    // The key's bit at this depth says on which side the path runs; the sibling sits on the other.
    const right = bit(keyHash, n - 1 - i) === 1;
    if (right ? prefix.length !== 48 || suffix.length !== 0 : prefix.length !== 16 || suffix.length !== 32) {
      return fail('step ' + i + ' puts the sibling on the wrong side for this key');
    }
    cur = await sha256(concat(prefix, cur, suffix));
  }
  const computed = toHex(cur);
  if (computed !== proof.root) {
    return fail('the proof folds to ' + computed + ', not the root it names');
  }
  if (computed !== trustedRoot) {
    return fail('the proof folds to ' + computed + ', not the block\'s root ' + trustedRoot);
  }
  return { ok: true, reason: 'folds to root ' + computed };
}
