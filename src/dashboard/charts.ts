// Charts with uPlot (≈ 45 kB, canvas): engaged time by day and the duration histogram.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { duration } from './format.ts';

const ACCENT = '#4f46e5';
const ACCENT_FILL = 'rgba(79, 70, 229, 0.18)';

function size(container: HTMLElement) {
  return { width: Math.max(280, container.clientWidth - 8), height: 220 };
}

function responsive(plot: uPlot, container: HTMLElement) {
  const observer = new ResizeObserver(() => plot.setSize(size(container)));
  observer.observe(container);
}

/** Chart width per histogram bucket under which its axis labels are shortened. */
const COMPACT_BELOW_PX = 56;

const axis = { stroke: '#6b7280', grid: { stroke: 'rgba(107,114,128,0.15)' }, ticks: { show: false } };

export function dayChart(
  container: HTMLElement,
  days: { day: string; sessions: number; engagedMs: number }[],
) {
  const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const minutes = days.map((d) => Math.round(d.engagedMs / 60_000));
  const sessions = days.map((d) => d.sessions);
  const plot = new uPlot(
    {
      ...size(container),
      title: undefined,
      scales: { x: { time: true }, m: { auto: true }, s: { auto: true } },
      axes: [
        { ...axis },
        {
          ...axis,
          scale: 'm',
          label: 'engaged minutes',
          values: (_u, v) => v.map((n) => n.toLocaleString('en')),
        },
        { ...axis, scale: 's', side: 1, label: 'sessions', grid: { show: false } },
      ],
      series: [
        { value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
        {
          label: 'Engaged time',
          scale: 'm',
          stroke: ACCENT,
          fill: ACCENT_FILL,
          width: 2,
          value: (_u, v) => (v == null ? '' : duration(v * 60_000)),
        },
        { label: 'Sessions', scale: 's', stroke: '#0d9488', width: 2, dash: [6, 4] },
      ],
    },
    [xs, minutes, sessions],
    container,
  );
  responsive(plot, container);
  return plot;
}

export function histogramChart(container: HTMLElement, buckets: { le: number | null; count: number }[]) {
  const short = (ms: number) => (ms < 60_000 ? `${ms / 1000}s` : `${ms / 60_000}m`);
  const labels = buckets.map((b, i) =>
    b.le === null ? `> ${short(buckets[i - 1]?.le ?? 0)}` : `≤ ${short(b.le)}`,
  );
  // On a phone a bucket is about 32 px wide and "≤ 10s" overlapped its neighbours: narrow charts
  // put every other label on a second line, so each line has twice the room.
  const compact = labels.map((label, i) => (i % 2 === 1 ? `\n${label}` : label));
  const axisLabels = (u: uPlot) => (u.width / buckets.length < COMPACT_BELOW_PX ? compact : labels);
  const xs = buckets.map((_, i) => i);
  const bars = uPlot.paths.bars?.({ size: [0.7, 80] });
  const plot = new uPlot(
    {
      ...size(container),
      scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] } },
      axes: [
        { ...axis, values: (u, v) => v.map((i) => axisLabels(u)[i] ?? ''), splits: () => xs },
        { ...axis, label: 'sessions' },
      ],
      series: [
        { value: (_u, v) => (v == null ? '' : (labels[v] ?? '')) },
        {
          label: 'Sessions',
          stroke: ACCENT,
          fill: 'rgba(79, 70, 229, 0.55)',
          paths: bars,
          points: { show: false },
        },
      ],
      legend: { show: true },
    },
    [xs, buckets.map((b) => b.count)],
    container,
  );
  responsive(plot, container);
  return plot;
}
