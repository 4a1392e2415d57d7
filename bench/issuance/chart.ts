import type { Percentiles } from './load';

export interface ChartInput {
  title: string;
  subtitle: string;
  /** Bars of the first panel: label, flows/s, and whether the run failed. */
  throughput: { label: string; value: number; failed: boolean }[];
  /** Reference lines on the first panel (targets, crypto ceiling). */
  references: { label: string; value: number }[];
  /** Second panel: per target, p50/p95/p99 per endpoint at saturation. */
  latency: { target: string; endpoints: Record<string, Percentiles> }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];

/** A self-contained SVG of throughput and latency, written by hand (no charting dependency). */
export function renderChart(c: ChartInput): string {
  const width = 960;
  const out: string[] = [];
  const text = (x: number, y: number, s: string, extra = '') =>
    out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(s)}</text>`);

  // Panel 1: horizontal bars, flows per second.
  const barH = 22;
  const p1Top = 70;
  const p1Left = 290;
  const p1Width = width - p1Left - 60;
  const max1 = Math.max(1, ...c.throughput.map((b) => b.value), ...c.references.map((r) => r.value)) * 1.05;
  const x1 = (v: number) => p1Left + (v / max1) * p1Width;
  text(20, p1Top - 12, 'Complete pre-authorized flows per second (higher is better)', 'font-weight="bold"');
  c.throughput.forEach((b, i) => {
    const y = p1Top + i * (barH + 6);
    text(p1Left - 8, y + barH * 0.7, b.label, 'text-anchor="end"');
    out.push(
      `<rect x="${p1Left}" y="${y}" width="${(x1(b.value) - p1Left).toFixed(1)}" height="${barH}" fill="${b.failed ? '#d62728' : '#1f77b4'}"/>`,
    );
    text(x1(b.value) + 4, y + barH * 0.7, `${b.value.toFixed(1)}${b.failed ? ' (FAILED: errors)' : ''}`);
  });
  const p1Bottom = p1Top + c.throughput.length * (barH + 6);
  c.references.forEach((r, i) => {
    out.push(
      `<line x1="${x1(r.value).toFixed(1)}" y1="${p1Top - 4}" x2="${x1(r.value).toFixed(1)}" y2="${p1Bottom}" stroke="#555" stroke-dasharray="4 3"/>`,
    );
    text(
      x1(r.value),
      p1Bottom + 14 + i * 13,
      `${r.label} ${r.value}`,
      'text-anchor="middle" font-size="10" fill="#555"',
    );
  });

  // Panel 2: latency per endpoint, one group of three bars (p50, p95, p99) per target.
  const p2Top = p1Bottom + 40 + c.references.length * 13;
  const endpoints = [...new Set(c.latency.flatMap((l) => Object.keys(l.endpoints)))];
  const max2 = Math.max(1, ...c.latency.flatMap((l) => Object.values(l.endpoints).map((p) => p.p99))) * 1.05;
  const rowH = 9;
  const groupH = c.latency.length * rowH * 1 + 10;
  const x2 = (v: number) => p1Left + (v / max2) * p1Width;
  text(
    20,
    p2Top - 12,
    'Latency per endpoint at saturation, ms (p50 solid, p95 lighter, p99 outline)',
    'font-weight="bold"',
  );
  endpoints.forEach((ep, i) => {
    const y0 = p2Top + i * groupH;
    text(p1Left - 8, y0 + groupH / 2, ep, 'text-anchor="end"');
    c.latency.forEach((l, j) => {
      const p = l.endpoints[ep];
      if (!p) return;
      const y = y0 + j * rowH;
      const color = COLORS[j % COLORS.length];
      out.push(
        `<rect x="${p1Left}" y="${y}" width="${(x2(p.p99) - p1Left).toFixed(1)}" height="${rowH - 2}" fill="none" stroke="${color}"/>`,
      );
      out.push(
        `<rect x="${p1Left}" y="${y}" width="${(x2(p.p95) - p1Left).toFixed(1)}" height="${rowH - 2}" fill="${color}" fill-opacity="0.35"/>`,
      );
      out.push(
        `<rect x="${p1Left}" y="${y}" width="${(x2(p.p50) - p1Left).toFixed(1)}" height="${rowH - 2}" fill="${color}"/>`,
      );
      text(x2(p.p99) + 4, y + rowH - 2, `${p.p50} / ${p.p95} / ${p.p99}`, 'font-size="8"');
    });
  });
  const p2Bottom = p2Top + endpoints.length * groupH;
  c.latency.forEach((l, j) => {
    out.push(
      `<rect x="${20 + j * 140}" y="${p2Bottom + 10}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/>`,
    );
    text(34 + j * 140, p2Bottom + 19, l.target);
  });
  const height = p2Bottom + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="24" font-size="16" font-weight="bold">${esc(c.title)}</text>`,
    `<text x="20" y="42" font-size="11" fill="#555">${esc(c.subtitle)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
