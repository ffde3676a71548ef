// The trading page: market data from the stream, the account panel, order entry signed in this
// browser. Every signature is made inside a handler of a trusted user event (a click, a submit,
// a key press in a form); nothing signs on a timer or on a message from the node.

import { LocalBook } from './book.js';
import { Stream } from './stream.js';
import { drawDepth } from './depth-chart.js';
import { createKey, forgetKey, importKeyFile, loadKey, sign } from './keys.js';
import { orderKey, verifyExistence } from './proof.js';
import { Refusal, request, row, shortHex } from './util.js';

const $ = (id) => document.getElementById(id);
const LADDER_LEVELS = 12;
const MAX_TRADES = 50;
const MAX_FILLS = 50;
const FAUCET_AMOUNT = 1000000;

const state = {
  chainId: null,
  markets: new Map(), // id -> market
  market: null, // selected id
  book: null,
  trades: [], // selected market, newest first
  viewHeight: 0,
  viewRoot: null, // {height, root}
  rootFetching: false,
  key: null,
  accountId: null,
  accountExists: false,
  lastNonceUsed: 0,
  fills: new Map(),
  openOrders: [],
};

// ---------------------------------------------------------------- notices and refusals

function notice(text, kind = 'ok', code = null) {
  const p = document.createElement('p');
  p.className = 'notice ' + kind;
  if (code) {
    const c = document.createElement('code');
    c.className = 'code';
    c.textContent = code;
    p.append(c, ' ');
  }
  p.append(text);
  const box = $('notices');
  box.prepend(p);
  while (box.children.length > 6) box.lastChild.remove();
}

function report(err) {
  if (err instanceof Refusal) {
    notice(err.detail, 'refused', err.code);
  } else {
    notice(String(err && err.message ? err.message : err), 'refused', 'error');
  }
}

/** Runs an async action for a trusted user event; refusals and failures are shown, never thrown. */
function onUser(target, type, action) {
  target.addEventListener(type, (event) => {
    if (!event.isTrusted) return; // a script-made event (element.click(), dispatchEvent) never reaches an action
    Promise.resolve().then(() => action(event)).catch(report);
  });
}

/**
 * A form's action runs on a trusted click of its submit button, which is also what the browser
 * fires when the user presses Enter in the form or Space on the button. A submit event alone is
 * not enough: form.requestSubmit() makes a trusted one without any user.
 */
function onUserSubmit(form, action) {
  form.addEventListener('submit', (event) => event.preventDefault());
  onUser(form, 'click', (event) => {
    const b = event.target.closest('button');
    if (b && b.type === 'submit' && form.contains(b)) return action(event);
    return null;
  });
}

// ---------------------------------------------------------------- the view: height and root

function seeHeight(h) {
  if (typeof h !== 'number' || h <= state.viewHeight) return;
  state.viewHeight = h;
  $('view-height').textContent = String(h);
  fetchRoot();
}

/** The root of the block the view reflects, from its header; one request at a time, the latest wins. */
async function fetchRoot() {
  if (state.rootFetching) return;
  state.rootFetching = true;
  try {
    while (!state.viewRoot || state.viewRoot.height !== state.viewHeight) {
      const h = state.viewHeight;
      const block = await request('/v1/blocks/' + h);
      state.viewRoot = { height: h, root: block.root };
      const el = $('view-root');
      el.textContent = shortHex(block.root, 10);
      el.title = 'state root at height ' + h + ': ' + block.root;
      el.dataset.height = String(h);
      el.dataset.root = block.root;
    }
  } catch (err) {
    report(err);
  } finally {
    state.rootFetching = false;
  }
}

// ---------------------------------------------------------------- market data

function onStream(msg) {
  if (typeof msg.height === 'number') seeHeight(msg.height);
  if (msg.op === 'error') {
    notice(msg.message, 'refused', msg.code);
    return;
  }
  switch (msg.channel) {
    case 'depth':
      if (msg.op) return; // an acknowledgement
      onDepth(msg);
      break;
    case 'trades':
      if (msg.op) return;
      onTrades(msg.market, msg.trades);
      break;
    case 'orders':
      if (msg.op) return;
      onOrders(msg);
      break;
    default:
  }
}

let stream;

function onDepth(msg) {
  const book = state.book;
  if (!book || msg.market !== book.market) return;
  if (msg.type === 'snapshot') {
    book.snapshot(msg);
  } else if (!book.diff(msg)) {
    // The gap rule: this diff does not follow our book; take a fresh snapshot.
    book.height = null;
    stream.resubscribe('depth', { market: book.market });
    return;
  }
  scheduleBook();
}

let bookFrame = 0;
function scheduleBook() {
  if (!bookFrame) bookFrame = requestAnimationFrame(renderBook);
}

