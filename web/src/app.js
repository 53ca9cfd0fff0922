// The incident map page.
//
// The MapLibre style is built here from the server's own GeoJSON endpoints:
// no remote style, tiles, glyphs or sprite, so the page never makes a request
// that leaves the server. All text coming from data is put into the page with
// textContent / createElement only.

import { Map as MapLibreMap, NavigationControl, Popup, ScaleControl } from './maplibre-gl.mjs';

const SYRIA_BOUNDS = [[35.5, 32.2], [42.5, 37.4]];
const INCIDENT_LIMIT = 10000;

// ACLED's six event types and their colours.
const EVENT_TYPES = [
  ['Battles', '#d62728'],
  ['Explosions/Remote violence', '#ff7f0e'],
  ['Violence against civilians', '#9467bd'],
  ['Protests', '#2ca02c'],
  ['Riots', '#8c564b'],
  ['Strategic developments', '#1f77b4'],
];
const OTHER_COLOUR = '#7f7f7f';
const COLOUR_BY_TYPE = new globalThis.Map(EVENT_TYPES);

const EMPTY = { type: 'FeatureCollection', features: [] };

const ui = {
  panel: document.getElementById('panel'),
  status: document.getElementById('status'),
  error: document.getElementById('error'),
  region: document.getElementById('region'),
  legend: document.getElementById('legend'),
  list: document.getElementById('list'),
};

const incidentsById = new globalThis.Map();
const regionsById = new globalThis.Map();
const errors = new globalThis.Map();
let popup = null;
let incidentRequest = 0;

// ---------------------------------------------------------------- helpers

/** createElement with properties (textContent, className, dir, lang, ...) and children. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function colourOf(eventType) {
  return COLOUR_BY_TYPE.get(eventType) ?? OTHER_COLOUR;
}

function isApproximate(props) {
  return props.geo_precision >= 2;
}

function setStatus(text) {
  ui.status.textContent = text;
}

/** Records (or clears, with null) the error of one part of the page and shows them all. */
function setError(key, message) {
  if (message) {
    errors.set(key, message);
  } else {
    errors.delete(key);
  }
  ui.error.textContent = [...errors.values()].join('\n');
  ui.error.hidden = errors.size === 0;
}

/** Fetches JSON; a failed request or an error response becomes an Error with the server's detail. */
async function fetchJson(url) {
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

/** Room to leave around fitted bounds so they are not hidden by the panel. */
function viewPadding() {
  if (window.matchMedia('(max-width: 720px)').matches) {
    return { top: 20, right: 20, left: 20, bottom: ui.panel.offsetHeight + 30 };
  }
  return { top: 30, right: 30, bottom: 30, left: ui.panel.offsetWidth + 40 };
}

function boundsOf(feature) {
  if (Array.isArray(feature.bbox) && feature.bbox.length === 4) {
    const [w, s, e, n] = feature.bbox;
    return [[w, s], [e, n]];
  }
  return SYRIA_BOUNDS;
}

// ---------------------------------------------------------------- map style

function buildStyle() {
  const isSyria = ['==', ['get', 'iso_a3'], 'SYR'];
  const colour = ['match', ['get', 'event_type'], ...EVENT_TYPES.flat(), OTHER_COLOUR];
  const approximate = ['>=', ['to-number', ['get', 'geo_precision'], 1], 2];
  return {
    version: 8,
    sources: {
      countries: { type: 'geojson', data: EMPTY },
      regions: { type: 'geojson', data: EMPTY },
      incidents: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#b8d4e8' } },
      {
        id: 'countries-fill',
        type: 'fill',
        source: 'countries',
        paint: { 'fill-color': ['case', isSyria, '#fbf8f1', '#e4e2dc'] },
      },
      {
        id: 'regions-fill',
        type: 'fill',
        source: 'regions',
        paint: { 'fill-color': '#d8c596', 'fill-opacity': 0.14 },
      },
      {
        id: 'regions-line',
        type: 'line',
        source: 'regions',
        paint: { 'line-color': '#a08d5f', 'line-width': 0.8, 'line-dasharray': [3, 2] },
      },
      {
        id: 'countries-line',
        type: 'line',
        source: 'countries',
        paint: {
          'line-color': ['case', isSyria, '#4d4d4d', '#aaa79d'],
          'line-width': ['case', isSyria, 1.6, 0.8],
        },
      },
      {
        id: 'region-selected',
        type: 'line',
        source: 'regions',
        filter: ['==', ['get', 'id'], ''],
        paint: { 'line-color': '#24292f', 'line-width': 2.5 },
      },
      {
        id: 'incidents',
        type: 'circle',
        source: 'incidents',
        // Exact places are drawn above approximate ones.
        layout: { 'circle-sort-key': ['case', approximate, 0, 1] },
        paint: {
          'circle-radius': [
            'interpolate', ['linear'], ['to-number', ['get', 'fatalities'], 0],
            0, 5,
            5, 7,
            20, 9.5,
            100, 13,
          ],
          'circle-color': colour,
          'circle-opacity': ['case', approximate, 0.12, 0.85],
          'circle-stroke-color': ['case', approximate, colour, '#ffffff'],
          'circle-stroke-width': ['case', approximate, 2, 1],
        },
      },
    ],
  };
}

const map = new MapLibreMap({
  container: 'map',
  style: buildStyle(),
  bounds: SYRIA_BOUNDS,
  fitBoundsOptions: { padding: viewPadding() },
});
map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new ScaleControl(), 'bottom-right');
map.on('error', (event) => {
  setError('map', `Map: ${event.error ? event.error.message : 'unknown error'}`);
});
// Exposed for debugging and for browser checks.
window.incidentMap = map;

