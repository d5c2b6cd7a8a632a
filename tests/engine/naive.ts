/**
 * What the plain reference forward (src/engine/reference.ts, the oracle) does not cover: a run that
 * adds a perturbation to h_t or c_t after any step and returns the loss, so that central finite
 * differences reach the per-step derivatives the backward pass gives. The cells' maths is
 * reference.ts's; this file only steps it and perturbs the states.
 */
import { REFERENCE_STEPS, headLogits } from '../../src/engine/reference';
import type { ModelParams } from '../../src/engine/types';

export interface Perturb {
  t: number;
  /** h: h_t; c: c_t before h_t is formed (total); cOnly: c_t after h_t (reaches later steps only) */
  which: 'h' | 'c' | 'cOnly';
  j: number;
  delta: number;
}

export interface NaiveRun {
  h: number[][];
  /** the cell state after every step (zeros for cells without one) */
  c: number[][];
  logits: number[];
  loss: number;
}

/** Runs the model and returns states and loss; optional perturbations are added right after their step. */
export function naiveRun(p: ModelParams, ids: number[], target: number, perturb: Perturb[] = []): NaiveRun {
  const H = p.hiddenSize;
  const D = p.inputSize;
  const step = REFERENCE_STEPS[p.cell];
  let h = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  const hs: number[][] = [];
  const cs: number[][] = [];
  for (let t = 0; t < ids.length; t++) {
    const x = Array.from(p.embedding.subarray(ids[t] * D, (ids[t] + 1) * D));
    const s = step(p, x, { h, c });
    const hNew = s.h.slice();
    const cNew = s.c ? s.c.slice() : new Array<number>(H).fill(0);
    for (const q of perturb) {
      if (q.t !== t) continue;
      // A perturbation of c_t reaches h_t too (dL/dc_t is the total derivative): h_t = o_t tanh(c_t) is formed again.
      if (q.which === 'c') {
        cNew[q.j] += q.delta;
        hNew[q.j] = s.gates.o[q.j] * Math.tanh(cNew[q.j]);
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
  const logits = headLogits(p, h);
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
  return { h: hs, c: cs, logits, loss: lse - logits[target] };
}
