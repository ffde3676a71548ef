// The account's key. It is made (or imported) in this browser with WebCrypto Ed25519 as a
// non-extractable CryptoKey and kept in this origin's IndexedDB: the page can ask the browser to
// sign with it, but no script, this page's included, can read the private key's bytes back.
// Nothing here signs on its own: sign() is called only from a user's click (see main.js).

import { toHex, fromHex, ascii } from './util.js';

const DB_NAME = 'dexnode-keys';
const STORE = 'keys';
const SLOT = 'account';
const ALG = { name: 'Ed25519' };

function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function tx(mode, fn) {
  const d = await db();
  try {
    return await new Promise((resolve, reject) => {
      const t = d.transaction(STORE, mode);
      const req = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(req ? req.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    d.close();
  }
}

/** The stored key, {account, privateKey, origin}, or null. */
export async function loadKey() {
  return (await tx('readonly', (s) => s.get(SLOT))) || null;
}

async function save(key) {
  await tx('readwrite', (s) => s.put(key, SLOT));
  return key;
}

export async function forgetKey() {
  await tx('readwrite', (s) => s.delete(SLOT));
}

/** A fresh key pair; the private half is created non-extractable. */
export async function createKey() {
  const pair = await crypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  const account = toHex(await crypto.subtle.exportKey('raw', pair.publicKey));
  return save({ account, privateKey: pair.privateKey, origin: 'created in this browser' });
}

/**
 * A `dexnode keygen` file: {"publicKey": hex of the 32 raw bytes, "privateKey": hex PKCS#8}.
 * The private key is imported non-extractable, and checked against the public key by signing and
 * verifying a probe, as the CLI does when it reads the file.
 */
export async function importKeyFile(text) {
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('not a key file: it is not JSON');
  }
  if (!file || typeof file.publicKey !== 'string' || typeof file.privateKey !== 'string') {
    throw new Error('not a key file: need "publicKey" and "privateKey" hex strings');
  }
  const account = file.publicKey.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(account)) {
    throw new Error('not a key file: "publicKey" must be 64 hex digits');
  }
  const privateKey = await crypto.subtle.importKey('pkcs8', fromHex(file.privateKey), ALG, false, ['sign']);
  const publicKey = await crypto.subtle.importKey('raw', fromHex(account), ALG, true, ['verify']);
  const probe = ascii('dexnode key check');
  const sig = await crypto.subtle.sign(ALG, privateKey, probe);
  if (!(await crypto.subtle.verify(ALG, publicKey, sig, probe))) {
    throw new Error('the private key does not match the public key');
  }
  return save({ account, privateKey, origin: 'imported from a keygen file' });
}

/** The Ed25519 signature (hex) of the payload string's UTF-8 bytes. */
export async function sign(key, payload) {
  return toHex(await crypto.subtle.sign(ALG, key.privateKey, ascii(payload)));
}
