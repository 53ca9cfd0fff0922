// Frame times of the web map while it pans and zooms, in Debian's Chromium (playwright-core),
// and the server's tile latency as a client sees it.
//
//   node web/test/frames.mjs http://127.0.0.1:PORT [LABEL]
//
// Run against a running server (scripts/frames.sh makes the data, starts one and stops it).
// The page opens on the whole country; once it is idle a scripted sequence of animated pans,
// zooms and flights runs while requestAnimationFrame records the interval between frames.
// Prints p50/p95/p99/max frame time, the share of frames over 50 ms, and tile request times
// (a first pass over a set of tiles, then the same tiles again). Chromium here draws WebGL in
// software (SwiftShader): frames are slower than on a machine with a GPU, and the page draws at
// half resolution while the map moves (app.js); FRAMES_QUERY=resolution=full measures it at full
// resolution throughout. FRAMES_VIEWPORT=WxH changes the window (1280x800), FRAMES_ARGS adds
// Chromium flags.

import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';

const base = (process.argv[2] ?? '').replace(/\/$/, '');
const label = process.argv[3] ?? '';
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('usage: node web/test/frames.mjs http://127.0.0.1:PORT [LABEL]');
  process.exit(2);
}

const ALEPPO = [37.16, 36.2];
const DAMASCUS = [36.29, 33.51];
const SYRIA = [38.6, 34.9];

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

const ms = (x) => `${x.toFixed(1)} ms`;

/** Column and row of the tile of zoom z holding a point (the slippy-map formula). */
function tileOf([lon, lat], z) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

