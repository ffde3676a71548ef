// A market's book as the stream describes it (docs/API.md, "Keeping a local book"): a snapshot,
// then diffs, each naming the height of the message before it. A diff whose prevHeight is not the
// book's height means a message was missed: the book says so and must be fetched again.

export class LocalBook {
  constructor(market) {
    this.market = market;
    this.height = null; // null until a snapshot arrived
    this.bids = new Map(); // price -> size
    this.asks = new Map();
  }

  /** Replaces everything with a snapshot's levels. */
  snapshot(msg) {
    this.bids = new Map(msg.bids.map(([p, s]) => [p, s]));
    this.asks = new Map(msg.asks.map(([p, s]) => [p, s]));
    this.height = msg.height;
  }

  /**
   * Applies a diff; returns false (and changes nothing) when it does not follow the book's height,
   * which is the gap rule: the caller resubscribes for a fresh snapshot.
   */
  diff(msg) {
    if (this.height === null || msg.prevHeight !== this.height) {
      return false;
    }
    for (const [p, s] of msg.bids) {
      if (s === 0) this.bids.delete(p); else this.bids.set(p, s);
    }
    for (const [p, s] of msg.asks) {
      if (s === 0) this.asks.delete(p); else this.asks.set(p, s);
    }
    this.height = msg.height;
    return true;
  }

  /** Levels best first, with the running total: [[price, size, cumulative], …]. */
  levels(side, limit = Infinity) {
    const m = side === 'bids' ? this.bids : this.asks;
    const prices = [...m.keys()].sort((a, b) => (side === 'bids' ? b - a : a - b));
    const out = [];
    let total = 0;
    for (const p of prices.slice(0, limit)) {
      total += m.get(p);
      out.push([p, m.get(p), total]);
    }
    return out;
  }
}
