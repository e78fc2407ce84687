/**
 * `bench/results.svg` from `bench/results.json`: one bar per target, green when
 * met, red when missed, a dark tick at each threshold. Ratios on a log scale;
 * counts and megabytes as a share of their limit. Hand-written SVG.
 * Standalone: `npx tsx bench/chart.ts` re-renders from the JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { formatValue, type BenchResults, type TargetResult } from './lib/results.js';

const WIDTH = 1280;
const LABEL = 600;
const PLOT = WIDTH - LABEL - 120;
const ROW = 28;
const BAR = 16;
const GREEN = '#2e9d57';
const RED = '#d4483b';
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, body: string, attrs = ''): string => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(body)}</text>`;

/** The word each row ends with, so the chart reads without colour too. */
const verdict = (t: TargetResult): string => (t.met ? 'met' : 'missed');

/** x of a ratio on the log axis from 0.1× to `max`×. */
const logX = (value: number, max: number): number => LABEL + (Math.log10(Math.max(value, 0.1)) + 1) / (Math.log10(max) + 1) * PLOT;

function ratioPanel(rows: TargetResult[], top: number): { svg: string[]; height: number } {
  const max = 10 ** Math.ceil(Math.log10(Math.max(10, ...rows.map((t) => (Number.isFinite(t.value) ? t.value : 1))) * 1.2));
  const svg = [text(16, top + 18, 'Ratios: authkit ÷ baseline, median of the rounds (log scale) — tick = target', 'class="h"')];
  const y0 = top + 34;
  const gridBottom = y0 + rows.length * ROW;
  for (let v = 0.1; v <= max * 1.0001; v *= 10) {
    const x = logX(v, max);
    svg.push(`<line x1="${x}" y1="${y0 - 4}" x2="${x}" y2="${gridBottom}" class="grid"/>`, text(x, gridBottom + 14, `${v < 1 ? v.toFixed(1) : v.toFixed(0)}×`, 'class="axis" text-anchor="middle"'));
  }
  rows.forEach((t, i) => {
    const y = y0 + i * ROW;
    const end = Number.isFinite(t.value) ? logX(t.value, max) : LABEL;
    const tx = logX(t.threshold, max);
    svg.push(
      text(LABEL - 10, y + BAR - 3, t.label, 'class="label" text-anchor="end"'),
      `<rect x="${LABEL}" y="${y}" width="${Math.max(1, end - LABEL).toFixed(1)}" height="${BAR}" rx="2" fill="${t.met ? GREEN : RED}"/>`,
      `<line x1="${tx}" y1="${y - 4}" x2="${tx}" y2="${y + BAR + 4}" class="target"/>`,
      // After the bar or the tick, whichever is further right, so neither hides the number.
      text(Math.max(end, tx + 2) + 6, y + BAR - 3, `${formatValue(t.unit, t.value)} ${verdict(t)}`, 'class="value"'),
    );
  });
  return { svg, height: gridBottom + 24 - top };
}

function limitPanel(rows: TargetResult[], top: number): { svg: string[]; height: number } {
  const svg = [text(16, top + 18, 'Counts, memory and cold start: measured against the limit (tick = limit)', 'class="h"')];
  const y0 = top + 34;
  const scale = PLOT / 2; // the limit sits in the middle of the plot
  rows.forEach((t, i) => {
    const y = y0 + i * ROW;
    const share = Number.isFinite(t.value) ? (t.threshold === 0 ? (t.value === 0 ? 0 : 2) : t.value / t.threshold) : 0;
    // Capped at 1.5× the limit, so the value written after the bar stays inside the chart.
    const width = Math.max(2, Math.min(1.5, share) * scale);
    svg.push(
      text(LABEL - 10, y + BAR - 3, t.label, 'class="label" text-anchor="end"'),
      `<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" rx="2" fill="${t.met ? GREEN : RED}"/>`,
      text(LABEL + Math.max(width, scale + 2) + 6, y + BAR - 3, `${formatValue(t.unit, t.value)} (${t.comparator === '==' ? 'must be' : 'limit'} ${formatValue(t.unit, t.threshold)}) ${verdict(t)}`, 'class="value"'),
      `<line x1="${LABEL + scale}" y1="${y - 4}" x2="${LABEL + scale}" y2="${y + BAR + 4}" class="target"/>`,
    );
  });
  return { svg, height: rows.length * ROW + 44 };
}

/**
 * Render the chart of one run.
 *
 * @example
 * ```ts
 * await writeFile('bench/results.svg', renderChart(results))
 * ```
 */
export function renderChart(results: BenchResults): string {
  const met = results.targets.filter((t) => t.met).length;
  const header = [
    text(16, 28, `logto-authkit benchmarks — ${met} of ${results.targets.length} targets met`, 'class="title"'),
    text(16, 48, `${results.date.slice(0, 10)} · ${results.machine.cpu} × ${results.machine.cores} · Node ${results.node} · green = met, red = missed`, 'class="sub"'),
  ];
  const ratios = ratioPanel(results.targets.filter((t) => t.unit === 'ratio'), 60);
  const limits = limitPanel(results.targets.filter((t) => t.unit !== 'ratio'), 60 + ratios.height);
  const height = 60 + ratios.height + limits.height + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:18px;font-weight:bold;fill:#222}.sub{font-size:12px;fill:#666}.h{font-size:14px;font-weight:bold;fill:#333}.label{font-size:12px;fill:#222}.value{font-size:12px;fill:#222;font-weight:bold}.axis{font-size:11px;fill:#666}.grid{stroke:#e3e3e3;stroke-width:1}.target{stroke:#111;stroke-width:2.5}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...header,
    ...ratios.svg,
    ...limits.svg,
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
  const results = JSON.parse(await readFile(here('./results.json'), 'utf8')) as BenchResults;
  await writeFile(here('./results.svg'), renderChart(results));
}