function renderBook() {
  bookFrame = 0;
  const book = state.book;
  const bids = book ? book.levels('bids') : [];
  const asks = book ? book.levels('asks') : [];
  const asksBody = $('ladder-asks');
  const bidsBody = $('ladder-bids');
  asksBody.replaceChildren(...asks.slice(0, LADDER_LEVELS).reverse()
    .map(([p, s, t]) => row([p, s, t], { 'data-price': p, 'data-side': 'ask' })));
  bidsBody.replaceChildren(...bids.slice(0, LADDER_LEVELS)
    .map(([p, s, t]) => row([p, s, t], { 'data-price': p, 'data-side': 'bid' })));
  const spread = bids.length && asks.length ? 'spread ' + (asks[0][0] - bids[0][0]) : (book && book.height !== null ? 'one-sided book' : 'loading…');
  $('spread').textContent = spread + (book && book.height !== null ? ' · book at height ' + book.height : '');
  drawDepth($('depth-chart'), bids, asks);
}

function onTrades(market, trades) {
  for (const t of trades) recordFill(t);
  if (market !== state.market) return;
  state.trades = [...trades.slice().reverse(), ...state.trades].slice(0, MAX_TRADES);
  renderTrades();
}

function renderTrades() {
  $('trades').replaceChildren(...state.trades.map((t) =>
    row([t.price, t.size, t.takerSide, t.height], { class: t.takerSide === 'buy' ? 'up' : 'down' })));
}

async function selectMarket(id) {
  if (state.market !== null) {
    stream.unsubscribe('depth', { market: state.market });
  }
  state.market = id;
  state.book = new LocalBook(id);
  state.trades = [];
  const m = state.markets.get(id);
  $('market-info').textContent = 'tick ' + m.tickSize + ' · lot ' + m.lotSize + ' · min ' + m.minSize
    + ' · fees ' + m.makerFeeBps + '/' + m.takerFeeBps + ' bps';
  $('price').step = m.tickSize;
  stream.subscribe('depth', { market: id });
  renderBook();
  renderTrades();
  try {
    const recent = await request('/v1/markets/' + id + '/trades?limit=' + MAX_TRADES);
    if (state.market === id) {
      const seen = new Set(state.trades.map(tradeKey));
      state.trades = [...state.trades, ...recent.trades.filter((t) => !seen.has(tradeKey(t)))].slice(0, MAX_TRADES);
      for (const t of recent.trades) recordFill(t);
      renderTrades();
    }
  } catch (err) {
    if (!(err instanceof Refusal && err.status === 404)) report(err); // no history on this node: live trades only
  }
}

function tradeKey(t) {
  return t.height + ':' + t.makerOrderId + ':' + t.takerOrderId;
}

// ---------------------------------------------------------------- the account

function showKey() {
  const has = state.key !== null;
  $('no-key').hidden = has;
  $('has-key').hidden = !has;
  if (has) {
    $('account-name').textContent = state.key.account;
    $('account-name').title = state.key.account;
    $('key-where').textContent = 'Key ' + state.key.origin + '; kept in this browser\'s IndexedDB for '
      + location.host + ' as a non-extractable WebCrypto key (it cannot be read back, only used to sign).';
  }
}

async function useKey(key, exists) {
  state.key = key;
  state.accountExists = exists;
  state.accountId = null;
  state.lastNonceUsed = 0;
  state.fills.clear();
  showKey();
  stream.subscribe('orders', { account: key.account });
  renderFills();
  if (exists) await refreshAccount();
}

let accountTimer = 0;
function scheduleAccount() {
  clearTimeout(accountTimer);
  accountTimer = setTimeout(() => refreshAccount().catch(report), 30);
}

async function refreshAccount() {
  if (!state.key || !state.accountExists) return null;
  let a;
  try {
    a = await request('/v1/accounts/' + state.key.account);
  } catch (err) {
    if (err instanceof Refusal && err.code === 'unknown_account') {
      state.accountExists = false;
      $('balances').replaceChildren();
      notice('This account does not exist on this chain yet: deposit to create it.', 'info');
      return null;
    }
    throw err;
  }
  state.accountId = a.accountId;
  state.openOrders = a.openOrders;
  const dl = $('balances');
  dl.replaceChildren();
  for (const [name, v] of [['Collateral', a.collateral], ['Equity', a.equity], ['Withdrawable', a.withdrawable],
    ['Initial margin', a.initialMargin], ['Last nonce', a.lastNonce]]) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = String(v);
    dl.append(dt, dd);
  }
  renderOpenOrders();
  $('positions').replaceChildren(...a.positions.map((p) =>
    row([marketName(p.market), p.size, p.entryNotional, p.realizedPnl], { 'data-market': p.market })));
  return a;
}

function marketName(id) {
  const m = state.markets.get(id);
  return m ? m.symbol : '#' + id;
}

