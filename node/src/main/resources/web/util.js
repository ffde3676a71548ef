// Small helpers the page's modules share: hex, JSON requests in the API's error shape, DOM rows.

export function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error('not hex: ' + String(hex).slice(0, 20));
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return out;
}

export function ascii(text) {
  return new TextEncoder().encode(text);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A refusal of the API: {code, message} and the HTTP status. */
export class Refusal extends Error {
  constructor(status, code, message) {
    super(code + ': ' + message);
    this.status = status;
    this.code = code;
    this.detail = message;
  }
}

/** GET or POST JSON; a non-2xx answer becomes a Refusal carrying the API's code and message. */
export async function request(path, options = {}) {
  const res = await fetch(path, { cache: 'no-store', ...options });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const code = body && typeof body.code === 'string' ? body.code : 'http_' + res.status;
    const message = body && typeof body.message === 'string' ? body.message : text.slice(0, 200);
    throw new Refusal(res.status, code, message);
  }
  return body;
}

/** A table row of text cells (never HTML: every value is set as text). */
export function row(cells, attrs = {}) {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) {
    tr.setAttribute(k, v);
  }
  for (const c of cells) {
    const td = document.createElement('td');
    if (c instanceof Node) {
      td.append(c);
    } else {
      td.textContent = c;
    }
    tr.append(td);
  }
  return tr;
}

export function shortHex(hex, n = 8) {
  return hex && hex.length > 2 * n ? hex.slice(0, n) + '…' + hex.slice(-4) : hex || '–';
}
