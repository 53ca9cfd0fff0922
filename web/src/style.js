// The MapLibre style, built from this server's own data: country outlines,
// governorates, towns of the gazetteer and the incidents. Glyphs come from
// /fonts/; there is no sprite, no remote source and no remote font.

import { EVENT_TYPES, OTHER_COLOUR } from './i18n.js';

/** Latin first, Arabic for what Noto Sans lacks; the server combines them. */
export const FONTS = ['Noto Sans Regular', 'Noto Sans Arabic Regular'];

export const EMPTY = { type: 'FeatureCollection', features: [] };

/** Zoom above which incidents are never clustered. */
export const CLUSTER_MAX_ZOOM = 11;

/** The online raster layer offered as an opt-in; never requested unless switched on. */
export const OSM = {
  type: 'raster',
  tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
  tileSize: 256,
  maxzoom: 19,
  attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

/** Zoom of the most detailed incident tiles; the map scales them up beyond it. */
export const TILE_MAX_ZOOM = 15;

/** The server's clustered vector tiles of the incidents (`url` holds the filter). */
export function incidentTiles(url) {
  return { type: 'vector', tiles: [url], minzoom: 0, maxzoom: TILE_MAX_ZOOM };
}

/** A cluster's label: the exact count, in thousands from 10,000 on. */
const countLabel = ['case',
  ['>=', ['get', 'count'], 10000], ['concat', ['to-string', ['round', ['/', ['get', 'count'], 1000]]], 'k'],
  ['to-string', ['get', 'count']]];

/**
 * Layers of the incident tiles: clusters (a `count`, no `id`) as dark circles with their count,
 * single incidents (with `id`, `event_type`, `review`) coloured by type.
 */
export function tileLayers() {
  const source = { source: 'incident-tiles', 'source-layer': 'incidents' };
  const cluster = ['!', ['has', 'id']];
  return [
    {
      id: 'tile-clusters',
      type: 'circle',
      ...source,
      filter: cluster,
      paint: {
        'circle-color': '#3b3f45',
        'circle-opacity': 0.85,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
        'circle-radius': ['step', ['get', 'count'], 9, 10, 11, 100, 13, 1000, 15, 10000, 17],
      },
    },
    {
      id: 'tile-cluster-count',
      type: 'symbol',
      ...source,
      filter: cluster,
      layout: {
        'text-field': countLabel,
        'text-font': FONTS,
        'text-size': 10,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: 'tile-points',
      type: 'circle',
      ...source,
      filter: ['has', 'id'],
      paint: {
        'circle-radius': 6,
        'circle-color': colourExpression,
        'circle-opacity': 0.9,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
      },
    },
    {
      id: 'tile-selected',
      type: 'circle',
      ...source,
      filter: ['==', ['get', 'id'], ''],
      paint: {
        'circle-radius': 11,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#111111',
        'circle-stroke-width': 3,
      },
    },
  ];
}

export const colourExpression = [
  'match', ['get', 'event_type'],
  ...EVENT_TYPES.flatMap((e) => [e.id, e.colour]),
  OTHER_COLOUR,
];

const approximate = ['>=', ['to-number', ['get', 'geo_precision'], 1], 2];

/** A label in the page's language first and the other one under it. */
export function labelText(lang) {
  const [first, second] = lang === 'ar' ? ['name_ar', 'name'] : ['name', 'name_ar'];
  return [
    'format',
    ['coalesce', ['get', first], ['get', second]], {},
    ['case', ['all', ['has', first], ['has', second]], '\n', ''], {},
    ['case', ['has', first], ['coalesce', ['get', second], ''], ''], { 'font-scale': 0.8 },
  ];
}

/** The governorates' tint: this colour at this opacity. */
const REGION_TINT = '#d8c596';
const REGION_TINT_OPACITY = 0.14;
/** #fbf8f1 (the country's own colour) under the governorates' tint, blended once here. */
const SYRIA_TINTED = '#f6f1e4';

export function buildStyle(lang) {
  const isSyria = ['==', ['get', 'iso_a3'], 'SYR'];
  const labelPaint = {
    'text-color': '#33302a',
    'text-halo-color': 'rgba(255,255,255,0.9)',
    'text-halo-width': 1.4,
  };
  return {
    version: 8,
    glyphs: `${window.location.origin}/fonts/{fontstack}/{range}.pbf`,
    sources: {
      countries: { type: 'geojson', data: EMPTY },
      regions: { type: 'geojson', data: EMPTY },
      'region-labels': { type: 'geojson', data: EMPTY },
      places: { type: 'geojson', data: EMPTY },
      area: { type: 'geojson', data: EMPTY },
      incidents: {
        type: 'geojson',
        data: EMPTY,
        cluster: true,
        clusterRadius: 36,
        clusterMaxZoom: CLUSTER_MAX_ZOOM,
      },
    },
    layers: [
      // No background layer: the sea is the map container's CSS background (style.css), showing
      // through where no country is drawn, which saves the renderer a pass over every pixel.
      {
        id: 'countries-fill',
        type: 'fill',
        source: 'countries',
        // Outlines are the line layers' own; the fills' antialiased edges would draw them twice.
        // Syria's colour already holds the governorates' tint (REGION_TINT over #fbf8f1), so the
        // regions' fill need not be drawn over it.
        paint: { 'fill-color': ['case', isSyria, SYRIA_TINTED, '#e4e2dc'], 'fill-antialias': false },
      },
      {
        id: 'regions-fill',
        type: 'fill',
        source: 'regions',
        // Drawn only over the OpenStreetMap layer (app.js), to tint Syria there as the country fill
        // does without it.
        layout: { visibility: 'none' },
        paint: { 'fill-color': REGION_TINT, 'fill-opacity': REGION_TINT_OPACITY, 'fill-antialias': false },
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
        id: 'area-fill',
        type: 'fill',
        source: 'area',
        paint: { 'fill-color': '#0969da', 'fill-opacity': 0.06, 'fill-antialias': false },
      },
      {
        id: 'area-line',
        type: 'line',
        source: 'area',
        paint: { 'line-color': '#0969da', 'line-width': 2, 'line-dasharray': [2, 1] },
      },
      {
        id: 'region-labels',
        type: 'symbol',
        source: 'region-labels',
        maxzoom: 9,
        layout: {
          'text-field': labelText(lang),
          'text-font': FONTS,
          'text-size': 12,
          'text-letter-spacing': 0.04,
          'text-max-width': 8,
        },
        paint: { 'text-color': '#8a7646', 'text-halo-color': 'rgba(255,255,255,0.8)', 'text-halo-width': 1.2 },
      },
      {
        id: 'places-dot',
        type: 'circle',
        source: 'places',
        filter: ['<=', ['get', 'rank'], ['step', ['zoom'], 1, 6.5, 2, 8, 3, 9.5, 4]],
        paint: {
          'circle-radius': ['match', ['get', 'rank'], 1, 3, 2, 2.5, 2],
          'circle-color': '#4d4d4d',
        },
      },
      {
        id: 'places',
        type: 'symbol',
        source: 'places',
        filter: ['<=', ['get', 'rank'], ['step', ['zoom'], 1, 6.5, 2, 8, 3, 9.5, 4]],
        layout: {
          'text-field': labelText(lang),
          'text-font': FONTS,
          'text-size': ['match', ['get', 'rank'], 1, 13, 2, 12, 11],
          'text-anchor': 'top',
          'text-offset': [0, 0.35],
          'text-max-width': 10,
          'symbol-sort-key': ['get', 'rank'],
        },
        paint: labelPaint,
      },
      {
        id: 'clusters',
        type: 'circle',
        source: 'incidents',
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': '#3b3f45',
          'circle-opacity': 0.85,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
          'circle-radius': ['step', ['get', 'point_count'], 12, 10, 16, 100, 21, 1000, 27],
        },
      },
      {
        id: 'cluster-count',
        type: 'symbol',
        source: 'incidents',
        filter: ['has', 'point_count'],
        layout: {
          'text-field': ['get', 'point_count_abbreviated'],
          'text-font': FONTS,
          'text-size': 12,
          'text-allow-overlap': true,
          'text-ignore-placement': true,
        },
        paint: { 'text-color': '#ffffff' },
      },
      {
        id: 'incidents',
        type: 'circle',
        source: 'incidents',
        filter: ['!', ['has', 'point_count']],
        // Exact places are drawn above approximate ones.
        layout: { 'circle-sort-key': ['case', approximate, 0, 1] },
        paint: {
          'circle-radius': [
            'interpolate', ['linear'], ['to-number', ['get', 'fatalities'], 0],
            0, 6,
            5, 8,
            20, 10.5,
            100, 14,
          ],
          'circle-color': colourExpression,
          'circle-opacity': ['case', approximate, 0.15, 0.9],
          'circle-stroke-color': ['case', approximate, colourExpression, '#ffffff'],
          'circle-stroke-width': ['case', approximate, 2.5, 1.2],
        },
      },
      {
        // A dashed ring around approximate places: the point is only near the event.
        id: 'incidents-approximate',
        type: 'circle',
        source: 'incidents',
        filter: ['all', ['!', ['has', 'point_count']], approximate],
        paint: {
          'circle-radius': 16,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': colourExpression,
          'circle-stroke-width': 1,
          'circle-stroke-opacity': 0.6,
        },
      },
      {
        id: 'incident-selected',
        type: 'circle',
        source: 'incidents',
        filter: ['==', ['get', 'id'], ''],
        paint: {
          'circle-radius': 13,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#111111',
          'circle-stroke-width': 3,
        },
      },
    ],
  };
}