function button(label, action, extra = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = 'small';
  for (const [k, v] of Object.entries(extra)) b.setAttribute(k, v);
  onUser(b, 'click', action);
  return b;
}

function renderOpenOrders() {
  $('open-orders').replaceChildren(...state.openOrders.map((o) => {
    const actions = document.createElement('span');
    actions.className = 'actions';
    actions.append(
      button('Cancel', () => submit({ type: 'cancel', order: o.orderId }), { 'aria-label': 'Cancel order ' + o.orderId }),
      button('Amend', () => openAmend(o), { 'aria-label': 'Amend order ' + o.orderId }),
      button('Verify', () => verifyOrder(o.orderId), { 'aria-label': 'Verify order ' + o.orderId + ' against the state root', 'data-verify': o.orderId }));
    return row([o.orderId, o.side, o.price, o.remaining + '/' + o.size, actions],
      { 'data-order': o.orderId, class: o.side === 'buy' ? 'up' : 'down' });
  }));
}

function onOrders(msg) {
  if (!state.key || msg.account !== state.key.account) return;
  state.accountId = msg.accountId;
  state.accountExists = true;
  for (const o of msg.orders) {
    if (o.status !== 'active') {
      const reason = o.reason ? ' (' + o.reason + ')' : '';
      notice('Order ' + o.orderId + ' ' + o.status + reason + ', filled ' + o.filled, 'info');
    }
  }
  scheduleAccount();
}

function recordFill(t) {
  if (state.accountId === null) return;
  const mine = [];
  if (t.makerAccountId === state.accountId) mine.push(['maker', t.makerOrderId, t.makerFee, t.takerSide === 'buy' ? 'sell' : 'buy']);
  if (t.takerAccountId === state.accountId) mine.push(['taker', t.takerOrderId, t.takerFee, t.takerSide]);
  for (const [role, orderId, fee, side] of mine) {
    state.fills.set(tradeKey(t) + ':' + role, { ...t, role, orderId, fee, side });
  }
  if (mine.length) renderFills();
}

function renderFills() {
  const fills = [...state.fills.values()].sort((a, b) => b.height - a.height).slice(0, MAX_FILLS);
  $('fills').replaceChildren(...fills.map((f) => row([
    f.orderId, f.side + ' (' + f.role + ')', marketName(f.market) + ' @ ' + f.price, f.size, f.fee,
  ], { 'data-order': f.orderId })));
}

// ---------------------------------------------------------------- signing and sending

async function nextNonce() {
  let last = state.lastNonceUsed;
  if (state.accountExists) {
    const a = await refreshAccount();
    if (a) last = Math.max(last, a.lastNonce);
  }
  state.lastNonceUsed = last + 1;
  return last + 1;
}

/** Signs {type, …fields} for this account and posts it; shows the answer or the refusal. */
async function submit(fields) {
  if (!state.key) {
    notice('Create or import a key first.', 'refused', 'no_key');
    return null;
  }
  const payload = JSON.stringify({
    type: fields.type, account: state.key.account, nonce: await nextNonce(), chainId: state.chainId, ...fields,
  });
  const signature = await sign(state.key, payload);
  let answer;
  try {
    answer = await request('/v1/tx', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload, pubkey: state.key.account, signature }),
    });
  } catch (err) {
    report(err);
    if (err instanceof Refusal && state.accountExists) scheduleAccount();
    return null;
  }
  state.accountExists = true;
  notice(describe(answer), 'ok');
  for (const f of answer.fills || []) recordFill(f.height ? f : { ...f, height: answer.height });
  scheduleAccount();
  return answer;
}

function describe(a) {
  switch (a.type) {
    case 'place': case 'cancel': case 'amend': case 'reduce': {
      const filled = (a.fills || []).reduce((n, f) => n + f.size, 0);
      return a.type + ' order ' + a.orderId + ': ' + a.status + ', ' + a.remaining + ' remaining'
        + (filled ? ', traded ' + filled : '') + ' (height ' + a.height + ')';
    }
    case 'cancel_all':
      return 'cancelled ' + a.cancelled + ' orders (height ' + a.height + ')';
    default:
      return a.type + ' done (height ' + a.height + ')';
  }
}

function positiveInt(text, name) {
  const s = String(text).trim();
  if (!/^[0-9]{1,15}$/.test(s) || Number(s) <= 0) {
    throw new Refusal(0, 'malformed', name + ' must be a whole number above 0');
  }
  return Number(s);
}

async function placeOrder() {
  const form = $('order-form');
  const data = new FormData(form);
  const fields = {
    type: 'place',
    market: state.market,
    side: data.get('side'),
    price: positiveInt(data.get('price'), 'price'),
    size: positiveInt(data.get('size'), 'size'),
    tif: data.get('tif'),
  };
  await submit(fields);
}

