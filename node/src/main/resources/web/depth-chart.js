// The depth chart: cumulative size against price, bids stepping down to the left of the spread and
// asks stepping up to the right, drawn on a canvas sized to its box and the screen's pixel ratio.

const BID = '#3ccf91';
const ASK = '#f0616d';

export function drawDepth(canvas, bids, asks) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 300;
  const cssHeight = canvas.clientHeight || 200;
  if (canvas.width !== Math.round(cssWidth * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, cssWidth, cssHeight);
  const pad = { l: 8, r: 8, t: 10, b: 20 };
  const w = cssWidth - pad.l - pad.r;
  const h = cssHeight - pad.t - pad.b;
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#8a9bb0';
  if (bids.length === 0 && asks.length === 0) {
    g.fillText('no resting orders', pad.l + w / 2 - 45, pad.t + h / 2);
    return;
  }
  const prices = [...bids.map((l) => l[0]), ...asks.map((l) => l[0])];
  let lo = Math.min(...prices);
  let hi = Math.max(...prices);
  const margin = Math.max(1, (hi - lo) * 0.1);
  lo -= margin;
  hi += margin;
  const top = Math.max(bids.length ? bids[bids.length - 1][2] : 0, asks.length ? asks[asks.length - 1][2] : 0);
  const x = (p) => pad.l + ((p - lo) / (hi - lo)) * w;
  const y = (v) => pad.t + h - (v / (top * 1.1)) * h;

  // bids: from the best price leftwards, the total grows at each lower level
  side(g, bids, x, y, pad.l, pad.t + h, BID);
  side(g, asks, x, y, pad.l + w, pad.t + h, ASK);

  g.fillStyle = '#8a9bb0';
  g.fillText(String(Math.ceil(lo)), pad.l, cssHeight - 5);
  const hiLabel = String(Math.floor(hi));
  g.fillText(hiLabel, pad.l + w - g.measureText(hiLabel).width, cssHeight - 5);
  g.fillText('total ' + top, pad.l, pad.t + 2);
}

function side(g, levels, x, y, edge, base, color) {
  if (levels.length === 0) return;
  g.beginPath();
  g.moveTo(x(levels[0][0]), base);
  let prev = 0;
  for (const [price, , total] of levels) {
    g.lineTo(x(price), y(prev));
    g.lineTo(x(price), y(total));
    prev = total;
  }
  g.lineTo(edge, y(prev));
  g.lineTo(edge, base);
  g.closePath();
  g.fillStyle = color + '33';
  g.fill();
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.stroke();
}
