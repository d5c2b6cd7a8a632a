/**
 * Measurements on a trained model that the CLI reports and the shipped index records: accuracy per
 * tag, the correlation of each hidden unit with a tracked quantity, and how much gradient reaches the
 * deciding token.
 */
import { backward } from '../backward';
import { CELLS } from '../cells/index';
import { forward } from '../forward';
import type { ModelParams } from '../types';
import type { EncodedExample } from '../train';

export interface TagAccuracy {
  accuracy: number;
  count: number;
}

/** Accuracy of the examples carrying each tag; `correct[n]` says whether example n was right. */
export function accuracyByTag(
  examples: readonly { tags?: string[] }[],
  correct: readonly boolean[],
): Record<string, TagAccuracy> {
  const right = new Map<string, number>();
  const count = new Map<string, number>();
  examples.forEach((e, n) => {
    for (const tag of e.tags ?? []) {
      count.set(tag, (count.get(tag) ?? 0) + 1);
      if (correct[n]) right.set(tag, (right.get(tag) ?? 0) + 1);
    }
  });
  const out: Record<string, TagAccuracy> = {};
  for (const [tag, n] of [...count].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[tag] = { accuracy: (right.get(tag) ?? 0) / n, count: n };
  }
  return out;
}

/** Pearson correlation of each of H columns of `values` (N x H) with `target` (N). NaN for a constant column. */
function columnCorrelations(values: Float64Array, target: Float64Array, N: number, H: number): Float64Array {
  const out = new Float64Array(H);
  let my = 0;
  for (let n = 0; n < N; n++) my += target[n];
  my /= N;
  let syy = 0;
  for (let n = 0; n < N; n++) syy += (target[n] - my) ** 2;
  for (let j = 0; j < H; j++) {
    let mx = 0;
    for (let n = 0; n < N; n++) mx += values[n * H + j];
    mx /= N;
    let sxy = 0;
    let sxx = 0;
    for (let n = 0; n < N; n++) {
      const dx = values[n * H + j] - mx;
      sxy += dx * (target[n] - my);
      sxx += dx * dx;
    }
    out[j] = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
  }
  return out;
}

export interface UnitCorrelations {
  /** H correlations of h_t[j] with the quantity over every step of every sequence */
  h: Float64Array;
  /** H correlations of c_t[j] (lstm only) */
  c: Float64Array | null;
}

/**
 * Correlation of every hidden unit with a per-step quantity (e.g. bracket depth).
 * @param sequences each with T ids and T quantity values, the quantity after reading token t
 */
export function unitCorrelations(
  params: ModelParams,
  sequences: readonly { ids: Int32Array; quantity: readonly number[] }[],
): UnitCorrelations {
  const H = params.hiddenSize;
  let N = 0;
  for (const s of sequences) N += s.ids.length;
  const hs = new Float64Array(N * H);
  const cs = CELLS[params.cell].keeps.c ? new Float64Array(N * H) : null;
  const q = new Float64Array(N);
  let row = 0;
  for (const s of sequences) {
    const trace = forward(params, s.ids);
    hs.set(trace.h, row * H);
    if (cs && trace.c) cs.set(trace.c, row * H);
    for (let t = 0; t < trace.T; t++) q[row + t] = s.quantity[t];
    row += trace.T;
  }
  return { h: columnCorrelations(hs, q, N, H), c: cs ? columnCorrelations(cs, q, N, H) : null };
}

/** The unit with the largest |correlation| and that correlation (NaN entries skipped). */
export function strongestUnit(correlations: Float64Array): { unit: number; correlation: number } {
  let unit = -1;
  let best = Number.NaN;
  for (let j = 0; j < correlations.length; j++) {
    const r = correlations[j];
    if (Number.isNaN(r)) continue;
    if (unit < 0 || Math.abs(r) > Math.abs(best)) {
      unit = j;
      best = r;
    }
  }
  return { unit, correlation: best };
}

export interface GradientAtStep {
  /** geometric mean over sequences of ||dL/dh_s|| / ||dL/dh_{T-1}|| */
  dhRatio: number;
  /** geometric mean of ||dL/dx_s|| / ||dL/dh_{T-1}|| */
  dxRatio: number;
  /** geometric mean of ||dL/dx_s|| (absolute, depends on the loss) */
  dx: number;
}

/**
 * How much of the gradient arriving at the last hidden state reaches step `s` (the deciding token),
 * averaged geometrically because the ratios span many orders of magnitude.
 */
export function gradientAtStep(params: ModelParams, examples: readonly EncodedExample[], s: number): GradientAtStep {
  let logDh = 0;
  let logDx = 0;
  let logX = 0;
  let n = 0;
  // A floor keeps log() finite when a gradient underflows to exactly 0.
  const tiny = 1e-300;
  for (const ex of examples) {
    if (s >= ex.ids.length) continue;
    const trace = forward(params, ex.ids);
    const result = backward(params, trace, ex.label);
    const last = Math.max(result.dhNorm[trace.T - 1], tiny);
    logDh += Math.log(Math.max(result.dhNorm[s], tiny) / last);
    logDx += Math.log(Math.max(result.dxNorm[s], tiny) / last);
    logX += Math.log(Math.max(result.dxNorm[s], tiny));
    n++;
  }
  if (n === 0) return { dhRatio: Number.NaN, dxRatio: Number.NaN, dx: Number.NaN };
  return { dhRatio: Math.exp(logDh / n), dxRatio: Math.exp(logDx / n), dx: Math.exp(logX / n) };
}