const mapLoaded = new Promise((resolve) => map.once('load', resolve));

async function setSourceData(name, data) {
  await mapLoaded;
  map.getSource(name).setData(data);
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

function buildPopup(props) {
  const title = el('h3', { textContent: props.location ?? '' });
  if (props.location_ar) {
    title.append(' · ', arabic('span', props.location_ar));
  }

  const rows = el('dl');
  const row = (label, ...value) => rows.append(el('dt', { textContent: label }), el('dd', {}, ...value));
  row('Date', dateText(props));
  row('Event', [props.event_type, props.sub_event_type].filter(Boolean).join(' / '));
  row('Actor 1', props.actor1 ?? '—');
  row('Actor 2', props.actor2 ?? '—');
  row('Fatalities', String(props.fatalities ?? 0));
  const place = [props.location ?? ''];
  if (props.location_ar) place.push(' · ', arabic('span', props.location_ar));
  if (isApproximate(props)) place.push(' (approximate)');
  row('Location', ...place);
  const admin = [props.admin1 ?? ''];
  if (props.admin1_ar) admin.push(' · ', arabic('span', props.admin1_ar));
  row('Governorate', ...admin);
  // A source may be an Arabic headline: let the browser pick its direction.
  row('Source', el('span', { dir: 'auto', textContent: props.source ?? '—' }));
  row('Review', el('span', { className: `review ${props.review}`, textContent: props.review ?? '' }));

  const root = el('div', { className: 'incident-popup' }, title, rows);
  if (props.notes) {
    root.append(el('p', { className: 'text', lang: 'en', textContent: props.notes }));
  }
  if (props.source_text) {
    root.append(el('p', { className: 'text', dir: 'rtl', lang: 'ar', textContent: props.source_text }));
  }
  return root;
}

function openIncident(id) {
  const feature = incidentsById.get(id);
  if (!feature) return;
  if (popup) popup.remove();
  popup = new Popup({ maxWidth: '360px' })
    .setLngLat(feature.geometry.coordinates)
    .setDOMContent(buildPopup(feature.properties))
    .addTo(map);
}

map.on('click', 'incidents', (event) => {
  const feature = event.features && event.features[0];
  if (feature) openIncident(feature.properties.id);
});
map.on('mouseenter', 'incidents', () => {
  map.getCanvas().style.cursor = 'pointer';
});
map.on('mouseleave', 'incidents', () => {
  map.getCanvas().style.cursor = '';
});

// ---------------------------------------------------------------- panel

function renderLegend(features) {
  const counts = new globalThis.Map();
  for (const f of features) {
    counts.set(f.properties.event_type, (counts.get(f.properties.event_type) ?? 0) + 1);
  }
  const items = EVENT_TYPES.map(([type, colour]) => el('li', {},
    el('span', { className: 'swatch', style: `background:${colour}` }),
    type,
    el('span', { className: 'count', textContent: String(counts.get(type) ?? 0) })));
  const others = features.length - EVENT_TYPES.reduce((n, [type]) => n + (counts.get(type) ?? 0), 0);
  if (others > 0) {
    items.push(el('li', {},
      el('span', { className: 'swatch', style: `background:${OTHER_COLOUR}` }),
      'Other',
      el('span', { className: 'count', textContent: String(others) })));
  }
  ui.legend.replaceChildren(...items);
}

function renderList(features) {
  const sorted = [...features].sort((a, b) =>
    String(b.properties.event_date).localeCompare(String(a.properties.event_date)));
  const fragment = document.createDocumentFragment();
  for (const { properties: p } of sorted) {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = isApproximate(p) ? 'transparent' : colourOf(p.event_type);
    swatch.style.border = `2px solid ${colourOf(p.event_type)}`;
    const button = el('button', { type: 'button' },
      swatch,
      el('span', { className: 'when', textContent: dateText(p) }),
      el('span', { textContent: `${p.event_type} — ${p.location}` }));
    button.dataset.id = p.id;
    fragment.append(el('li', {}, button));
  }
  ui.list.replaceChildren(fragment);
}

ui.list.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-id]');
  if (!button) return;
  const feature = incidentsById.get(button.dataset.id);
  if (!feature) return;
  map.flyTo({
    center: feature.geometry.coordinates,
    zoom: Math.max(map.getZoom(), 10),
    padding: viewPadding(),
  });
  openIncident(button.dataset.id);
});

