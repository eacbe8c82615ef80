// Polls the status document twice a second and redraws; no external assets, no page reloads.
'use strict';
const LANES = [['mouse', '#4fc3f7'], ['keyboard', '#ffb74d'], ['controller', '#ba68c8']];
const $ = (id) => document.getElementById(id);

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(id, items, render) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  items.forEach((it) => render(body.insertRow(), it));
}

function badge(td, state) {
  td.replaceChildren();
  const s = document.createElement('span');
  s.className = 'state ' + state;
  s.textContent = state;
  td.appendChild(s);
}

// Four horizontal grid lines with their values, from max at the top to 0.
function drawGrid(ctx, w, h, pad, max) {
  ctx.strokeStyle = '#2c3038';
  ctx.fillStyle = '#8a93a0';
  ctx.font = '11px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = pad / 2 + (h - pad) * i / 4;
    ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(String(Math.round(max * (4 - i) / 4)), 2, y + 4);
  }
}

function drawPlot(rates) {
  const canvas = $('plot');
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 30;
  ctx.clearRect(0, 0, w, h);
  const n = rates.times.length;
  let peak = 0;
  LANES.forEach(([lane]) => rates[lane].forEach((v) => { if (v > peak) peak = v; }));
  // round the scale up to 1, 2 or 5 × 10^n (at least 10/s) so the grid labels stay whole numbers
  let max = 10;
  while (max < peak) max *= (String(max)[0] === '2' ? 2.5 : 2);
  drawGrid(ctx, w, h, pad, max);
  const x = (k) => pad + (w - pad) * (120 - n + k) / 119;
  const y = (v) => pad / 2 + (h - pad) * (1 - v / max);
  LANES.forEach(([lane, color]) => {
    const vals = rates[lane];
    if (vals.length === 0) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    vals.forEach((v, k) => (k === 0 ? ctx.moveTo(x(k), y(v)) : ctx.lineTo(x(k), y(v))));
    ctx.stroke();
  });
  canvas.dataset.samples = String(n);
  canvas.dataset.max = String(peak);
  canvas.dataset.last = LANES.map(([lane]) => rates[lane][n - 1] || 0).join(',');
  $('legend').replaceChildren(...LANES.map(([lane, color]) => {
    const s = document.createElement('span');
    s.style.color = color;
    s.textContent = lane + ': ' + (rates[lane][n - 1] || 0) + '/s';
    return s;
  }));
}

const CRTC_COLORS = ['#81c784', '#e57373', '#64b5f6', '#fff176'];

// Frame intervals per CRTC, newest on the right; the scale is at least 2x the slowest CRTC's median.
function drawFrames(frames) {
  const canvas = $('frameplot');
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 30, slots = 600;
  ctx.clearRect(0, 0, w, h);
  let max = 1;
  frames.forEach((c) => { max = Math.max(max, 2 * c.p50ms); c.recentMs.forEach((v) => { if (v > max) max = v; }); });
  max = Math.ceil(max / 5) * 5;
  drawGrid(ctx, w, h, pad, max);
  frames.forEach((c, i) => {
    const vals = c.recentMs;
    const x = (k) => pad + (w - pad) * (slots - vals.length + k) / (slots - 1);
    const y = (v) => pad / 2 + (h - pad) * (1 - v / max);
    ctx.strokeStyle = CRTC_COLORS[i % CRTC_COLORS.length];
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    vals.forEach((v, k) => (k === 0 ? ctx.moveTo(x(k), y(v)) : ctx.lineTo(x(k), y(v))));
    ctx.stroke();
  });
  canvas.dataset.crtcs = String(frames.length);
  canvas.dataset.samples = frames.map((c) => c.recentMs.length).join(',');
}

