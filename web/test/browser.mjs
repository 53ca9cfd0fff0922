// Browser checks of the web map in Debian's Chromium, driven by playwright-core.
//
//   node web/test/browser.mjs http://127.0.0.1:PORT [SCREENSHOT_DIR]
//
// Run against a running server (tests/browser.rs starts one on a free port
// with a data directory that also holds an incident whose text is HTML, and
// passes its id in XSS_INCIDENT_ID). Every count is compared with the API's
// answer for the same filter, never with a number written here. Exits non-zero
// on the first failed check; prints the bytes the first load transferred.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.argv[2] ?? '').replace(/\/$/, '');
const shots = process.argv[3] ?? 'tests/output/screenshots';
const xssId = process.env.XSS_INCIDENT_ID ?? '';
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('usage: node web/test/browser.mjs http://127.0.0.1:PORT [SCREENSHOT_DIR]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const ARABIC_RANGES = ['1536-1791', '64256-64511', '64512-64767', '64768-65023', '65024-65279'];

/** The API's answer for a query string (without `?`). */
async function api(query) {
  const response = await fetch(`${base}/api/incidents?${query}${query ? '&' : ''}limit=100000`);
  assert.equal(response.status, 200, `${query}: ${await response.clone().text()}`);
  const body = await response.json();
  return { count: body.numberMatched, ids: body.features.map((f) => f.properties.id).sort() };
}

const started = Date.now();
function step(name) {
  console.log(`- ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const problems = [];
const leaving = [];
const fonts = new Map();
let firstLoad = null;

/** A page that records console errors, page errors, CSP violations and every request. */
async function open(context, path) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) leaving.push(url);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/fonts/')) fonts.set(decodeURIComponent(url.pathname), response.status());
  });
  await page.goto(`${base}${path}`);
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  }));
  await settled(page);
  return page;
}

/** Waits until the page has shown its latest request's incidents and the map is idle. */
async function settled(page) {
  await page.waitForFunction(() => window.incidentMap && document.body.dataset.loaded
    && !document.getElementById('status').textContent.includes('…'));
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.incidentMap;
    const done = () => (map.loaded() && !map.isMoving() ? resolve() : map.once('idle', resolve));
    if (map.isStyleLoaded()) {
      map.once('idle', resolve);
      map.triggerRepaint();
      setTimeout(done, 2000);
    } else {
      map.once('idle', resolve);
    }
  }));
}

/** Ids of every incident drawn on the map, single or inside a cluster. */
function renderedIds(page) {
  return page.evaluate(async () => {
    const map = window.incidentMap;
    const source = map.getSource('incidents');
    const ids = new Set();
    const clusters = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['clusters', 'incidents'] })) {
      if (f.properties.cluster) clusters.set(f.properties.cluster_id, f.properties.point_count);
      else ids.add(f.properties.id);
    }
    for (const [id, count] of clusters) {
      const leaves = await source.getClusterLeaves(id, Infinity, 0);
      if (leaves.length !== count) throw new Error(`cluster ${id}: ${leaves.length} leaves, count ${count}`);
      for (const leaf of leaves) ids.add(leaf.properties.id);
    }
    return { ids: [...ids].sort(), clustered: clusters.size };
  });
}

function listedIds(page) {
  return page.$$eval('#list button[data-id]', (rows) => rows.map((r) => r.dataset.id).sort());
}

/** The map and the list show exactly the API's incidents for `query`. */
/** The body bytes as they cross the wire for an Accept-Encoding, and the encoding chosen. */
function rawGet(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] ?? '-' }));
    }).on('error', reject);
  });
}

function sameIds(a, b) {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

async function expectShown(page, query, what) {
  const expected = await api(query);
  // the worker may still be clustering the new data when the map first reports idle: give the
  // drawing up to 10 s to reach the API's answer, then compare
  let rendered = await renderedIds(page);
  for (let waited = 0; waited < 10000 && !sameIds(rendered.ids, expected.ids); waited += 250) {
    await page.waitForTimeout(250);
    rendered = await renderedIds(page);
  }
  assert.deepEqual(rendered.ids, expected.ids, `${what}: map shows ${rendered.ids.length}, API has ${expected.count}`);
  assert.deepEqual(await listedIds(page), expected.ids, `${what}: list`);
  const status = await page.textContent('#status');
  assert.ok(!status.includes('…'), status);
  return expected;
}

function queryOf(page) {
  return new URL(page.url()).searchParams;
}

/** An incident's properties as the API gives them. */
async function properties(id) {
  const response = await fetch(`${base}/api/incidents?limit=100000`);
  const feature = (await response.json()).features.find((f) => f.properties.id === id);
  assert.ok(feature, `${id} is served`);
  return feature.properties;
}

/** The "event" row of the popup's first incident (the selected one), once the popup is open. */
async function popupEvent(page) {
  await page.waitForSelector('.incident-popup');
  return page.evaluate(async () => {
    const { t } = await import('/assets/i18n.js');
    const labels = document.querySelectorAll('.incident-popup .incident:first-child dt');
    return [...labels].find((dt) => dt.textContent === t('event')).nextElementSibling.textContent;
  });
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });

  step('first load: no console errors, no request leaving the server, the map reaches idle');
  const page = await open(context, '/');
  const all = await api('');
  assert.ok(all.count > 0, 'the store has incidents');

  step('rendered or clustered incidents equal the API count');
  const whole = await expectShown(page, '', 'all incidents');
  const rendered = await renderedIds(page);
  assert.ok(rendered.clustered > 0, 'at the whole-country view some incidents are clustered');
  assert.equal(whole.count, all.count);
  await page.screenshot({ path: join(shots, 'map-en.png') });

  step('labels: towns and governorates in English and Arabic; glyphs from this server');
  const labels = await page.evaluate(() => window.incidentMap.queryRenderedFeatures({ layers: ['places'] }).length);
  assert.ok(labels > 0, 'town labels are drawn');

  step('choosing Idlib shows exactly Idlib\'s incidents and zooms to it');
  const zoomBefore = await page.evaluate(() => window.incidentMap.getZoom());
  await page.selectOption('#region', 'idlib');
  await settled(page);
  assert.equal(queryOf(page).get('region'), 'idlib');
  const idlib = await expectShown(page, 'region=idlib', 'Idlib');
  assert.ok(idlib.count > 0 && idlib.count < all.count, `Idlib has ${idlib.count} of ${all.count}`);
  assert.ok(await page.evaluate(() => window.incidentMap.getZoom()) > zoomBefore, 'zoomed in to Idlib');

  step('back and forward step through the filters');
  await page.goBack();
  await settled(page);
  assert.equal(queryOf(page).get('region'), null);
  assert.equal(await page.inputValue('#region'), '');
  await expectShown(page, '', 'back to all');
  await page.goForward();
  await settled(page);
  assert.equal(await page.inputValue('#region'), 'idlib');
  await expectShown(page, 'region=idlib', 'forward to Idlib');

  step('a link reproduces the view: the same URL in a new page shows the same incidents');
  const shared = await open(context, new URL(page.url()).pathname + new URL(page.url()).search);
  assert.equal(await shared.inputValue('#region'), 'idlib');
  await expectShown(shared, 'region=idlib', 'shared link');
  await shared.close();

  step('export downloads exactly the current filter, named after it, in every format');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'GeoJSON', exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /idlib.*\.geojson$/);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(exported.features.length, idlib.count);
  assert.deepEqual(exported.features.map((f) => f.properties.id).sort(), idlib.ids);
  const formats = await page.$$eval('#exports a', (links) => links.map((a) => new URL(a.href).searchParams.get('format')));
  assert.deepEqual(formats, ['geojson', 'geojsonl', 'csv', 'gpkg', 'fgb']);
  // every other format downloads too, named after the filter; the line formats hold its count
  const extensions = { geojsonl: 'geojsonl', csv: 'csv', gpkg: 'gpkg', fgb: 'fgb' };
  for (const [name, ext] of Object.entries(extensions)) {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`#exports a[href*="format=${name}"]`).click(),
    ]);
    assert.match(file.suggestedFilename(), new RegExp(`idlib.*\\.${ext}$`), name);
    const bytes = readFileSync(await file.path());
    assert.ok(bytes.length > 0, `${name} is not empty`);
    if (name === 'geojsonl') {
      const ids = bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l).properties.id).sort();
      assert.deepEqual(ids, idlib.ids, 'geojsonl holds the filtered incidents');
    }
    if (name === 'csv') {
      const text = bytes.toString('utf8');
      for (const id of all.ids) {
        const present = new RegExp(`(^|[,"\\n])${id}([,"\\r])`).test(text);
        assert.equal(present, idlib.ids.includes(id), `csv and ${id}`);
      }
    }
    if (name === 'gpkg') assert.equal(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    if (name === 'fgb') assert.deepEqual([...bytes.subarray(0, 3)], [0x66, 0x67, 0x62]);
  }

  step('a drawn rectangle filters by its bounding box');
  await page.click('#reset');
  await settled(page);
  await expectShown(page, '', 'after reset');
  const corners = await page.evaluate(() => {
    const map = window.incidentMap;
    const rect = map.getCanvasContainer().getBoundingClientRect();
    // A box around north-western Syria (Idlib, Aleppo and Latakia).
    const a = map.project([35.6, 35.3]);
    const b = map.project([37.6, 36.8]);
    return [[a.x + rect.left, a.y + rect.top], [b.x + rect.left, b.y + rect.top]];
  });
  await page.click('#draw');
  assert.equal(await page.getAttribute('#draw', 'aria-pressed'), 'true');
  await page.mouse.move(...corners[0]);
  await page.mouse.down();
  await page.mouse.move((corners[0][0] + corners[1][0]) / 2, (corners[0][1] + corners[1][1]) / 2, { steps: 4 });
  await page.mouse.move(...corners[1], { steps: 4 });
  await page.mouse.up();
  await settled(page);
  const bbox = (queryOf(page).get('bbox') ?? '').split(',').map(Number);
  assert.equal(bbox.length, 4, page.url());
  [35.6, 35.3, 37.6, 36.8].forEach((v, i) => assert.ok(Math.abs(bbox[i] - v) < 0.05, `bbox ${bbox} vs drawn box`));
  const boxed = await expectShown(page, `bbox=${bbox.join(',')}`, 'drawn rectangle');
  assert.ok(boxed.count > 0 && boxed.count < all.count, `the box holds ${boxed.count} of ${all.count}`);

  step('"only what is in view" filters by the map\'s bounds');
  await page.click('#reset');
  await settled(page);
  await page.evaluate(() => window.incidentMap.jumpTo({ center: [36.3, 33.5], zoom: 9 }));
  await settled(page);
  await page.click('#in-view');
  await settled(page);
  const view = queryOf(page).get('bbox');
  assert.ok(view, 'bbox in the URL');
  await expectShown(page, `bbox=${view}`, 'in view');

  step('dates, event types and review filter like the API');
  await page.click('#reset');
  await settled(page);
  const days = (await api('')).ids.length;
  const bars = await page.$$('#timeline .bar');
  assert.ok(bars.length > 1, 'the timeline has bars');
  const dates = await page.evaluate(async () => {
    const response = await fetch('/api/incidents?limit=100000');
    const body = await response.json();
    return body.features.map((f) => f.properties.event_date).sort();
  });
  const from = dates[Math.floor(dates.length / 2)];
  await page.fill('#from', from);
  await page.dispatchEvent('#from', 'change');
  await settled(page);
  assert.equal(queryOf(page).get('from'), from);
  const dated = await expectShown(page, `datetime=${from}/..`, 'from a date');
  assert.ok(dated.count > 0 && dated.count < days, `${dated.count} of ${days} from ${from}`);
  await page.click('#clear-dates');
  await settled(page);
  // The timeline: a click on the busiest bar filters to its days.
  const busiest = await page.$$eval('#timeline .bar', (all) => {
    let best = 0;
    all.forEach((bar, i) => {
      if (parseFloat(bar.firstChild.style.height) > parseFloat(all[best].firstChild.style.height)) best = i;
    });
    return best;
  });
  await (await page.$$('#timeline .bar'))[busiest].click();
  await settled(page);
  const range = `${queryOf(page).get('from')}/${queryOf(page).get('to')}`;
  assert.match(range, /^\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/);
  const barCount = await api(`datetime=${range}`);
  assert.ok(barCount.count > 0);
  await expectShown(page, `datetime=${range}`, 'a timeline bar');
  await page.click('#clear-dates');
  await settled(page);

  await page.check('#types input[value="Strategic developments"]');
  await settled(page);
  await expectShown(page, 'event_type=Strategic developments', 'one event type');
  await page.check('#types input[value="Battles"]');
  await settled(page);
  await expectShown(page, 'event_type=Strategic developments,Battles', 'two event types');
  await page.click('#reset');
  await settled(page);
  for (const review of ['curated', 'extracted']) {
    await page.check(`input[name="review"][value="${review}"]`);
    await settled(page);
    await expectShown(page, `review=${review}`, review);
  }
  await page.click('#reset');
  await settled(page);

  step('click a row: the map flies to it and opens it; text from data stays text');
  assert.ok(xssId, 'XSS_INCIDENT_ID names the incident whose text is HTML');
  await page.click(`#list button[data-id="${xssId}"]`);
  await page.waitForSelector('.incident-popup');
  await settled(page);
  const popup = await page.evaluate(() => {
    const node = document.querySelector('.incident-popup');
    return {
      text: node.textContent,
      elements: node.querySelectorAll('script, img, iframe, svg, object').length,
      listElements: document.querySelectorAll('#list script, #list img').length,
      executed: window.__xss ?? null,
      selected: document.querySelector('#list button[aria-current="true"]')?.dataset.id,
      zoom: window.incidentMap.getZoom(),
    };
  });
  assert.equal(popup.executed, null, 'a script in an incident\'s text ran');
  assert.equal(popup.elements, 0, 'markup in an incident\'s text became elements');
  assert.equal(popup.listElements, 0, 'markup in an incident\'s text became elements in the list');
  assert.ok(popup.text.includes('<script>'), 'the <script> text is shown as text');
  assert.ok(popup.text.includes('onerror'), 'the <img onerror> text is shown as text');
  assert.equal(popup.selected, xssId, 'the row is marked as the selected incident');
  assert.ok(popup.zoom >= 11, `flew in (zoom ${popup.zoom})`);
  await page.screenshot({ path: join(shots, 'popup.png') });

  step('clicking a point on the map opens its popup and marks its row');
  await page.click('#reset');
  await settled(page);
  const target = (await api('region=idlib')).ids[0];
  const point = await page.evaluate(async (id) => {
    const map = window.incidentMap;
    const source = map.getSource('incidents');
    const data = await source.getData();
    const feature = data.features.find((f) => f.properties.id === id);
    map.jumpTo({ center: feature.geometry.coordinates, zoom: 13 });
    return feature.geometry.coordinates;
  }, target);
  await settled(page);
  const at = await page.evaluate((lngLat) => {
    const map = window.incidentMap;
    const p = map.project(lngLat);
    const rect = map.getCanvasContainer().getBoundingClientRect();
    return [p.x + rect.left, p.y + rect.top];
  }, point);
  await page.mouse.click(...at);
  await page.waitForSelector('.incident-popup');
  const marked = await page.$eval('#list button[aria-current="true"]', (b) => b.dataset.id);
  const atPlace = await page.$$eval('.incident-popup .incident', (n) => n.length);
  assert.ok(atPlace >= 1);
  assert.ok((await api('')).ids.includes(marked));
  // In English the popup names the type and sub-event type as ACLED does.
  const markedProps = await properties(marked);
  const englishEvent = await popupEvent(page);
  assert.equal(englishEvent, `${markedProps.event_type} / ${markedProps.sub_event_type}`);

  step('Arabic: the interface turns right-to-left and Arabic labels render');
  await page.click('#reset');
  await settled(page);
  await page.click('#language');
  await settled(page);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.equal(queryOf(page).get('lang'), 'ar');
  assert.match(await page.textContent('h1'), /[\u0600-\u06FF]/);
  const panelSide = await page.$eval('#panel', (p) => p.getBoundingClientRect().right);
  assert.ok(panelSide > 1280 - 30, 'the panel moved to the right');
  // the map moved with it: Syria's middle is in the open part of the map, left of the panel
  const syriaX = await page.evaluate(() => window.incidentMap.project([38.5, 35]).x);
  const panelLeft = await page.$eval('#panel', (p) => p.getBoundingClientRect().left);
  assert.ok(syriaX > 0 && syriaX < panelLeft, `Syria's middle at x=${syriaX}, the panel from x=${panelLeft}`);
  const arabicLabels = await page.evaluate(() => window.incidentMap
    .queryRenderedFeatures({ layers: ['places', 'region-labels'] })
    .filter((f) => /[\u0600-\u06FF]/.test(f.properties.name_ar ?? '')).length);
  assert.ok(arabicLabels > 0, 'Arabic labels are drawn');
  const arabicGlyphs = [...fonts].filter(([path]) => ARABIC_RANGES.some((r) => path.endsWith(`/${r}.pbf`)));
  assert.ok(arabicGlyphs.length > 0, `Arabic glyph ranges requested: ${[...fonts.keys()].join(' ')}`);
  for (const [path, status] of fonts) assert.equal(status, 200, path);
  await expectShown(page, '', 'Arabic, all incidents');
  await page.screenshot({ path: join(shots, 'map-ar.png') });
  // Every name of ACLED's taxonomy (as the server validates it) has its own Arabic name ...
  const taxonomy = readFileSync(new URL('../../src/incidents/taxonomy.rs', import.meta.url), 'utf8');
  const acled = { event: [], sub: [], disorder: [] };
  for (const [, event, disorder, subs] of taxonomy.matchAll(/\(\s*"([^"]+)",\s*"([^"]+)",\s*&\[([^\]]*)\]/g)) {
    acled.event.push(event);
    acled.sub.push(...[...subs.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
  }
  acled.disorder = [.../DISORDER_TYPES[^=]*=\s*&\[([^\]]*)\]/.exec(taxonomy)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(acled.event.length >= 6 && acled.sub.length >= 20 && acled.disorder.length >= 3, JSON.stringify(acled));
  const inArabic = await page.evaluate(async (names) => {
    const i18n = await import('/assets/i18n.js');
    return {
      event: names.event.map(i18n.eventTypeName),
      sub: names.sub.map(i18n.subEventTypeName),
      disorder: names.disorder.map(i18n.disorderTypeName),
    };
  }, acled);
  for (const kind of Object.keys(acled)) {
    acled[kind].forEach((name, i) => {
      assert.match(inArabic[kind][i], /^[^A-Za-z]*[\u0600-\u06FF][^A-Za-z]*$/, `${kind} ${name} in Arabic: ${inArabic[kind][i]}`);
    });
    assert.equal(new Set(inArabic[kind]).size, new Set(acled[kind]).size, `${kind}: two names share an Arabic name`);
  }
  // ... and an incident's popup shows its type and sub-event type in Arabic.
  const arabicRow = await page.$eval('#list button[data-id]', (b) => b.dataset.id);
  const arabicProps = await properties(arabicRow);
  await page.click(`#list button[data-id="${arabicRow}"]`);
  const arabicEvent = await popupEvent(page);
  const sub = acled.sub.indexOf(arabicProps.sub_event_type);
  assert.ok(sub >= 0, `${arabicProps.sub_event_type} is one of ACLED's sub-event types`);
  assert.equal(arabicEvent, `${inArabic.event[acled.event.indexOf(arabicProps.event_type)]} / ${inArabic.sub[sub]}`);
  // back to the whole country, as the step found it
  await page.click('#reset');
  await settled(page);

  step('keyboard: the controls are reachable with Tab and the focus is visible');
  await page.click('#language');
  await settled(page);
  await page.focus('#language');
  const focused = [];
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => {
      const node = document.activeElement;
      const style = getComputedStyle(node);
      return { id: node.id || node.tagName, outline: style.outlineStyle, width: style.outlineWidth };
    }));
  }
  for (const f of focused) assert.notEqual(f.outline, 'none', `focus is visible on ${f.id}`);
  for (const id of ['region', 'draw', 'in-view', 'from']) {
    assert.ok(focused.some((f) => f.id === id), `${id} is reachable by Tab: ${focused.map((f) => f.id).join(' ')}`);
  }

  // A filter changed from the keyboard keeps the focus where it was.
  await page.focus('#types input[value="Battles"]');
  await page.keyboard.press('Space');
  await settled(page);
  assert.equal(queryOf(page).get('types'), 'Battles');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'Battles');
  await expectShown(page, 'event_type=Battles', 'type chosen by keyboard');
  await page.keyboard.press('Space');
  await settled(page);
  assert.equal(queryOf(page).get('types'), null);

  // The timeline: Tab reaches it with a visible focus; End, Shift+Left twice and Enter choose
  // the last three bars' dates, Left and Enter the bar before them, Escape clears the dates.
  await page.focus('#clear-dates');
  await page.keyboard.press('Tab');
  const timeline = await page.evaluate(() => {
    const node = document.activeElement;
    return {
      id: node.id,
      outline: getComputedStyle(node).outlineStyle,
      role: node.getAttribute('role'),
      label: node.getAttribute('aria-label'),
      bars: node.querySelectorAll('[role="option"]').length,
    };
  });
  assert.equal(timeline.id, 'timeline', 'Tab after "All dates" reaches the timeline');
  assert.notEqual(timeline.outline, 'none', 'focus is visible on the timeline');
  assert.equal(timeline.role, 'listbox');
  assert.ok(timeline.label && timeline.bars >= 4, JSON.stringify(timeline));
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(queryOf(page).get('from'), null, 'arrows alone do not apply dates');
  const active = await page.$eval('#timeline', (node) => node.getAttribute('aria-activedescendant'));
  assert.equal(active, `timeline-bar-${timeline.bars - 3}`);
  await page.keyboard.press('Enter');
  await settled(page);
  const keyed = { from: queryOf(page).get('from'), to: queryOf(page).get('to') };
  assert.match(`${keyed.from}/${keyed.to}`, /^\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/);
  assert.ok(keyed.from < keyed.to, JSON.stringify(keyed));
  const latest = (await page.evaluate(() => fetch('/api/incidents?limit=100000').then((r) => r.json())))
    .features.map((f) => f.properties.event_date).sort().pop();
  assert.ok(keyed.from <= latest && latest <= keyed.to, `${latest} is in the last bars ${JSON.stringify(keyed)}`);
  await expectShown(page, `datetime=${keyed.from}/${keyed.to}`, 'dates chosen by keyboard');
  assert.equal(await page.$$eval('#timeline .bar.selected[aria-selected="true"]', (b) => b.length), 3);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'timeline', 'the timeline keeps the focus');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await settled(page);
  const before = { from: queryOf(page).get('from'), to: queryOf(page).get('to') };
  assert.ok(before.from <= before.to && before.to < keyed.from, `${JSON.stringify(before)} before ${JSON.stringify(keyed)}`);
  await expectShown(page, `datetime=${before.from}/${before.to}`, 'one bar chosen by keyboard');
  await page.keyboard.press('Escape');
  await settled(page);
  assert.equal(queryOf(page).get('from'), null);
  assert.equal(queryOf(page).get('to'), null);
  await expectShown(page, '', 'dates cleared by keyboard');

  step('tile mode: above ?tiles_above the map draws the server\'s clustered tiles for the filter');
  const threshold = Math.floor(all.count / 2);
  const tileUrls = [];
  const onTile = (request) => {
    if (new URL(request.url()).pathname.startsWith('/tiles/incidents/')) tileUrls.push(request.url());
  };
  context.on('request', onTile);
  const tiled = await open(context, `/?tiles_above=${threshold}`);
  assert.equal(await tiled.evaluate(() => document.body.dataset.mode), 'tiles');
  assert.ok(tileUrls.length > 0, 'vector tiles are requested');
  for (const url of tileUrls) assert.match(new URL(url).pathname, /^\/tiles\/incidents\/\d+\/\d+\/\d+\.mvt$/);
  // Everything is in view: the cluster labels and the single points add up to the API's count.
  const tileCounts = (p) => p.evaluate(() => {
    const map = window.incidentMap;
    const labels = map.queryRenderedFeatures({ layers: ['tile-cluster-count'] });
    return {
      labelled: labels.reduce((n, f) => n + Number(f.properties.count), 0),
      labels: labels.length,
      clusters: map.queryRenderedFeatures({ layers: ['tile-clusters'] }).length,
      points: map.queryRenderedFeatures({ layers: ['tile-points'] }).map((f) => f.properties.id).sort(),
    };
  });
  const counted = await tileCounts(tiled);
  assert.ok(counted.clusters > 0, 'some incidents are clustered');
  assert.equal(counted.labels, counted.clusters, 'every cluster has its count label');
  assert.equal(counted.labelled + counted.points.length, all.count, JSON.stringify(counted));
  assert.ok(counted.points.every((id) => all.ids.includes(id)), 'single points are API incidents');
  assert.deepEqual(await listedIds(tiled), all.ids, 'the list holds the latest matches');
  assert.ok((await tiled.textContent('#status')).includes(String(all.count)));
  await tiled.screenshot({ path: join(shots, 'tiles.png') });

  // A filter goes into the tile URL; the counts follow it.
  const curated = await api('review=curated');
  assert.ok(curated.count > threshold, `${curated.count} curated of ${all.count}`);
  tileUrls.length = 0;
  await tiled.check('input[name="review"][value="curated"]');
  await settled(tiled);
  assert.equal(await tiled.evaluate(() => document.body.dataset.mode), 'tiles');
  assert.ok(tileUrls.length > 0 && tileUrls.every((u) => new URL(u).searchParams.get('review') === 'curated'), tileUrls.join(' '));
  const curatedCounts = await tileCounts(tiled);
  assert.equal(curatedCounts.labelled + curatedCounts.points.length, curated.count, JSON.stringify(curatedCounts));
  assert.deepEqual(await listedIds(tiled), curated.ids);

  // A click on a single point opens its popup, with the incident fetched from the API.
  const spot = (await tiled.evaluate(async (ids) => {
    const features = await Promise.all(ids.map((id) => fetch(`/api/incidents/${encodeURIComponent(id)}`).then((r) => r.json())));
    return features[0].geometry.coordinates;
  }, curated.ids));
  await tiled.evaluate((at) => window.incidentMap.jumpTo({ center: at, zoom: 16 }), spot);
  await settled(tiled);
  const here = await tiled.evaluate((lngLat) => {
    const map = window.incidentMap;
    const p = map.project(lngLat);
    const rect = map.getCanvasContainer().getBoundingClientRect();
    return { at: [p.x + rect.left, p.y + rect.top], points: map.queryRenderedFeatures(p, { layers: ['tile-points'] }).length };
  }, spot);
  assert.ok(here.points > 0, 'a single point is drawn at the incident');
  await tiled.mouse.click(...here.at);
  const tileEvent = await popupEvent(tiled);
  const picked = await tiled.$eval('#list button[aria-current="true"]', (b) => b.dataset.id);
  assert.ok(curated.ids.includes(picked), picked);
  const pickedProps = await properties(picked);
  assert.equal(tileEvent, `${pickedProps.event_type} / ${pickedProps.sub_event_type}`);

  // At or below the threshold the page loads GeoJSON as before.
  const counts = new Map();
  for (const id of all.ids) {
    const type = (await properties(id)).event_type;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const [fewest] = [...counts].filter(([, n]) => n <= threshold).sort((a, b) => a[1] - b[1])[0];
  await tiled.click('#reset');
  await settled(tiled);
  assert.equal(await tiled.evaluate(() => document.body.dataset.mode), 'tiles');
  await tiled.check(`#types input[value="${fewest}"]`);
  await settled(tiled);
  assert.equal(await tiled.evaluate(() => document.body.dataset.mode), 'geojson');
  await expectShown(tiled, `event_type=${fewest}`, 'below the threshold');
  assert.equal(await tiled.evaluate(() => window.incidentMap.getSource('incident-tiles')), undefined, 'the tiles are gone');
  context.off('request', onTile);
  await tiled.close();

  step('phone width: the panel and the map share the screen, nothing overflows');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const small = await open(phone, '/?region=idlib');
  const layout = await small.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    panel: document.getElementById('panel').getBoundingClientRect().toJSON(),
  }));
  assert.ok(layout.width <= 390, `page is ${layout.width}px wide`);
  assert.ok(layout.panel.top > 300 && layout.panel.right <= 390, JSON.stringify(layout.panel));
  await expectShown(small, 'region=idlib', 'phone');
  const zoomed = await small.evaluate(() => {
    const map = window.incidentMap;
    return { zoom: map.getZoom(), inside: map.getBounds().contains([36.6, 35.9]) };
  });
  assert.ok(zoomed.inside && zoomed.zoom > 7, `a link to a governorate opens on it: ${JSON.stringify(zoomed)}`);
  await small.screenshot({ path: join(shots, 'phone.png') });
  await small.click('#collapse');
  const folded = await small.evaluate(() => document.getElementById('panel').getBoundingClientRect().height);
  assert.ok(folded < 200, `the folded panel is ${folded}px high`);
  assert.equal(await small.getAttribute('#collapse', 'aria-expanded'), 'false');
  await small.click('#collapse');
  assert.ok(await small.isVisible('#region'));
  await phone.close();

  step('software WebGL: no sky pass on a flat map, half resolution only while moving');
  const drawing = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const flat = await open(drawing, '/');
  const renderInfo = await flat.evaluate(() => {
    const { gl } = window.incidentMap.painter.context;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return {
      renderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
      sky: document.body.dataset.sky,
      resolution: document.body.dataset.resolution,
    };
  });
  assert.equal(renderInfo.sky, 'skipped-when-flat', 'MapLibre\'s sky pass is found and skipped');
  // The frame's pixels, read as it is drawn, are the same with the sky pass and without it.
  const framePixels = (page, skip) => page.evaluate((skipSky) => new Promise((resolve) => {
    const map = window.incidentMap;
    map.skipFlatSky = skipSky;
    map.once('render', () => {
      const { gl } = map.painter.context;
      const pixels = new Uint8Array(gl.drawingBufferWidth * gl.drawingBufferHeight * 4);
      gl.readPixels(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      let hash = 0;
      let opaque = 0;
      for (let i = 0; i < pixels.length; i += 1) hash = (Math.imul(hash, 31) + pixels[i]) | 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] === 255) opaque += 1;
      resolve({ hash, opaque, size: pixels.length / 4 });
    });
    map.triggerRepaint();
  }), skip);
  const skipped = await framePixels(flat, true);
  const withSky = await framePixels(flat, false);
  assert.ok(skipped.opaque > skipped.size / 4, `the frame was read: ${JSON.stringify(skipped)}`);
  assert.deepEqual(withSky, skipped, 'the same pixels with and without the sky pass');
  await flat.evaluate(() => { window.incidentMap.skipFlatSky = true; });

  // A drag with the mouse: the map follows the pointer, at half resolution while it moves on a
  // software renderer and at full resolution once it stops; ?resolution=full keeps it full.
  const software = /swiftshader|llvmpipe|lavapipe|softpipe|software/i.test(renderInfo.renderer);
  assert.equal(renderInfo.resolution, software ? 'reduced-while-moving' : 'full', renderInfo.renderer);
  const drag = async (page) => {
    const from = [800, 400];
    const to = [1000, 460];
    const width = () => page.evaluate(() => window.incidentMap.getCanvas().width);
    const full = await width();
    const grabbed = await page.evaluate(([x, y]) => window.incidentMap.unproject([x, y]).toArray(), from);
    await page.mouse.move(...from);
    await page.mouse.down();
    for (let i = 1; i <= 10; i += 1) {
      await page.mouse.move(from[0] + ((to[0] - from[0]) * i) / 10, from[1] + ((to[1] - from[1]) * i) / 10);
    }
    const moving = await width();
    await page.waitForTimeout(400); // no speed left at release: no inertia
    await page.mouse.up();
    await settled(page);
    const landed = await page.evaluate((lngLat) => {
      const point = window.incidentMap.project(lngLat);
      return [point.x, point.y];
    }, grabbed);
    return { full, moving, after: await width(), landed, to };
  };
  const dragged = await drag(flat);
  assert.equal(dragged.moving, software ? Math.round(dragged.full / 2) : dragged.full, JSON.stringify(dragged));
  assert.equal(dragged.after, dragged.full, 'full resolution once the map stops');
  assert.ok(Math.hypot(dragged.landed[0] - dragged.to[0], dragged.landed[1] - dragged.to[1]) < 3,
    `the place grabbed is under the pointer after the drag: ${JSON.stringify(dragged)}`);
  const fullPage = await open(drawing, '/?resolution=full');
  assert.equal(await fullPage.evaluate(() => document.body.dataset.resolution), 'full');
  const draggedFull = await drag(fullPage);
  assert.equal(draggedFull.moving, draggedFull.full, '?resolution=full keeps full resolution');
  await drawing.close();

  step('the OpenStreetMap background is requested only when switched on');
  const online = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tiles = [];
  // No internet in tests: the tile server is answered here, with a 1×1 PNG.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  await online.route('https://tile.openstreetmap.org/**', (route) => {
    tiles.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: png });
  });
  const osmPage = await online.newPage();
  osmPage.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await osmPage.goto(`${base}/`);
  await settled(osmPage);
  assert.equal(tiles.length, 0, 'no tile is requested before the switch');
  const regionTint = () => osmPage.evaluate(() => window.incidentMap.getLayoutProperty('regions-fill', 'visibility'));
  assert.equal(await regionTint(), 'none', 'the country fill carries the governorates\' tint');
  await osmPage.check('#osm');
  await settled(osmPage);
  assert.equal(queryOf(osmPage).get('osm'), '1');
  assert.equal(await regionTint(), 'visible', 'the tint is drawn over the OpenStreetMap layer');
  assert.ok(tiles.length > 0, 'tiles are requested once switched on');
  await online.close();

  step('first load: bytes transferred');
  const measure = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const fresh = await measure.newPage();
  // Playwright reports the worker's requests (glyphs, the RTL plugin) with the page's. Each URL
  // is then fetched again as Chromium asks for it (brotli or gzip) counting the bytes of the body
  // on the wire, and once uncompressed.
  const requested = [];
  fresh.on('request', (request) => {
    if (request.url().startsWith(base)) requested.push(request.url());
  });
  await fresh.goto(`${base}/`);
  await settled(fresh);
  const rows = [];
  for (const url of requested) {
    const wire = await rawGet(url, 'br, gzip');
    const plain = await rawGet(url, 'identity');
    assert.equal(plain.encoding, '-', url);
    rows.push({ url: url.replace(base, ''), wire: wire.bytes, bytes: plain.bytes, encoding: wire.encoding });
  }
  const sum = (key) => rows.reduce((n, r) => n + r[key], 0);
  console.log(`  first load: ${rows.length} requests, ${sum('wire')} bytes of bodies on the wire `
    + `(compressed), ${sum('bytes')} bytes uncompressed`);
  for (const r of rows.sort((x, y) => y.bytes - x.bytes)) {
    console.log(`    ${String(r.wire).padStart(9)} ${String(r.bytes).padStart(9)} ${r.encoding.padEnd(4)} ${r.url}`);
  }
  // the big text assets arrive compressed
  for (const r of rows.filter((x) => x.url.endsWith('.mjs') || x.url.startsWith('/api/'))) {
    assert.notEqual(r.encoding, '-', `${r.url} is compressed`);
  }
  await measure.close();

  assert.deepEqual(leaving, [], 'requests that left the server');
  assert.deepEqual(problems, [], 'console errors');
  console.log('browser checks passed');
} catch (err) {
  console.error(err);
  if (problems.length) console.error(`console errors:\n${problems.join('\n')}`);
  if (leaving.length) console.error(`requests that left the server:\n${leaving.join('\n')}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
