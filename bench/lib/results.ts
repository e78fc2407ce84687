/**
 * The shape of `bench/results.json`, shared by the runner, the report and the chart.
 */
import { median } from './measure.js';

/** How a measured value is compared with its threshold. */
export type Comparator = '>=' | '<=' | '==';

/** One target of the issue, measured. */
export interface TargetResult {
  /** Stable id, e.g. `repeated-es384`. */
  id: string;
  /** What is measured, for a person. */
  label: string;
  /** `ratio` (× a baseline), `count`, `MB` or `ms` (a difference in milliseconds). */
  unit: 'ratio' | 'count' | 'MB' | 'ms';
  value: number;
  threshold: number;
  comparator: Comparator;
  met: boolean;
  /** How the value was obtained (the two rates of a ratio, the counts). */
  detail: string;
  /** The value of each round, in run order, when the row is a median of rounds. */
  rounds?: number[];
}

/** A raw rate, for the table. */
export interface RateResult {
  id: string;
  label: string;
  /** Operations (or requests) per second. */
  perSec: number;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  date: string;
  machine: { cpu: string; cores: number; memoryGB: number; os: string };
  node: string;
  /** Seconds the whole run took. */
  durationSec: number;
  /** Rounds per row (each row is the median over them). */
  rounds?: number;
  rates: RateResult[];
  targets: TargetResult[];
  notes: string[];
}

/**
 * Build a target row, computing whether it is met.
 *
 * @example
 * ```ts
 * target('repeated-es384', 'Repeated tokens vs floor', 'ratio', 1400, '>=', 100, '1.7M/s vs 1.2k/s')
 * ```
 */
export function target(id: string, label: string, unit: TargetResult['unit'], value: number, comparator: Comparator, threshold: number, detail: string, rounds?: number[]): TargetResult {
  const met = comparator === '>=' ? value >= threshold : comparator === '<=' ? value <= threshold : value === threshold;
  return { id, label, unit, value, threshold, comparator, met, detail, ...(rounds ? { rounds } : {}) };
}

/**
 * A ratio row that is the median of per-round ratios (each round's two rates
 * measured back to back), with both medians of the rates in its detail.
 *
 * @example
 * ```ts
 * ratioTarget('unique-es384', 'Unique ES384 ÷ floor', [1200, 1190], [1210, 1220], 0.97)
 * ```
 */
export function ratioTarget(id: string, label: string, ours: readonly number[], baseline: readonly number[], threshold: number, unitOfRate = '/s'): TargetResult {
  const ratios = ours.map((value, i) => value / (baseline[i] ?? Number.NaN));
  const mid = median;
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  return target(id, label, 'ratio', mid(ratios), '>=', threshold, `median of ${ratios.length} rounds: ${fmt(mid(ours))}${unitOfRate} vs ${fmt(mid(baseline))}${unitOfRate}`, ratios);
}

/** `12345.6` → `12.3k`; rates for a person. */
export function formatRate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)}M`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k`;
  return perSec.toFixed(0);
}

/** A value with its unit, for a person. */
export function formatValue(unit: TargetResult['unit'], value: number): string {
  if (unit === 'ratio') return value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 'ms') return `${value >= 0 ? '+' : ''}${value.toFixed(1)} ms`;
  return String(value);
}
