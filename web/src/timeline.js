// The timeline: incidents per day (or per week when they span more than three
// months) as a bar chart; dragging or clicking across bars chooses a date range.

import { number, t } from './i18n.js';

const DAY = 86400000;
const MAX_DAILY_SPAN = 92;

function parseDay(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text ?? ''));
  return match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : null;
}

export function formatDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Bins of incidents by first day: [{ start, end, count }] with start/end in ms (UTC days). */
export function bin(features) {
  const days = features.map((f) => parseDay(f.properties.event_date)).filter((d) => d !== null);
  if (days.length === 0) return { unit: 'day', bins: [] };
  const first = Math.min(...days);
  const last = Math.max(...days);
  const weekly = (last - first) / DAY + 1 > MAX_DAILY_SPAN;
  const width = weekly ? 7 * DAY : DAY;
  // Weeks start on Monday (1970-01-01 was a Thursday).
  const origin = weekly ? first - (((first / DAY + 3) % 7) * DAY) : first;
  const count = Math.floor((last - origin) / width) + 1;
  const bins = Array.from({ length: count }, (_, i) => ({
    start: origin + i * width,
    end: origin + i * width + width - DAY,
    count: 0,
  }));
  for (const d of days) bins[Math.floor((d - origin) / width)].count += 1;
  return { unit: weekly ? 'week' : 'day', bins };
}

/**
 * Draws the bars into `root` and calls `onSelect(from, to)` (ISO dates) when
 * the user drags or clicks across them. `range` is the current { from, to }.
 */
export function renderTimeline(root, features, range, onSelect) {
  const { unit, bins } = bin(features);
  root.replaceChildren();
  root.setAttribute('aria-label', t('timelineLabel', t(unit)));
  if (bins.length === 0) return;
  const max = Math.max(...bins.map((b) => b.count));
  const from = parseDay(range.from);
  const to = parseDay(range.to);
  const bars = bins.map((b, index) => {
    const bar = document.createElement('div');
    bar.className = 'bar';
    const selected = (from === null || b.end >= from) && (to === null || b.start <= to);
    if ((from !== null || to !== null) && selected) bar.classList.add('selected');
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.height = `${b.count === 0 ? 0 : Math.max(8, (100 * b.count) / max)}%`;
    bar.append(fill);
    const span = unit === 'week' ? `${formatDay(b.start)} – ${formatDay(b.end)}` : formatDay(b.start);
    bar.title = `${span}: ${number(b.count)}`;
    bar.dataset.index = String(index);
    return bar;
  });
  root.append(...bars);

  const axis = document.createElement('div');
  axis.className = 'axis';
  const first = document.createElement('span');
  first.textContent = formatDay(bins[0].start);
  const last = document.createElement('span');
  last.textContent = formatDay(bins[bins.length - 1].end);
  axis.append(first, last);
  root.append(axis);

  let anchor = null;
  const indexAt = (event) => {
    const target = document.elementFromPoint(event.clientX, event.clientY);
    const bar = target && target.closest('.bar');
    return bar && root.contains(bar) ? Number(bar.dataset.index) : null;
  };
  const mark = (a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    bars.forEach((bar, i) => bar.classList.toggle('brushing', i >= lo && i <= hi));
  };
  root.onpointerdown = (event) => {
    const index = indexAt(event);
    if (index === null) return;
    anchor = index;
    root.setPointerCapture(event.pointerId);
    mark(index, index);
  };
  root.onpointermove = (event) => {
    if (anchor === null) return;
    const index = indexAt(event);
    if (index !== null) mark(anchor, index);
  };
  root.onpointerup = (event) => {
    if (anchor === null) return;
    const index = indexAt(event) ?? anchor;
    const [lo, hi] = anchor <= index ? [anchor, index] : [index, anchor];
    anchor = null;
    onSelect(formatDay(bins[lo].start), formatDay(bins[hi].end));
  };
  root.onpointercancel = () => {
    anchor = null;
    mark(-1, -1);
  };
}