/** Times of fetching each tile (body read), in ms. */
async function timeTiles(urls) {
  const times = [];
  for (const url of urls) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader',
    ...(process.env.FRAMES_ARGS ?? '').split(' ').filter(Boolean)],
});
const errors = [];
try {
  const [width, height] = (process.env.FRAMES_VIEWPORT ?? '1280x800').split('x').map(Number);
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  let tileRequests = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/tiles/')) tileRequests += 1;
  });

  const opened = Date.now();
  // FRAMES_QUERY adds a query to the page's URL, e.g. resolution=full
  await page.goto(`${base}/${process.env.FRAMES_QUERY ? `?${process.env.FRAMES_QUERY}` : ''}`);
  await page.waitForFunction(() => window.incidentMap && document.body.dataset.loaded
    && !document.getElementById('status').textContent.includes('…'), null, { timeout: 600000 });
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.incidentMap;
    if (map.loaded() && !map.isMoving()) resolve();
    else map.once('idle', resolve);
  }));
  const firstIdle = Date.now() - opened;
  const info = await page.evaluate(() => ({
    mode: document.body.dataset.mode,
    resolution: document.body.dataset.resolution,
    sky: document.body.dataset.sky,
    renderer: (() => {
      const { gl } = window.incidentMap.painter.context;
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    })(),
    status: document.getElementById('status').textContent,
  }));

  // Frame intervals are recorded only while the map moves (between movestart and moveend).
  await page.evaluate(() => {
    const map = window.incidentMap;
    window.frames_ = [];
    let last = null;
    const tick = (now) => {
      if (map.isMoving() && last !== null) window.frames_.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

  const steps = [
    ['pan east', () => ({ kind: 'panBy', offset: [300, 0], options: { duration: 1000 } })],
    ['pan south-west', () => ({ kind: 'panBy', offset: [-300, 200], options: { duration: 1000 } })],
    ['fly to Aleppo z10', () => ({ kind: 'flyTo', options: { center: ALEPPO, zoom: 10, duration: 2500 } })],
    ['pan at z10', () => ({ kind: 'panBy', offset: [250, 120], options: { duration: 1000 } })],
    ['zoom to 13', () => ({ kind: 'zoomTo', zoom: 13, options: { duration: 1500 } })],
    ['zoom out to 8', () => ({ kind: 'zoomTo', zoom: 8, options: { duration: 1500 } })],
    ['fly to Damascus z9', () => ({ kind: 'flyTo', options: { center: DAMASCUS, zoom: 9, duration: 3000 } })],
    ['pan at z9', () => ({ kind: 'panBy', offset: [-200, -150], options: { duration: 1000 } })],
    ['fly to all Syria z6', () => ({ kind: 'flyTo', options: { center: SYRIA, zoom: 6, duration: 2500 } })],
    ['zoom to 7.5', () => ({ kind: 'zoomTo', zoom: 7.5, options: { duration: 1200 } })],
    ['zoom out to 5.5', () => ({ kind: 'zoomTo', zoom: 5.5, options: { duration: 1200 } })],
  ];
  const perStep = [];
  for (const [name, make] of steps) {
    const move = make();
    const before = await page.evaluate(() => window.frames_.length);
    const took = await page.evaluate((m) => new Promise((resolve) => {
      const map = window.incidentMap;
      const start = performance.now();
      map.once('moveend', () => resolve(performance.now() - start));
      if (m.kind === 'panBy') map.panBy(m.offset, m.options);
      else if (m.kind === 'zoomTo') map.zoomTo(m.zoom, m.options);
      else map.flyTo(m.options);
    }), move);
    // let the tiles of the new view arrive and draw before the next move
    await page.evaluate(() => new Promise((resolve) => {
      const map = window.incidentMap;
      map.once('idle', resolve);
      map.triggerRepaint();
    }));
    const frames = await page.evaluate((from) => window.frames_.slice(from), before);
    perStep.push({ name, took, ...summary(frames) });
  }
  const frames = await page.evaluate(() => window.frames_);
  const all = summary(frames);
  const over50 = frames.filter((f) => f > 50).length / Math.max(1, frames.length);

  // Tile latency over HTTP: the tiles covering Syria at zooms 6, 8 and 10, with the page's
  // default (unfiltered) query, once and then again.
  const urls = [];
  for (const z of [6, 8, 10]) {
    const [x0, y0] = tileOf([35.7, 37.3], z);
    const [x1, y1] = tileOf([42.4, 32.3], z);
    for (let x = x0; x <= x1; x += 1) for (let y = y0; y <= y1; y += 1) urls.push(`${base}/tiles/incidents/${z}/${x}/${y}.mvt`);
  }
  const filtered = urls.filter((u) => u.includes('/8/')).map((u) => `${u}?event_type=Battles`);
  const first = summary(await timeTiles(urls));
  const again = summary(await timeTiles(urls));
  const filteredFirst = await timeTiles(filtered);
  const filteredAgain = summary(await timeTiles(filtered));

  console.log(`frames ${label}: ${info.mode} mode, status "${info.status}"; `
    + `resolution while moving: ${info.resolution}; sky: ${info.sky}; renderer: ${info.renderer}; `
    + `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  console.log(`  first load to idle: ${(firstIdle / 1000).toFixed(1)} s; tile requests by the page: ${tileRequests}`);
  console.log(`  all moves: ${all.n} frames, p50 ${ms(all.p50)}, p95 ${ms(all.p95)}, p99 ${ms(all.p99)}, `
    + `max ${ms(all.max)}, over 50 ms: ${(over50 * 100).toFixed(1)} %`);
  for (const s of perStep) {
    console.log(`    ${s.name.padEnd(20)} ${String(s.n).padStart(4)} frames in ${ms(s.took).padStart(10)}: `
      + `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)}`);
  }
  console.log(`  tiles over HTTP, unfiltered, z6/z8/z10 over Syria (${urls.length}): first pass p50 ${ms(first.p50)}, `
    + `p95 ${ms(first.p95)}, max ${ms(first.max)}; again p50 ${ms(again.p50)}, p95 ${ms(again.p95)}`);
  const rest = summary(filteredFirst.slice(1));
  console.log(`  tiles over HTTP, event_type=Battles, z8 (${filtered.length}): first tile ${ms(filteredFirst[0])} `
    + `(builds the filter's point set), the others p50 ${ms(rest.p50)}, max ${ms(rest.max)}; `
    + `again p50 ${ms(filteredAgain.p50)}`);
  console.log(JSON.stringify({
    label, mode: info.mode, resolution: info.resolution, renderer: info.renderer, firstIdleMs: firstIdle, frames: all, over50, perStep, tiles: { first, again, filteredFirst: filteredFirst[0], filteredRest: rest, filteredAgain },
  }));
  if (errors.length) {
    console.error(errors.join('\n'));
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