let amending = null;
function openAmend(o) {
  amending = o;
  $('amend-id').textContent = '#' + o.orderId;
  $('amend-price').value = String(o.price);
  $('amend-size').value = String(o.remaining);
  $('amend-form').hidden = false;
  $('amend-price').focus();
}

async function amendOrder() {
  if (!amending) return;
  const price = positiveInt($('amend-price').value, 'price');
  const size = positiveInt($('amend-size').value, 'size');
  const fields = { type: 'amend', order: amending.orderId };
  if (price !== amending.price) fields.price = price;
  if (size !== amending.remaining) fields.size = size;
  if (!('price' in fields) && !('size' in fields)) {
    notice('Nothing to amend: change the price or the size.', 'refused', 'malformed');
    return;
  }
  if (await submit(fields)) {
    $('amend-form').hidden = true;
    amending = null;
  }
}

// ---------------------------------------------------------------- proofs

async function verifyOrder(orderId) {
  const verdict = $('verdict');
  verdict.className = 'verdict';
  verdict.textContent = 'Verifying order ' + orderId + '…';
  const key = orderKey(orderId);
  const proof = await request('/v1/proof?order=' + orderId);
  // The root to trust is the block header's at the proof's height, fetched apart from the proof.
  const block = await request('/v1/blocks/' + proof.height);
  const result = await verifyExistence(proof, key, block.root);
  verdict.dataset.order = String(orderId);
  verdict.dataset.verdict = result.ok ? 'verified' : 'failed';
  verdict.classList.add(result.ok ? 'ok' : 'refused');
  verdict.textContent = (result.ok ? '✔ Verified: order ' + orderId + ' is in state at height ' + proof.height
    + ' (' + result.reason + ', the block\'s root' + (state.viewRoot && state.viewRoot.height === proof.height ? ', the one this view shows' : '') + ').'
    : '✘ Not verified: order ' + orderId + ': ' + result.reason + '.');
}

// ---------------------------------------------------------------- start

/** Retries while the node answers 503 (recovering its books, or busy), showing the refusal once. */
async function firstAnswer(read) {
  for (let shown = false; ; shown = true) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof Refusal) || err.status !== 503) throw err;
      if (!shown) report(err);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function start() {
  if (!window.isSecureContext || !crypto.subtle) {
    notice('This browser will not sign here: WebCrypto needs a secure context (https, or the node on localhost/127.0.0.1).', 'refused', 'insecure_context');
  }
  stream = new Stream(onStream, (s) => {
    const c = $('conn');
    c.dataset.state = s;
    c.textContent = s;
  });
  const [chain, markets] = await firstAnswer(() => Promise.all([request('/v1/chain'), request('/v1/markets')]));
  state.chainId = chain.chainId;
  $('faucet').hidden = !chain.dev; // only a --dev node lets anyone deposit to their own account
  seeHeight(chain.height);
  const select = $('market');
  for (const m of markets) {
    state.markets.set(m.market, m);
    const o = document.createElement('option');
    o.value = String(m.market);
    o.textContent = m.symbol + ' (#' + m.market + ')';
    select.append(o);
    stream.subscribe('trades', { market: m.market });
  }
  select.addEventListener('change', () => selectMarket(Number(select.value)).catch(report));
  window.addEventListener('resize', scheduleBook);

  onUser($('create-key'), 'click', async () => {
    await useKey(await createKey(), false);
    notice('New key created; deposit with the faucet to open the account.', 'ok');
  });
  onUser($('import-key'), 'change', async (e) => {
    const file = e.target.files && e.target.files[0];
    if (!file) return;
    if (file.size > 4096) throw new Error('a key file is a few hundred bytes; this one is not one');
    await useKey(await importKeyFile(await file.text()), true);
    notice('Key imported.', 'ok');
  });
  onUser($('forget-key'), 'click', async () => {
    if (!confirm('Forget this key? Without a copy of it, its account cannot be used again.')) return;
    stream.unsubscribe('orders', { account: state.key.account });
    await forgetKey();
    state.key = null;
    state.openOrders = [];
    renderOpenOrders();
    $('positions').replaceChildren();
    $('balances').replaceChildren();
    $('fills').replaceChildren();
    showKey();
  });
  onUser($('faucet'), 'click', () => submit({ type: 'deposit', amount: FAUCET_AMOUNT }));
  onUserSubmit($('order-form'), placeOrder);
  onUser($('cancel-all'), 'click', () => submit({ type: 'cancel_all' }));
  onUserSubmit($('amend-form'), amendOrder);
  $('amend-close').addEventListener('click', () => {
    $('amend-form').hidden = true;
    amending = null;
  });

  if (markets.length) {
    await selectMarket(markets[0].market);
  }
  const key = await loadKey();
  if (key) {
    await useKey(key, true);
  } else {
    showKey();
  }
  document.body.dataset.ready = 'true';
}

start().catch(report);
