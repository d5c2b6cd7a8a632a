/**
 * Small derived values read by several views. Selectors return primitives or existing objects, so
 * a component subscribed through one re-renders only when its answer changes.
 */

import { CELLS } from '../engine';
import { GATE_NAMES, type CellKind, type ForwardTrace } from '../engine';
import type { VisState } from './store';

const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\p{M}]+$/u;
const SPOKEN_MAX = 40;

/** The token at the current step as a student reads it (padding, spaces and invisible characters spelled out). */
export function tokenText(token: string, padded = false): string {
  if (padded) return `padding '${token}'`;
  if (token === ' ') return 'space';
  if (token === '\n') return 'newline';
  if (token === '' || INVISIBLE.test(token)) {
    return `the invisible character ${Array.from(token, (ch) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ')}`;
  }
  const chars = Array.from(token);
  // A screen reader reads every character of a 5,000-letter "word"; cut it, by code points.
  return chars.length > SPOKEN_MAX ? `'${chars.slice(0, SPOKEN_MAX - 1).join('')}…'` : `'${token}'`;
}

/** Index of the most probable label after step t. */
export function predictedAt(trace: ForwardTrace, t: number): number {
  const K = trace.K;
  let best = 0;
  for (let k = 1; k < K; k++) if (trace.probsPerStep[t * K + k] > trace.probsPerStep[t * K + best]) best = k;
  return best;
}

/** A probability as "71%" (or "71.4%" with `digits`); "overflow" when the model's numbers overflowed. */
export function percentText(p: number, digits = 0): string {
  return Number.isFinite(p) ? `${(p * 100).toFixed(digits)}%` : 'overflow';
}

/** "Step 3 of 7: 'not'. Prediction: negative 71%." for the live region. */
export function announcement(s: Pick<VisState, 'step' | 'tokens' | 'padded' | 'trace' | 'modelInfo'>): string {
  const T = s.trace.T;
  const t = Math.min(Math.max(0, s.step), T - 1);
  const k = predictedAt(s.trace, t);
  const p = s.trace.probsPerStep[t * s.trace.K + k];
  const label = s.modelInfo.labels[k] ?? `class ${k}`;
  const prediction = Number.isFinite(p) ? `${label} ${percentText(p)}` : 'none (the numbers overflowed)';
  return `Step ${t + 1} of ${T}: ${tokenText(s.tokens[t], s.padded[t])}. Prediction: ${prediction}.`;
}

export const selectT = (s: VisState): number => s.trace.T;
export const selectH = (s: VisState): number => s.trace.H;

/** Human names of what each heatmap shows; the region names tests and screen readers use. */
export const SERIES_NAMES: Record<string, string> = {
  h: 'Hidden state h',
  c: 'Cell state c',
  i: 'Input gate i',
  f: 'Forget gate f',
  g: 'Candidate g',
  o: 'Output gate o',
  r: 'Reset gate r',
  z: 'Update gate z',
  n: 'Candidate n',
};

export interface SeriesRef {
  /** 'h', 'c' or a gate letter */
  key: string;
  name: string;
  /** where the values live: trace field and the column offset within each T row */
  source: 'h' | 'c' | 'gates';
  offset: number;
  stride: number;
  /** sigmoid gates live in [0, 1]; states and tanh candidates in [-1, 1] */
  kind: 'diverging' | 'sequential';
}

/** The series a cell has, in the order the heatmaps show them: h, c (when the cell keeps it), then gates in GATE_NAMES order. */
export function seriesOf(cell: CellKind, H: number): SeriesRef[] {
  const out: SeriesRef[] = [{ key: 'h', name: SERIES_NAMES.h, source: 'h', offset: 0, stride: H, kind: 'diverging' }];
  if (CELLS[cell].keeps.c) out.push({ key: 'c', name: SERIES_NAMES.c, source: 'c', offset: 0, stride: H, kind: 'diverging' });
  const gates = GATE_NAMES[cell];
  gates.forEach((g, b) => {
    const tanhGate = g === 'g' || g === 'n';
    out.push({ key: g, name: SERIES_NAMES[g], source: 'gates', offset: b * H, stride: gates.length * H, kind: tanhGate ? 'diverging' : 'sequential' });
  });
  return out;
}

