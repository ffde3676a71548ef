// One WebSocket to /v1/stream, held open: it remembers what the page subscribed to and subscribes
// again after a reconnect (depth then starts from a fresh snapshot, as the gap rule wants).

export class Stream {
  constructor(onMessage, onState) {
    this.onMessage = onMessage;
    this.onState = onState;
    this.subs = new Map(); // key -> subscription message
    this.ws = null;
    this.retryMs = 500;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/v1/stream');
    this.ws = ws;
    this.onState('connecting');
    ws.addEventListener('open', () => {
      this.retryMs = 500;
      this.onState('live');
      for (const msg of this.subs.values()) {
        ws.send(JSON.stringify(msg));
      }
    });
    ws.addEventListener('message', (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      this.onMessage(msg);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.onState('reconnecting');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  static key(msg) {
    return msg.channel + ':' + (msg.market ?? msg.account);
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
    }
  }

  subscribe(channel, target) {
    const msg = { op: 'subscribe', channel, ...target };
    this.subs.set(Stream.key(msg), msg);
    this.send(msg);
  }

  unsubscribe(channel, target) {
    const msg = { op: 'unsubscribe', channel, ...target };
    this.subs.delete(Stream.key(msg));
    this.send(msg);
  }

  /** Gap rule: drop the subscription and take it again, for a fresh snapshot. */
  resubscribe(channel, target) {
    this.unsubscribe(channel, target);
    this.subscribe(channel, target);
  }
}
