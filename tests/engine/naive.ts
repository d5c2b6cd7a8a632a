/**
 * A deliberately plain reference for the engine's tests: number[] arrays, one formula per line,
 * written from the math in the foundation issue and sharing no code with src/engine. It can add a
 * perturbation to h_t or c_t after any step, so finite differences reach the per-step derivatives.
 */
import type { ModelParams } from '../../src/engine/types';

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

export interface Perturb {
  t: number;
  /** h: h_t; c: c_t before h_t is formed (total); cOnly: c_t after h_t (reaches later steps only) */
  which: 'h' | 'c' | 'cOnly';
  j: number;
  delta: number;
}

export interface NaiveRun {
  h: number[][];
  c: number[][];
  logits: number[];
  loss: number;
}

function row(M: Float64Array, cols: number, r: number): number[] {
  return Array.from(M.subarray(r * cols, (r + 1) * cols));
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** Runs the model and returns states and loss; optional perturbations are added right after their step. */
export function naiveRun(p: ModelParams, ids: number[], target: number, perturb: Perturb[] = []): NaiveRun {
  const H = p.hiddenSize;
  const D = p.inputSize;
  let h = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  const hs: number[][] = [];
  const cs: number[][] = [];
  const pre = (block: number, j: number, x: number[], hp: number[]): [number, number] => {
    const r = block * H + j;
    const inPart = dot(row(p.weightIh, D, r), x) + p.biasIh[r];
    const recPart = dot(row(p.weightHh, H, r), hp) + p.biasHh[r];
    return [inPart, recPart];
  };
  for (let t = 0; t < ids.length; t++) {
    const x = row(p.embedding, D, ids[t]);
    const hNew = new Array<number>(H).fill(0);
    const cNew = new Array<number>(H).fill(0);
    for (let j = 0; j < H; j++) {
      if (p.cell === 'rnn') {
        const [a, b] = pre(0, j, x, h);
        hNew[j] = Math.tanh(a + b);
      } else if (p.cell === 'lstm') {
        const [ai, bi] = pre(0, j, x, h);
        const [af, bf] = pre(1, j, x, h);
        const [ag, bg] = pre(2, j, x, h);
        const [ao, bo] = pre(3, j, x, h);
        const i = sig(ai + bi);
        const f = sig(af + bf);
        const g = Math.tanh(ag + bg);
        const o = sig(ao + bo);
        cNew[j] = f * c[j] + i * g;
        // A perturbation of c_t reaches h_t too: dL/dc_t is the total derivative.
        for (const q of perturb) if (q.t === t && q.which === 'c' && q.j === j) cNew[j] += q.delta;
        hNew[j] = o * Math.tanh(cNew[j]);
      } else {
        const [ar, br] = pre(0, j, x, h);
        const [az, bz] = pre(1, j, x, h);
        const [an, bn] = pre(2, j, x, h);
        const r = sig(ar + br);
        const z = sig(az + bz);
        const n = Math.tanh(an + r * bn);
        hNew[j] = (1 - z) * n + z * h[j];
      }
    }
    for (const q of perturb) {
      if (q.t === t && q.which === 'h') hNew[q.j] += q.delta;
      if (q.t === t && q.which === 'cOnly') cNew[q.j] += q.delta;
    }
    h = hNew;
    c = cNew;
    hs.push(h);
    cs.push(c);
  }
  const K = p.numClasses;
  const logits: number[] = [];
  for (let k = 0; k < K; k++) logits.push(dot(row(p.headWeight, H, k), h) + p.headBias[k]);
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
  return { h: hs, c: cs, logits, loss: lse - logits[target] };
}
