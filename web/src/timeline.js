// The timeline: incidents per day (or per week when they span more than three
// months) as a bar chart; dragging or clicking across bars, or the arrow keys,
// choose a date range.

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

/** The bar the keyboard is on, per timeline, as its first day (ms): kept when the bars are redrawn. */
const cursors = new WeakMap();

/**
 * Draws the bars into `root` and calls `onSelect(from, to)` (ISO dates) when
 * the user drags or clicks across them, or chooses them with the keyboard
 * (arrows move, Shift+arrows extend, Enter applies; Escape calls
 * `onSelect('', '')`). `range` is the current { from, to }.
 *
 * For assistive technology the timeline is a horizontal multi-select listbox
 * whose options are the bars; the bar under the keyboard is its active
 * descendant.
 */
export function renderTimeline(root, features, range, onSelect) {
  const { unit, bins } = bin(features);
  root.replaceChildren();
  root.setAttribute('role', 'listbox');
  root.setAttribute('aria-orientation', 'horizontal');
  root.setAttribute('aria-multiselectable', 'true');
  root.setAttribute('aria-label', t('timelineLabel', t(unit)));
  root.removeAttribute('aria-activedescendant');
  root.tabIndex = bins.length === 0 ? -1 : 0;
  if (bins.length === 0) {
    root.onkeydown = null;
    return;
  }
  const max = Math.max(...bins.map((b) => b.count));
  const from = parseDay(range.from);
  const to = parseDay(range.to);
  const filtered = from !== null || to !== null;
  const chosen = [];
  const bars = bins.map((b, index) => {
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.id = `${root.id}-bar-${index}`;
    bar.setAttribute('role', 'option');
    const selected = (from === null || b.end >= from) && (to === null || b.start <= to);
    if (filtered && selected) {
      bar.classList.add('selected');
      chosen.push(index);
    }
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.height = `${b.count === 0 ? 0 : Math.max(8, (100 * b.count) / max)}%`;
    bar.append(fill);
    const span = unit === 'week' ? `${formatDay(b.start)} – ${formatDay(b.end)}` : formatDay(b.start);
    // The option's accessible name as well as its tooltip.
    bar.title = t('timelineBar', span, number(b.count));
    bar.dataset.index = String(index);
    return bar;
  });
  root.append(...bars);

  const axis = document.createElement('div');
  axis.className = 'axis';
  axis.setAttribute('aria-hidden', 'true');
  const first = document.createElement('span');
  first.textContent = formatDay(bins[0].start);
  const last = document.createElement('span');
  last.textContent = formatDay(bins[bins.length - 1].end);
  axis.append(first, last);
  root.append(axis);

  /** Marks bars a..b (either order) as chosen; `brushing` shows they are not applied yet. */
  const mark = (a, b, brushing = true) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    bars.forEach((bar, i) => {
      const inside = i >= lo && i <= hi;
      bar.classList.toggle('brushing', brushing && inside);
      bar.setAttribute('aria-selected', String(inside));
    });
  };
  const apply = (a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    onSelect(formatDay(bins[lo].start), formatDay(bins[hi].end));
  };

  /** Shows the applied dates again, dropping a range not applied. */
  const unmark = () => (chosen.length > 0 ? mark(chosen[0], chosen[chosen.length - 1], false) : mark(-1, -1, false));
  unmark();

  // The keyboard starts where it was (or at the latest bar), its range on the applied dates.
  const remembered = cursors.get(root);
  let cursor = bins.findIndex((b) => b.start <= remembered && remembered <= b.end);
  let keyAnchor;
  if (chosen.length > 0) {
    const lo = chosen[0];
    const hi = chosen[chosen.length - 1];
    if (cursor < lo || cursor > hi) cursor = hi;
    keyAnchor = cursor === lo ? hi : lo;
  } else {
    if (cursor < 0) cursor = bins.length - 1;
    keyAnchor = cursor;
  }
  const moveTo = (index) => {
    cursor = index;
    cursors.set(root, bins[index].start);
    bars.forEach((bar, i) => bar.classList.toggle('active', i === index));
    root.setAttribute('aria-activedescendant', bars[index].id);
  };
  moveTo(cursor);

  root.onkeydown = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = {
      ArrowLeft: cursor - 1,
      ArrowRight: cursor + 1,
      Home: 0,
      End: bins.length - 1,
    }[event.key];
    if (target !== undefined) {
      moveTo(Math.min(bins.length - 1, Math.max(0, target)));
      if (!event.shiftKey) keyAnchor = cursor;
      mark(keyAnchor, cursor);
    } else if (event.key === 'Enter') {
      apply(keyAnchor, cursor);
    } else if (event.key === 'Escape') {
      // Drops a range not applied yet, and the applied dates.
      keyAnchor = cursor;
      mark(-1, -1, false);
      if (filtered) onSelect('', '');
    } else {
      return;
    }
    event.preventDefault();
  };

  let anchor = null;
  const indexAt = (event) => {
    const target = document.elementFromPoint(event.clientX, event.clientY);
    const bar = target && target.closest('.bar');
    return bar && root.contains(bar) ? Number(bar.dataset.index) : null;
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
    keyAnchor = anchor;
    anchor = null;
    moveTo(index);
    apply(keyAnchor, index);
  };
  root.onpointercancel = () => {
    anchor = null;
    unmark();
  };
}
