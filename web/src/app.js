// The incident map page.
//
// Every request stays on this server: the style is built here (style.js) from
// the server's GeoJSON endpoints and its glyphs; the only exception is the
// OpenStreetMap background, requested only when the user switches it on.
// Text from data reaches the page through textContent / createElement only.
//
// Above a number of matches (TILES_ABOVE, or ?tiles_above=N in the URL) the map stops loading
// every incident and draws the server's clustered vector tiles for the same filters instead; the
// list then shows the latest LIST_LIMIT matches and the popups fetch their incident.
//
// The filters live in the URL's query (?region=idlib&from=…&types=…&lang=ar),
// the view in its hash (#zoom/lat/lon): a link reproduces what is shown, and
// back and forward step through the filter changes.

import {
  Map as MapLibreMap,
  NavigationControl,
  Popup,
  ScaleControl,
  AttributionControl,
  setRTLTextPlugin,
} from './maplibre-gl.mjs';
import {
  EVENT_TYPES, OTHER_COLOUR, eventTypeName, language, number, setLanguage, subEventTypeName, t,
} from './i18n.js';
import {
  EMPTY, OSM, buildStyle, incidentTiles, labelText, tileLayers,
} from './style.js';
import { renderTimeline } from './timeline.js';

const SYRIA_BOUNDS = [[35.5, 32.2], [42.5, 37.4]];
/** The API's largest page: the map shows every match up to this many. */
const INCIDENT_LIMIT = 100000;
/** Rows of the list; the map still shows every match. */
const LIST_LIMIT = 1000;
/** Above this many matches the map draws vector tiles instead of loading every incident. */
const TILES_ABOVE = 20000;
const EXPORT_FORMATS = [
  ['geojson', 'GeoJSON'],
  ['geojsonl', 'GeoJSON Lines'],
  ['csv', 'CSV'],
  ['gpkg', 'GeoPackage'],
  ['fgb', 'FlatGeobuf'],
];
const KNOWN_TYPES = new Set(EVENT_TYPES.map((e) => e.id));

const $ = (id) => document.getElementById(id);
const ui = {
  panel: $('panel'),
  status: $('status'),
  error: $('error'),
  language: $('language'),
  collapse: $('collapse'),
  region: $('region'),
  draw: $('draw'),
  inView: $('in-view'),
  clearArea: $('clear-area'),
  areaText: $('area-text'),
  from: $('from'),
  to: $('to'),
  clearDates: $('clear-dates'),
  timeline: $('timeline'),
  types: $('types'),
  reset: $('reset'),
  osm: $('osm'),
  exports: $('exports'),
  list: $('list'),
  listMore: $('list-more'),
  hint: $('drawing-hint'),
};

const incidentsById = new globalThis.Map();
const regionsById = new globalThis.Map();
const errors = new globalThis.Map();
let popup = null;
let selectedId = '';
let request = 0;
let shown = EMPTY;
let timelineFeatures = [];
let typeCounts = new globalThis.Map();
/** Matches of the filter when the list shows only some of them (tile mode). */
let listTotal = null;
let tileMode = false;

// ---------------------------------------------------------------- helpers

/** createElement with properties (textContent, className, dir, lang, ...) and children. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function colourOf(eventType) {
  return EVENT_TYPES.find((e) => e.id === eventType)?.colour ?? OTHER_COLOUR;
}

function isApproximate(props) {
  return Number(props.geo_precision) >= 2;
}

/** Records (or clears, with null) the error of one part of the page and shows them all. */
function setError(key, message) {
  if (message) errors.set(key, message);
  else errors.delete(key);
  ui.error.textContent = [...errors.values()].join('\n');
  ui.error.hidden = errors.size === 0;
}