function showIncidents(collection) {
  incidentsById.clear();
  for (const f of collection.features) {
    incidentsById.set(f.properties.id ?? f.id, f);
  }
  setSourceData('incidents', collection);
  renderLegend(collection.features);
  renderList(collection.features);

  const shown = collection.features.length;
  const matched = collection.numberMatched;
  let text = `${shown.toLocaleString('en')} incident${shown === 1 ? '' : 's'} shown`;
  if (typeof matched === 'number' && matched > shown) {
    text += ` (of ${matched.toLocaleString('en')} matching)`;
  }
  setStatus(text);
}

async function loadIncidents(regionId) {
  const request = ++incidentRequest;
  const params = new URLSearchParams();
  if (regionId) params.set('region', regionId);
  params.set('limit', String(INCIDENT_LIMIT));
  setStatus('Loading incidents…');
  if (popup) popup.remove();
  try {
    const collection = await fetchJson(`/api/incidents?${params}`);
    if (request !== incidentRequest) return;
    setError('incidents', null);
    showIncidents(collection);
  } catch (err) {
    if (request !== incidentRequest) return;
    setError('incidents', err.message);
    showIncidents(EMPTY);
    setStatus('No incidents loaded.');
  }
}

async function loadRegions() {
  try {
    const collection = await fetchJson('/api/regions');
    const features = [...collection.features].sort((a, b) =>
      String(a.properties.name).localeCompare(String(b.properties.name)));
    for (const f of features) {
      regionsById.set(f.properties.id, f);
      const label = f.properties.name_ar
        ? `${f.properties.name} · ${f.properties.name_ar}`
        : f.properties.name;
      ui.region.append(el('option', { value: f.properties.id, textContent: label }));
    }
    await setSourceData('regions', collection);
  } catch (err) {
    setError('regions', err.message);
  }
}

async function loadCountries() {
  try {
    await setSourceData('countries', await fetchJson('/data/countries.geojson'));
  } catch (err) {
    setError('countries', err.message);
  }
}

ui.region.addEventListener('change', async () => {
  const id = ui.region.value;
  await mapLoaded;
  map.setFilter('region-selected', ['==', ['get', 'id'], id]);
  const region = regionsById.get(id);
  map.fitBounds(region ? boundsOf(region) : SYRIA_BOUNDS, { padding: viewPadding() });
  loadIncidents(id);
});

loadCountries();
loadRegions();
loadIncidents('');
