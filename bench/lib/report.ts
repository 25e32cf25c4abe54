import { summarize, type Summary } from './stats.js';

/** One measured quantity: its samples' summary and how to show it. */
export interface Measured {
  /** What ran, e.g. `umd send sample 1024` or `C: fork+exec + post_start`. */
  label: string;
  unit: string;
  summary: Summary;
}

/** One row of the table: umd against its baseline, measured in the same run. */
export interface Figure {
  id: string;
  what: string;
  subject: Measured;
  baseline: Measured;
  /** subject / baseline (for throughput: subject is the aggregate, higher is better). */
  ratio: number;
  /** The goal as printed, e.g. `≤ 1.3×`; `report` when there is none. */
  goal: string;
  /** null when the figure is only reported. */
  pass: boolean | null;
  notes: string[];
}

export type GoalCheck = { text: string; pass: boolean | null };

/** The goal for a time ratio: umd may take at most `max` times the baseline. */
export function atMost(ratio: number, max: number): GoalCheck {
  return { text: `≤ ${max}×`, pass: ratio <= max };
}

export function atLeast(ratio: number, min: number): GoalCheck {
  return { text: `≥ ${min}×`, pass: ratio >= min };
}

export const REPORT_ONLY: GoalCheck = { text: 'report', pass: null };

function number(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `median [min–max] unit (n)` */
export function showMeasured(m: Measured): string {
  const s = m.summary;
  const spread = s.n > 1 ? ` [${number(s.min)}–${number(s.max)}]` : '';
  return `${number(s.median)}${spread} ${m.unit}`;
}

/**
 * The ratio round by round (umd's sample over the baseline's of the same
 * round): how steady the ratio is when the machine's speed drifts.
 */
export function perRound(subject: number[], baseline: number[]): string {
  const ratios = subject.map((s, i) => s / (baseline[i] ?? Number.NaN));
  const s = summarize(ratios);
  return `per-round ratio: median ${number(s.median)}× [${number(s.min)}–${number(s.max)}×], IQR ${number(s.q1)}–${number(s.q3)}×`;
}

function mark(pass: boolean | null): string {
  return pass === null ? '-' : pass ? 'PASS' : 'MISS';
}

/** The figures as one aligned table, then each figure's notes. */
export function renderTable(figures: Figure[]): string {
  const header = ['id', 'what', 'umd: median [min–max]', 'baseline: median [min–max]', 'ratio', 'goal', ''];
  const rows = figures.map((f) => [
    f.id,
    f.what,
    showMeasured(f.subject),
    showMeasured(f.baseline),
    `${number(f.ratio)}×`,
    f.goal,
    mark(f.pass),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  const out = [line(header), rule, ...rows.map(line), ''];
  for (const f of figures) {
    out.push(`${f.id}: umd = ${f.subject.label} (n=${f.subject.summary.n}); baseline = ${f.baseline.label} (n=${f.baseline.summary.n})`);
    for (const note of f.notes) out.push(`    ${note}`);
  }
  return out.join('\n');
}

export function figure(
  id: string,
  what: string,
  subject: Measured,
  baseline: Measured,
  ratio: number,
  goal: GoalCheck,
  notes: string[] = [],
): Figure {
  return { id, what, subject, baseline, ratio, goal: goal.text, pass: goal.pass, notes };
}