/** Fetches a FeatureCollection; a failed request or an error response becomes an Error with the server's detail. */
async function fetchCollection(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/geo+json, application/json' } });
  } catch (err) {
    throw new Error(`${url}: request failed (${err.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!response.ok) {
    const reason = body && body.error
      ? [body.error, body.detail].filter(Boolean).join(': ')
      : response.statusText;
    throw new Error(`${url}: HTTP ${response.status} ${reason}`);
  }
  if (!body || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
    throw new Error(`${url}: response is not a GeoJSON FeatureCollection`);
  }
  return body;
}

function isNarrow() {
  return window.matchMedia('(max-width: 720px)').matches;
}

/** Room to leave around fitted bounds so they are not hidden by the panel. */
function viewPadding() {
  if (isNarrow()) return { top: 20, right: 20, left: 20, bottom: ui.panel.offsetHeight + 30 };
  const side = ui.panel.offsetWidth + 40;
  return language() === 'ar'
    ? { top: 30, left: 60, bottom: 30, right: side }
    : { top: 30, right: 60, bottom: 30, left: side };
}

function boundsOf(feature) {
  if (Array.isArray(feature.bbox) && feature.bbox.length === 4) {
    const [w, s, e, n] = feature.bbox;
    return [[w, s], [e, n]];
  }
  return SYRIA_BOUNDS;
}

// ---------------------------------------------------------------- state and URL

/** The filters and the language, as in the URL's query. */
function emptyState() {
  return {
    region: '',
    bbox: null,
    from: '',
    to: '',
    types: [],
    review: '',
    lang: 'en',
    osm: false,
    tilesAbove: null,
    fullResolution: false,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readState(search) {
  const q = new URLSearchParams(search);
  const state = emptyState();
  state.region = q.get('region') ?? '';
  const bbox = (q.get('bbox') ?? '').split(',').map(Number);
  if (bbox.length === 4 && bbox.every(Number.isFinite)) state.bbox = bbox;
  state.from = DATE.test(q.get('from') ?? '') ? q.get('from') : '';
  state.to = DATE.test(q.get('to') ?? '') ? q.get('to') : '';
  state.types = (q.get('types') ?? '').split(',').filter((x) => KNOWN_TYPES.has(x));
  state.review = ['curated', 'extracted'].includes(q.get('review')) ? q.get('review') : '';
  state.lang = q.get('lang') === 'ar' ? 'ar' : 'en';
  state.osm = q.get('osm') === '1';
  const tilesAbove = Number(q.get('tiles_above') ?? '');
  if (q.has('tiles_above') && Number.isInteger(tilesAbove) && tilesAbove >= 0) state.tilesAbove = tilesAbove;
  state.fullResolution = q.get('resolution') === 'full';
  return state;
}

function writeState(state) {
  const q = new URLSearchParams();
  if (state.region) q.set('region', state.region);
  if (state.bbox) q.set('bbox', state.bbox.join(','));
  if (state.from) q.set('from', state.from);
  if (state.to) q.set('to', state.to);
  if (state.types.length) q.set('types', state.types.join(','));
  if (state.review) q.set('review', state.review);
  if (state.lang !== 'en') q.set('lang', state.lang);
  if (state.osm) q.set('osm', '1');
  if (state.tilesAbove !== null) q.set('tiles_above', String(state.tilesAbove));
  if (state.fullResolution) q.set('resolution', 'full');
  return q.toString();
}

/** The API's query for the filters; `withDates` false leaves the date range out (for the timeline). */
function apiQuery(state, withDates = true) {
  const q = new URLSearchParams();
  if (state.region) q.set('region', state.region);
  if (state.bbox) q.set('bbox', state.bbox.join(','));
  if (withDates && (state.from || state.to)) q.set('datetime', `${state.from || '..'}/${state.to || '..'}`);
  if (state.types.length) q.set('event_type', state.types.join(','));
  if (state.review) q.set('review', state.review);
  return q;
}

let state = readState(window.location.search);
setLanguage(state.lang);
// Read before the map writes its own view into the hash.
const linkedView = window.location.hash;

/** Changes the state, records it in the history (one entry per change) and shows it. */
function update(change) {
  const before = writeState(state);
  state = { ...state, ...change };
  const after = writeState(state);
  if (after !== before) {
    const url = `${window.location.pathname}${after ? `?${after}` : ''}${window.location.hash}`;
    window.history.pushState(null, '', url);
  }
  apply();
}

window.addEventListener('popstate', () => {
  state = readState(window.location.search);
  restoreView();
  apply();
});

/** Moves the map to the view in the URL's hash (#zoom/lat/lon, as MapLibre writes it). */
function restoreView() {
  const [zoom, lat, lng] = window.location.hash.slice(1).split('/').map(Number);
  if ([zoom, lat, lng].every(Number.isFinite)) map.jumpTo({ center: [lng, lat], zoom });
}

// ---------------------------------------------------------------- map

const map = new MapLibreMap({
  container: 'map',
  style: buildStyle(state.lang),
  bounds: SYRIA_BOUNDS,
  fitBoundsOptions: { padding: viewPadding() },
  hash: true,
  attributionControl: false,
  boxZoom: false,
});
let navigation = new NavigationControl({ showCompass: false });
map.addControl(navigation, state.lang === 'ar' ? 'top-left' : 'top-right');
map.addControl(new ScaleControl(), 'bottom-right');
map.addControl(new AttributionControl({ compact: true }), 'bottom-right');
map.on('error', (event) => {
  setError('map', `Map: ${event.error ? event.error.message : 'unknown error'}`);
});
// Exposed for debugging and for the browser tests.
window.incidentMap = map;

/**
 * MapLibre (6.17) draws its sky, a pass over the whole canvas, at the start of every frame, even
 * when the style has no sky. On a flat Mercator map (pitch 0) the horizon is never in view and
 * the pass changes no pixel, but it costs time: in software WebGL (SwiftShader, as on a virtual
 * desktop without a GPU) it took 25 of the 29 ms of an otherwise empty frame at 1280×800. It is
 * skipped while the map is flat; a tilted map draws it as before. The painter's table of draw
 * functions is internal to MapLibre: the browser test checks that the skip is in place and that
 * the picture is the same with and without it (`map.skipFlatSky = false` turns it off).
 */
function skipSkyWhenFlat() {
  const { painter } = map;
  const draw = painter && painter.drawFunctions;
  if (!draw || typeof draw.sky !== 'function') return false;
  const drawSky = draw.sky;
  map.skipFlatSky = true;
  painter.drawFunctions = {
    ...draw,
    sky: (...args) => {
      if (!map.skipFlatSky || map.getPitch() !== 0) drawSky(...args);
    },
  };
  return true;
}
document.body.dataset.sky = skipSkyWhenFlat() ? 'skipped-when-flat' : 'drawn';

/** Share of the full resolution a software renderer draws at while the map moves. */
const MOVING_RESOLUTION = 0.5;

/** The WebGL renderer's name ('' when the browser does not tell). */
function webglRenderer() {
  try {
    const { gl } = map.painter.context;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  } catch {
    return '';
  }
}

/**
 * Software WebGL (no GPU: SwiftShader, llvmpipe, as on many virtual desktops) fills every pixel
 * on the CPU; a frame of this map at 1280×800 took it about 50 ms with a million incidents. On
 * such a renderer the map draws at half resolution (a quarter of the pixels) while it moves and
 * at full resolution again as soon as it stops; `?resolution=full` keeps full resolution. With a
 * GPU nothing changes. MapLibre's public setPixelRatio() resizes through map.resize(), which stops
 * a drag in progress, so the canvas is resized through the internal step resize() itself uses
 * (`_overridePixelRatio`, `_resizeInternal`); the browser test checks that it works.
 */
function reduceResolutionWhileMoving() {
  const renderer = webglRenderer();
  if (state.fullResolution || !/swiftshader|llvmpipe|lavapipe|softpipe|software/i.test(renderer)
    || typeof map._resizeInternal !== 'function' || !('_overridePixelRatio' in map)) return 'full';
  let reduced = false;
  const apply = (on) => {
    if (on === reduced) return;
    reduced = on;
    map._overridePixelRatio = on ? window.devicePixelRatio * MOVING_RESOLUTION : null;
    map._resizeInternal(false);
    map.triggerRepaint();
  };
  map.on('move', () => apply(map.isMoving()));
  map.on('moveend', () => apply(false));
  return 'reduced-while-moving';
}
document.body.dataset.resolution = reduceResolutionWhileMoving();

// Arabic labels are shaped and laid out right-to-left by the RTL plugin, served from here.
setRTLTextPlugin('/assets/mapbox-gl-rtl-text.mjs', false).catch((err) => {
  setError('rtl', `Arabic labels: ${err.message}`);
});

const mapLoaded = new Promise((resolve) => map.once('load', resolve));

async function setSourceData(name, data) {
  await mapLoaded;
  map.getSource(name).setData(data);
}

function setOsm(on) {
  const present = Boolean(map.getSource('osm'));
  if (on && !present) {
    map.addSource('osm', OSM);
    map.addLayer({ id: 'osm', type: 'raster', source: 'osm', paint: { 'raster-opacity': 0.75 } }, 'regions-fill');
    map.setLayoutProperty('regions-fill', 'visibility', 'visible');
  } else if (!on && present) {
    map.removeLayer('osm');
    map.removeSource('osm');
    map.setLayoutProperty('regions-fill', 'visibility', 'none');
  }
}

// ---------------------------------------------------------------- popup

function dateText(props) {
  return props.event_date_end
    ? `${props.event_date} – ${props.event_date_end}`
    : String(props.event_date ?? '');
}

function arabic(tag, text) {
  return el(tag, { dir: 'rtl', lang: 'ar', textContent: text });
}

function incidentDetails(props) {
  const title = el('h3', {}, el('span', { dir: 'auto', textContent: props.location ?? '' }));
  if (props.location_ar) title.append(' · ', arabic('span', props.location_ar));

  const rows = el('dl');
  const row = (label, ...value) => rows.append(el('dt', { textContent: t(label) }), el('dd', {}, ...value));
  row('date', el('span', { dir: 'ltr', textContent: dateText(props) }));
  row('event', [eventTypeName(props.event_type), subEventTypeName(props.sub_event_type)].filter(Boolean).join(' / '));
  row('actor1', el('span', { dir: 'auto', textContent: props.actor1 ?? '—' }));
  row('actor2', el('span', { dir: 'auto', textContent: props.actor2 ?? '—' }));
  row('fatalities', number(props.fatalities ?? 0));
  const place = [el('span', { dir: 'auto', textContent: props.location ?? '' })];
  if (props.location_ar) place.push(' · ', arabic('span', props.location_ar));
  if (isApproximate(props)) place.push(' ', el('span', { className: 'approx', textContent: `(${t('approximateNote')})` }));
  row('location', ...place);
  const admin = [el('span', { dir: 'auto', textContent: props.admin1 ?? '' })];
  if (props.admin1_ar) admin.push(' · ', arabic('span', props.admin1_ar));
  row('admin1', ...admin);
  // A source may be an Arabic headline: let the browser pick its direction.
  row('source', el('span', { dir: 'auto', textContent: props.source ?? '—' }));
  row('review', el('span', { className: `review ${props.review}`, textContent: t(props.review) }));

  const root = el('article', { className: 'incident' }, title, rows);
  if (props.notes) {
    root.append(el('h4', { textContent: t('notes') }), el('p', { className: 'text', lang: 'en', dir: 'ltr', textContent: props.notes }));
  }
  if (props.source_text) {
    root.append(el('h4', { textContent: t('sourceText') }), el('p', { className: 'text', dir: 'rtl', lang: 'ar', textContent: props.source_text }));
  }
  return root;
}

function openPopup(ids, lngLat) {
  const features = ids.map((id) => incidentsById.get(id)).filter(Boolean);
  if (features.length === 0) return;
  if (popup) popup.remove();
  const content = el('div', { className: 'incident-popup' }, ...features.slice(0, 5).map((f) => incidentDetails(f.properties)));
  if (features.length > 5) content.append(el('p', { className: 'small', textContent: t('more', number(features.length - 5)) }));
  popup = new Popup({ maxWidth: '380px', focusAfterOpen: false })
    .setLngLat(lngLat ?? features[0].geometry.coordinates)
    .setDOMContent(content)
    .addTo(map);
  popup.on('close', () => select(''));
  select(features[0].properties.id);
}

/** Highlights an incident on the map and in the list. */
function select(id) {
  selectedId = id;
  for (const layer of ['incident-selected', 'tile-selected']) {
    if (map.getLayer(layer)) map.setFilter(layer, ['==', ['get', 'id'], id]);
  }
  for (const button of ui.list.querySelectorAll('button[aria-current]')) button.removeAttribute('aria-current');
  if (!id) return;
  const row = ui.list.querySelector(`button[data-id="${CSS.escape(id)}"]`);
  if (row) {
    row.setAttribute('aria-current', 'true');
    row.scrollIntoView({ block: 'nearest' });
  }
}

map.on('click', 'incidents', (event) => {
  const ids = [...new Set((event.features ?? []).map((f) => f.properties.id))];
  openPopup(ids, event.lngLat);
});
map.on('click', 'clusters', async (event) => {
  const feature = event.features && event.features[0];
  if (!feature) return;
  const zoom = await map.getSource('incidents').getClusterExpansionZoom(feature.properties.cluster_id);
  map.easeTo({ center: feature.geometry.coordinates, zoom });
});
for (const layer of ['incidents', 'clusters']) {
  map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
}

// ---------------------------------------------------------------- tile mode

/** One incident as the API gives it (for a popup in tile mode). */
async function fetchIncident(id) {
  const url = `/api/incidents/${encodeURIComponent(id)}`;
  const response = await fetch(url, { headers: { Accept: 'application/geo+json, application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || body.type !== 'Feature') {
    throw new Error(`${url}: HTTP ${response.status} ${body && body.detail ? body.detail : response.statusText}`);
  }
  return body;
}

/** The tiles' URL template while they are shown. */
let tileUrl = null;
let tileHandlers = false;

/** Handlers of the tile layers; they stay while the layers come and go with the filter. */
function addTileHandlers() {
  map.on('click', 'tile-points', async (event) => {
    const ids = [...new Set((event.features ?? []).map((f) => f.properties.id))].slice(0, 6);
    try {
      const missing = ids.filter((id) => !incidentsById.has(id));
      for (const f of await Promise.all(missing.map(fetchIncident))) incidentsById.set(f.properties.id, f);
      setError('popup', null);
    } catch (err) {
      setError('popup', err.message);
      return;
    }
    openPopup(ids, event.lngLat);
  });
  map.on('click', 'tile-clusters', (event) => {
    const feature = event.features && event.features[0];
    if (feature) map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 16) });
  });
  for (const layer of ['tile-points', 'tile-clusters']) {
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
  }
}

/**
 * Shows the tiles for the API query `query`, or (null) removes them. A new filter replaces the
 * source and its layers: a source's tiles already loaded would not be fetched again for a new URL.
 */
async function setTiles(query) {
  await mapLoaded;
  document.body.dataset.mode = query ? 'tiles' : 'geojson';
  const q = query ? query.toString() : '';
  const url = query ? `${window.location.origin}/tiles/incidents/{z}/{x}/{y}.mvt${q ? `?${q}` : ''}` : null;
  if (url === tileUrl) return;
  if (url !== null && !tileHandlers) {
    addTileHandlers();
    tileHandlers = true;
  }
  if (map.getSource('incident-tiles')) {
    for (const { id } of tileLayers().reverse()) map.removeLayer(id);
    map.removeSource('incident-tiles');
  }
  tileUrl = url;
  if (!url) return;
  map.getSource('incidents').setData(EMPTY);
  map.addSource('incident-tiles', incidentTiles(url));
  for (const layer of tileLayers()) map.addLayer(layer);
}

// ---------------------------------------------------------------- drawing a rectangle

let drawing = null;

function setDrawing(on) {
  ui.draw.setAttribute('aria-pressed', String(on));
  ui.hint.hidden = !on;
  map.getCanvasContainer().classList.toggle('drawing', on);
  if (on) {
    map.dragPan.disable();
    drawing = { start: null, box: null };
  } else {
    map.dragPan.enable();
    if (drawing && drawing.box) drawing.box.remove();
    drawing = null;
  }
}

function pointOf(event) {
  const rect = map.getCanvasContainer().getBoundingClientRect();
  return [event.clientX - rect.left, event.clientY - rect.top];
}

map.getCanvasContainer().addEventListener('pointerdown', (event) => {
  if (!drawing) return;
  event.preventDefault();
  drawing.start = pointOf(event);
  drawing.box = el('div', { className: 'draw-box' });
  map.getCanvasContainer().append(drawing.box);
});
window.addEventListener('pointermove', (event) => {
  if (!drawing || !drawing.start) return;
  const [x0, y0] = drawing.start;
  const [x1, y1] = pointOf(event);
  Object.assign(drawing.box.style, {
    left: `${Math.min(x0, x1)}px`,
    top: `${Math.min(y0, y1)}px`,
    width: `${Math.abs(x1 - x0)}px`,
    height: `${Math.abs(y1 - y0)}px`,
  });
});
window.addEventListener('pointerup', (event) => {
  if (!drawing || !drawing.start) return;
  const a = map.unproject(drawing.start);
  const b = map.unproject(pointOf(event));
  setDrawing(false);
  if (Math.abs(a.lng - b.lng) < 1e-6 || Math.abs(a.lat - b.lat) < 1e-6) return;
  update({ bbox: roundBox([Math.min(a.lng, b.lng), Math.min(a.lat, b.lat), Math.max(a.lng, b.lng), Math.max(a.lat, b.lat)]) });
});
window.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && drawing) setDrawing(false);
});

function roundBox(box) {
  return box.map((x) => Math.round(x * 10000) / 10000);
}

function boxPolygon([w, s, e, n]) {
  return {
    type: 'FeatureCollection',
    features: [{
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    }],
  };
}

// ---------------------------------------------------------------- the panel

function translateStatic() {
  document.documentElement.lang = language();
  document.documentElement.dir = language() === 'ar' ? 'rtl' : 'ltr';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  ui.language.textContent = t('switchLanguage');
  ui.language.lang = language() === 'ar' ? 'en' : 'ar';
  ui.language.setAttribute('aria-label', t('switchLanguageLabel'));
  renderCollapse();
  for (const option of ui.region.options) {
    const region = regionsById.get(option.value);
    if (region) option.textContent = language() === 'ar' ? region.properties.name_ar : region.properties.name;
  }
}

/** The type filter, which is also the legend: built once, then updated in place so focus stays. */
function renderTypes() {
  if (!ui.types.firstChild) {
    const items = EVENT_TYPES.map(({ id, colour }) => {
      const item = el('li', {}, el('label', {},
        el('input', { type: 'checkbox', value: id }),
        el('span', { className: 'swatch', style: `background:${colour}` }),
        el('span', { className: 'name' }),
        el('span', { className: 'count' })));
      item.dataset.type = id;
      return item;
    });
    const other = el('li', { className: 'other' },
      el('span', { className: 'swatch', style: `background:${OTHER_COLOUR}` }),
      el('span', { className: 'name' }),
      el('span', { className: 'count' }));
    ui.types.replaceChildren(...items, other);
  }
  for (const item of ui.types.querySelectorAll('li[data-type]')) {
    const id = item.dataset.type;
    item.querySelector('input').checked = state.types.includes(id);
    item.querySelector('.name').textContent = eventTypeName(id);
    item.querySelector('.count').textContent = number(typeCounts.get(id) ?? 0);
  }
  const others = [...typeCounts].filter(([type]) => !KNOWN_TYPES.has(type)).reduce((n, [, c]) => n + c, 0);
  const other = ui.types.querySelector('li.other');
  other.hidden = others === 0;
  other.querySelector('.name').textContent = t('other');
  other.querySelector('.count').textContent = number(others);
}

ui.types.addEventListener('change', () => {
  const types = [...ui.types.querySelectorAll('input:checked')].map((box) => box.value);
  update({ types: types.length === EVENT_TYPES.length ? [] : types });
});

function renderList(features, total = features.length) {
  const sorted = [...features].sort((a, b) =>
    String(b.properties.event_date).localeCompare(String(a.properties.event_date))
    || String(a.properties.id).localeCompare(String(b.properties.id)));
  const rows = sorted.slice(0, LIST_LIMIT).map(({ properties: p }) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = isApproximate(p) ? 'transparent' : colourOf(p.event_type);
    swatch.style.border = `2px solid ${colourOf(p.event_type)}`;
    const place = language() === 'ar' && p.location_ar ? p.location_ar : p.location;
    const button = el('button', { type: 'button' },
      swatch,
      el('span', { className: 'when', dir: 'ltr', textContent: dateText(p) }),
      el('span', { className: 'what' },
        el('bdi', { textContent: eventTypeName(p.event_type) }), ' — ', el('bdi', { textContent: place ?? '' })));
    button.dataset.id = p.id;
    if (p.review === 'extracted') button.append(el('span', { className: 'review extracted', textContent: t('extracted') }));
    return el('li', {}, button);
  });
  ui.list.replaceChildren(...rows);
  ui.listMore.hidden = total <= rows.length;
  ui.listMore.textContent = t('moreRows', number(total - rows.length));
  if (selectedId) select(selectedId);
}

ui.list.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-id]');
  if (!button) return;
  const feature = incidentsById.get(button.dataset.id);
  if (!feature) return;
  // The point goes to the upper part of the view, leaving room for the popup under it.
  map.flyTo({
    center: feature.geometry.coordinates,
    zoom: Math.max(map.getZoom(), 12),
    padding: viewPadding(),
    offset: [0, -Math.round(map.getContainer().clientHeight / 4)],
  });
  openPopup([button.dataset.id]);
});

function renderExports() {
  const query = apiQuery(state);
  ui.exports.replaceChildren(...EXPORT_FORMATS.map(([format, label]) => {
    const q = new URLSearchParams(query);
    q.set('format', format);
    return el('a', { className: 'button', href: `/api/export?${q}`, download: '', textContent: label });
  }));
}

function renderStatus() {
  if (tileMode) {
    ui.status.textContent = t('tiled', number(listTotal ?? 0));
    return;
  }
  const matched = typeof shown.numberMatched === 'number' ? shown.numberMatched : shown.features.length;
  ui.status.textContent = matched > shown.features.length
    ? t('shownOf', number(shown.features.length), number(matched))
    : t('shown', number(shown.features.length));
}

function renderArea() {
  ui.areaText.textContent = state.bbox ? state.bbox.map((x) => x.toFixed(2)).join(', ') : t('noArea');
  ui.areaText.dir = 'ltr';
  ui.clearArea.disabled = !state.bbox;
}

function renderTimelineNow() {
  renderTimeline(ui.timeline, timelineFeatures, state, (from, to) => update({ from, to }));
}

/** Puts the state into the controls, the map and the requests. */
function apply() {
  const languageChanged = language() !== state.lang;
  setLanguage(state.lang);
  translateStatic();
  ui.region.value = regionsById.has(state.region) ? state.region : '';
  ui.from.value = state.from;
  ui.to.value = state.to;
  for (const radio of document.querySelectorAll('input[name="review"]')) radio.checked = radio.value === state.review;
  ui.osm.checked = state.osm;
  renderArea();
  renderExports();
  renderTypes();
  if (languageChanged) {
    renderList(shown.features, listTotal ?? shown.features.length);
    renderStatus();
    renderTimelineNow();
    map.removeControl(navigation);
    navigation = new NavigationControl({ showCompass: false });
    map.addControl(navigation, state.lang === 'ar' ? 'top-left' : 'top-right');
  }
  mapLoaded.then(() => {
    map.setFilter('region-selected', ['==', ['get', 'id'], state.region]);
    map.getSource('area').setData(state.bbox ? boxPolygon(state.bbox) : EMPTY);
    for (const layer of ['places', 'region-labels']) map.setLayoutProperty(layer, 'text-field', labelText(state.lang));
    setOsm(state.osm);
  });
  load();
}

/** Fetches the incidents for the filters, and (when dates are filtered) the timeline without them. */
async function load() {
  const mine = ++request;
  const query = apiQuery(state);
  ui.status.textContent = t('loadingIncidents');
  if (popup) popup.remove();
  try {
    const counted = new URLSearchParams(query);
    counted.set('limit', '1');
    const matched = (await fetchCollection(`/api/incidents?${counted}`)).numberMatched;
    if (mine !== request) return;
    if (matched > (state.tilesAbove ?? TILES_ABOVE)) {
      await loadTiles(mine, query, matched);
      return;
    }
    query.set('limit', String(INCIDENT_LIMIT));
    const dated = Boolean(state.from || state.to);
    const timelineQuery = apiQuery(state, false);
    timelineQuery.set('limit', String(INCIDENT_LIMIT));
    const [collection, undated] = await Promise.all([
      fetchCollection(`/api/incidents?${query}`),
      dated ? fetchCollection(`/api/incidents?${timelineQuery}`) : null,
    ]);
    if (mine !== request) return;
    setError('incidents', null);
    show(collection, (undated ?? collection).features);
  } catch (err) {
    if (mine !== request) return;
    setError('incidents', err.message);
    show(EMPTY, []);
    ui.status.textContent = t('noIncidents');
  }
}

/**
 * Tile mode: the map draws the tiles of `query`; the list gets the latest LIST_LIMIT matches,
 * the type legend one count per type. The timeline needs every incident: it is left empty.
 */
async function loadTiles(mine, query, matched) {
  const listQuery = new URLSearchParams(query);
  listQuery.set('limit', String(LIST_LIMIT));
  listQuery.set('offset', String(Math.max(0, matched - LIST_LIMIT)));
  const types = state.types.length ? state.types : EVENT_TYPES.map((e) => e.id);
  const countOf = (type) => {
    const q = new URLSearchParams(query);
    q.set('event_type', type);
    q.set('limit', '1');
    return fetchCollection(`/api/incidents?${q}`).then((c) => c.numberMatched);
  };
  const [list, ...counts] = await Promise.all([fetchCollection(`/api/incidents?${listQuery}`), ...types.map(countOf)]);
  if (mine !== request) return;
  setError('incidents', null);
  const perType = new globalThis.Map(types.map((type, i) => [type, counts[i]]));
  const others = matched - counts.reduce((a, b) => a + b, 0);
  if (!state.types.length && others > 0) perType.set('', others);
  shown = list;
  listTotal = matched;
  tileMode = true;
  timelineFeatures = [];
  incidentsById.clear();
  for (const f of list.features) incidentsById.set(f.properties.id ?? f.id, f);
  typeCounts = perType;
  await setTiles(query);
  if (mine !== request) return;
  renderTypes();
  renderList(list.features, matched);
  renderStatus();
  renderTimelineNow();
  document.body.dataset.loaded = String(mine);
}

function show(collection, undated) {
  shown = collection;
  listTotal = null;
  tileMode = false;
  setTiles(null);
  timelineFeatures = undated;
  incidentsById.clear();
  typeCounts = new globalThis.Map();
  for (const f of collection.features) {
    incidentsById.set(f.properties.id ?? f.id, f);
    typeCounts.set(f.properties.event_type, (typeCounts.get(f.properties.event_type) ?? 0) + 1);
  }
  const loaded = String(request);
  renderTypes();
  renderList(collection.features);
  renderStatus();
  renderTimelineNow();
  // "loaded" only once the map has the data too (the map may still be loading its style)
  setSourceData('incidents', collection).then(() => {
    document.body.dataset.loaded = loaded;
  });
}

// ---------------------------------------------------------------- controls

ui.language.addEventListener('click', () => {
  const lang = state.lang === 'ar' ? 'en' : 'ar';
  update({ lang });
  // The panel changes sides: keep what was in the open part of the map in the open part.
  if (!isNarrow()) {
    const shift = ui.panel.offsetWidth + 40 - 60;
    map.panBy([lang === 'ar' ? shift : -shift, 0], { animate: false });
  }
});

// On a phone the panel folds down to its header, giving the map the screen.
function renderCollapse() {
  const open = !ui.panel.classList.contains('collapsed');
  ui.collapse.setAttribute('aria-expanded', String(open));
  ui.collapse.textContent = t(open ? 'hidePanel' : 'showPanel');
}
ui.collapse.addEventListener('click', () => {
  ui.panel.classList.toggle('collapsed');
  renderCollapse();
});

ui.region.addEventListener('change', () => {
  const region = regionsById.get(ui.region.value);
  map.fitBounds(region ? boundsOf(region) : SYRIA_BOUNDS, { padding: viewPadding() });
  update({ region: ui.region.value });
});

ui.draw.addEventListener('click', () => setDrawing(!drawing));
ui.inView.addEventListener('click', () => {
  const b = map.getBounds();
  update({ bbox: roundBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]) });
});
ui.clearArea.addEventListener('click', () => update({ bbox: null }));

for (const input of [ui.from, ui.to]) {
  input.addEventListener('change', () => {
    let from = ui.from.value;
    let to = ui.to.value;
    if (from && to && from > to) [from, to] = [to, from];
    update({ from, to });
  });
}
ui.clearDates.addEventListener('click', () => update({ from: '', to: '' }));

for (const radio of document.querySelectorAll('input[name="review"]')) {
  radio.addEventListener('change', () => update({ review: radio.value }));
}
ui.reset.addEventListener('click', () => {
  map.fitBounds(SYRIA_BOUNDS, { padding: viewPadding() });
  update({ region: '', bbox: null, from: '', to: '', types: [], review: '' });
});
ui.osm.addEventListener('change', () => update({ osm: ui.osm.checked }));

// ---------------------------------------------------------------- base map data

/** A point inside the governorate for its label: the centroid of its largest ring. */
function labelPoint(feature) {
  const polygons = feature.geometry.type === 'MultiPolygon' ? feature.geometry.coordinates : [feature.geometry.coordinates];
  let best = null;
  for (const [ring] of polygons) {
    let area = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < ring.length - 1; i += 1) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      x += (x0 + x1) * cross;
      y += (y0 + y1) * cross;
    }
    if (area !== 0 && (!best || Math.abs(area) > best.area)) best = { area: Math.abs(area), at: [x / (3 * area), y / (3 * area)] };
  }
  return best ? best.at : boundsOf(feature)[0];
}

async function loadRegions() {
  try {
    const collection = await fetchCollection('/api/regions');
    const features = [...collection.features].sort((a, b) =>
      String(a.properties.name).localeCompare(String(b.properties.name)));
    for (const f of features) {
      regionsById.set(f.properties.id, f);
      ui.region.append(el('option', { value: f.properties.id }));
    }
    translateStatic();
    ui.region.value = regionsById.has(state.region) ? state.region : '';
    await setSourceData('regions', collection);
    await setSourceData('region-labels', {
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        properties: { name: f.properties.name, name_ar: f.properties.name_ar },
        geometry: { type: 'Point', coordinates: labelPoint(f) },
      })),
    });
    // A link without a view (#zoom/lat/lon) opens on its governorate or area.
    if (!linkedView) {
      const region = regionsById.get(state.region);
      if (state.bbox) {
        const [w, s, e, n] = state.bbox;
        map.fitBounds([[w, s], [e, n]], { padding: viewPadding(), animate: false });
      } else if (region) {
        map.fitBounds(boundsOf(region), { padding: viewPadding(), animate: false });
      }
    }
  } catch (err) {
    setError('regions', err.message);
  }
}

async function loadBase(source, url) {
  try {
    await setSourceData(source, await fetchCollection(url));
  } catch (err) {
    setError(source, err.message);
  }
}

translateStatic();
apply();
loadBase('countries', '/data/countries.geojson');
loadBase('places', '/data/places.geojson');
loadRegions();