function render(d) {
  $('profile').textContent = 'profile: ' + (d.profile || '—');
  fill('parts', d.core ? d.parts : [{ part: 'core', state: 'UNAVAILABLE', reason: 'the core bundle is not running' }],
    (r, p) => { cell(r, p.part); badge(cell(r, ''), p.state); cell(r, p.reason); });
  fill('contributions', d.contributions, (r, c) => { cell(r, c.name); cell(r, c.status); });
  const s = d.scheduler;
  const dl = $('scheduler');
  dl.replaceChildren();
  const n = (k) => (d.counters || {})[k] || 0;
  const facts = s ? [['kernel state', s.kernelState], ['ops', s.opsName || '—'], ['attached', s.attached ? 'yes' : 'no'],
    ['enable_seq', s.enableSeq], ['restarts', s.restarts], ['audio periods', n('audio.periods')],
    ['audio classed', n('sched.audio.classified')], ['audio boosted', n('sched.audio.boosted')],
    ['on idle cores', n('sched.topo.idle.core')], ['in own LLC', n('sched.topo.llc.local')], ['LLC steals', n('sched.topo.steals')],
    ['render commits', n('render.commits')], ['render flips', n('render.flips')],
    ['render classed', n('sched.render.classified')], ['render boosted', n('sched.render.boosted')],
    ['audio wakeups', n('sched.audio.wakeups')], ['futex wakes', n('futex.wakes')],
    ['futex hand-offs', n('sched.futex.handoffs')], ['futex boosted', n('sched.futex.boosted')],
    ['ntsync signals', n('ntsync.wakes')], ['ntsync hand-offs', n('sched.ntsync.handoffs')],
    ['ntsync boosted', n('sched.ntsync.boosted')]]
    : [['state', 'unknown (core not running)']];
  facts.forEach(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = String(v);
    dd.id = 'sched-' + k.replace(/[^a-z]/g, '');
    dl.append(dt, dd);
  });
  fill('exits', s ? s.exits.slice().reverse() : [], (r, e) => {
    cell(r, e.at); cell(r, e.kind, 'num'); cell(r, e.exitCode, 'num'); cell(r, e.reason); cell(r, e.message);
  });
  drawPlot(d.rates);
  const frames = d.frames || [];
  drawFrames(frames);
  fill('frames', frames, (r, c) => {
    const name = cell(r, c.name);
    name.style.color = CRTC_COLORS[frames.indexOf(c) % CRTC_COLORS.length];
    cell(r, c.flips, 'num'); cell(r, c.fps, 'num'); cell(r, c.low1, 'num');
    [c.p50ms, c.p90ms, c.p99ms, c.p999ms, c.maxMs].forEach((v) => cell(r, v + ' ms', 'num'));
    cell(r, c.pauses, 'num');
  });
  $('framesnote').textContent = d.frames === null ? 'the stats plugin is not running (org.scxgamer.stats.jar in deploy/)'
    : (frames.length === 0 ? 'no page flips seen (part RENDER_HOOK)' : '');
  const l = d.latency;
  $('latwin').textContent = '(last ' + l.windowSeconds + ' s: ' + l.count + ' events; since start: ' + l.totalCount + ')';
  fill('latency', [['p50', l.p50us], ['p90', l.p90us], ['p99', l.p99us], ['p99.9', l.p999us], ['max', l.maxUs]],
    (r, [k, v]) => { cell(r, k); cell(r, v + ' µs', 'num'); });
  const c = d.counters;
  const rings = d.rings.filter((x) => x.dropped > 0);
  fill('rings', [{ ring: 'all (kernel)', dropped: c['events.dropped.kernel'] || 0 }, ...rings],
    (r, x) => { cell(r, x.ring); cell(r, x.dropped, 'num'); });
  fill('devices', d.devices, (r, x) => {
    cell(r, x.id, 'num'); cell(r, x.name); cell(r, x.ids); cell(r, x.classification); cell(r, x.events, 'num');
    cell(r, x.heldKeys, 'num'); cell(r, x.seconds + ' s', 'num'); cell(r, x.learned);
  });
  fill('gone', d.deviceHistory.slice().reverse(), (r, x) => {
    cell(r, x.id, 'num'); cell(r, x.name); cell(r, x.ids); cell(r, x.classification); cell(r, x.events, 'num');
    cell(r, x.seconds + ' s', 'num');
  });
  fill('subscribers', d.subscribers, (r, x) => {
    cell(r, x.name); cell(r, x.bundle); cell(r, x.matched, 'num'); cell(r, x.delivered, 'num');
    cell(r, x.dropped, 'num'); cell(r, x.failures, 'num'); cell(r, x.queued + ' / ' + x.queueCapacity, 'num');
  });
  fill('plugins', d.plugins, (r, p) => {
    cell(r, p.bundle); cell(r, p.version); badge(cell(r, ''), p.state); cell(r, p.dropIn ? 'deploy/' : 'runtime');
  });
}

async function poll() {
  const conn = $('conn');
  try {
    const resp = await fetch('/scxgamer/api/status', { cache: 'no-store', credentials: 'same-origin' });
    if (resp.status === 401) { location.reload(); return; }
    if (!resp.ok) throw new Error('HTTP ' + resp.status);
    render(await resp.json());
    conn.textContent = 'live ' + new Date().toLocaleTimeString();
    conn.className = 'badge ok';
  } catch (e) {
    conn.textContent = 'disconnected: ' + e.message;
    conn.className = 'badge err';
  }
}

poll();
setInterval(poll, 500);
