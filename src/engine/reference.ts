/**
 * The plain reference forward: the maths of the three cells written to be read next to their
 * equations, in the style of recurrentjs' forwardLSTM. One loop over time, one paragraph per gate,
 * every value a plain number[] named after what it means.
 *
 * It is the oracle the fast path (forward.ts and the cell descriptors in cells/) is tested against,
 * so it shares no code with it: it imports only types, and its sigmoid, products and softmax are
 * its own. It is slow (it allocates every vector) and is not used by the visualizer.
 *
 * Shapes follow ModelParams: H hidden units, D input size, K classes; a vector is number[] of
 * length H unless named otherwise. Weights are stacked in blocks of H rows, in GATE_NAMES order.
 */
import type { CellKind, LayerParams, ModelParams } from './types';

/** One layer's weights and sizes: inputSize is D for layer 0 and H above it (ModelParams is layer 0). */
export type ReferenceLayer = LayerParams & { inputSize: number; hiddenSize: number };

type Vec = number[];

/** The state a step reads: the previous hidden state and, for the LSTM, the previous cell state. */
export interface ReferenceState {
  h: Vec;
  /** the cell state (zeros for cells without one) */
  c: Vec;
}

/** What one step computes: the new state and every gate by name. */
export interface ReferenceStep {
  h: Vec;
  /** the new cell state (lstm), else null */
  c: Vec | null;
  /** post-activation gates by name (lstm i f g o, gru r z n; rnn none) */
  gates: Record<string, Vec>;
}

/** The whole pass, one entry per step t = 0 .. T-1; h, c, gates are the top layer's. */
export interface ReferenceTrace {
  /** every layer, bottom first */
  layers: { h: Vec[]; c: Vec[] | null; gates: Record<string, Vec>[] }[];
  h: Vec[];
  /** lstm only, else null */
  c: Vec[] | null;
  gates: Record<string, Vec>[];
  /** K logits of the head on h_t, after every step */
  logitsPerStep: Vec[];
  /** softmax of each row of logitsPerStep */
  probsPerStep: Vec[];
}

// ----- small vector helpers -----

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

const add = (a: Vec, b: Vec): Vec => a.map((v, j) => v + b[j]);
const mul = (a: Vec, b: Vec): Vec => a.map((v, j) => v * b[j]);
const sigmoidOf = (a: Vec): Vec => a.map(sigmoid);
const tanhOf = (a: Vec): Vec => a.map(Math.tanh);
const oneMinus = (a: Vec): Vec => a.map((v) => 1 - v);

/** Rows [first, first + n) of the row-major matrix M (cols wide) times v, plus the same rows of b. */
function affine(M: Float64Array, b: Float64Array, cols: number, first: number, n: number, v: Vec): Vec {
  const out: Vec = [];
  for (let r = first; r < first + n; r++) {
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += M[r * cols + k] * v[k];
    out.push(sum + b[r]);
  }
  return out;
}

/** Block `block` of the input side: W_i* x_t + b_i*. */
function fromInput(p: ReferenceLayer, block: number, x: Vec): Vec {
  return affine(p.weightIh, p.biasIh, p.inputSize, block * p.hiddenSize, p.hiddenSize, x);
}

/** Block `block` of the recurrent side: W_h* h_{t-1} + b_h*. */
function fromMemory(p: ReferenceLayer, block: number, hPrev: Vec): Vec {
  return affine(p.weightHh, p.biasHh, p.hiddenSize, block * p.hiddenSize, p.hiddenSize, hPrev);
}

// ----- the cells -----

/** Plain RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). */
export function rnnStep(p: ReferenceLayer, x: Vec, prev: ReferenceState): ReferenceStep {
  const h = tanhOf(add(fromInput(p, 0, x), fromMemory(p, 0, prev.h)));
  return { h, c: null, gates: {} };
}

/** LSTM: four gates read x_t and h_{t-1}; the cell state carries memory along c. */
export function lstmStep(p: ReferenceLayer, x: Vec, prev: ReferenceState): ReferenceStep {
  // Input gate: how much of the candidate to write into the cell.
  const i = sigmoidOf(add(fromInput(p, 0, x), fromMemory(p, 0, prev.h)));

  // Forget gate: how much of the old cell state to keep.
  const f = sigmoidOf(add(fromInput(p, 1, x), fromMemory(p, 1, prev.h)));

  // Candidate: the new content on offer, in (-1, 1).
  const g = tanhOf(add(fromInput(p, 2, x), fromMemory(p, 2, prev.h)));

  // Output gate: how much of the squashed cell state to show as h.
  const o = sigmoidOf(add(fromInput(p, 3, x), fromMemory(p, 3, prev.h)));

  // The new cell state: what is retained of the old plus what is written.
  const retainCell = mul(f, prev.c);
  const writeCell = mul(i, g);
  const c = add(retainCell, writeCell);

  // The hidden state: the squashed cell state, filtered by the output gate.
  const h = mul(o, tanhOf(c));
  return { h, c, gates: { i, f, g, o } };
}

/** GRU (PyTorch's form: the reset gate scales W_hn h_{t-1} + b_hn, after the product). */
export function gruStep(p: ReferenceLayer, x: Vec, prev: ReferenceState): ReferenceStep {
  // Reset gate: how much of the old state the candidate may look at.
  const r = sigmoidOf(add(fromInput(p, 0, x), fromMemory(p, 0, prev.h)));

  // Update gate: how much of the old state to keep unchanged.
  const z = sigmoidOf(add(fromInput(p, 1, x), fromMemory(p, 1, prev.h)));

  // Candidate: new content from the input and the reset-filtered old state.
  const n = tanhOf(add(fromInput(p, 2, x), mul(r, fromMemory(p, 2, prev.h))));

  // The new state: write (1 - z) of the candidate, keep z of the old state.
  const write = mul(oneMinus(z), n);
  const keep = mul(z, prev.h);
  const h = add(write, keep);
  return { h, c: null, gates: { r, z, n } };
}

/** The step of each cell kind. */
export const REFERENCE_STEPS: Record<CellKind, (p: ReferenceLayer, x: Vec, prev: ReferenceState) => ReferenceStep> = {
  rnn: rnnStep,
  lstm: lstmStep,
  gru: gruStep,
};

// ----- the head -----

/** The classifier on a hidden state: W_head h + b_head (K logits). */
export function headLogits(p: ModelParams, h: Vec): Vec {
  return affine(p.headWeight, p.headBias, p.hiddenSize, 0, p.numClasses, h);
}

/** softmax(logits), shifted by the largest logit so that exp cannot overflow. */
export function softmax(logits: Vec): Vec {
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

// ----- the pass -----

/**
 * Runs the model over the token ids from zero h and c in every layer: embedding lookup, then layer 0
 * over the embedding rows, layer 1 over layer 0's h_t, and so on, then the head on the top layer's
 * h_t after every step.
 */
export function referenceForward(p: ModelParams, ids: ArrayLike<number>): ReferenceTrace {
  const H = p.hiddenSize;
  const D = p.inputSize;
  const step = REFERENCE_STEPS[p.cell];
  // The layers, bottom first: the flat fields of p are layer 0; the layers above read H numbers.
  const stack: ReferenceLayer[] = [p, ...(p.upperLayers ?? []).map((w) => ({ ...w, inputSize: H, hiddenSize: H }))];

  // The inputs of layer 0: the embedding row of every token.
  let inputs: Vec[] = Array.from(ids, (id) => Array.from(p.embedding.subarray(id * D, id * D + D)));
  const layers: ReferenceTrace['layers'] = [];
  for (const layer of stack) {
    let state: ReferenceState = { h: new Array<number>(H).fill(0), c: new Array<number>(H).fill(0) };
    const hs: Vec[] = [];
    const cs: Vec[] = [];
    const gates: Record<string, Vec>[] = [];
    for (const x of inputs) {
      const s = step(layer, x, state);
      state = { h: s.h, c: s.c ?? state.c };
      hs.push(s.h);
      if (s.c) cs.push(s.c);
      gates.push(s.gates);
    }
    layers.push({ h: hs, c: cs.length > 0 ? cs : null, gates });
    // The layer above reads this layer's h_t.
    inputs = hs;
  }
  const top = layers[layers.length - 1];

  // The prediction after reading tokens 0..t (a language model: its guess at token t+1).
  const logitsPerStep = top.h.map((h) => headLogits(p, h));
  const probsPerStep = logitsPerStep.map(softmax);
  return { layers, h: top.h, c: top.c, gates: top.gates, logitsPerStep, probsPerStep };
}

/**
 * The loss the backward pass differentiates, from a reference pass: a label head's
 * -log softmax(logits of the last step)[target]; a next-token head's mean over t = 0..T-2 of
 * -log softmax(logits_t)[ids[t+1]], or step lossStep's term alone.
 */
export function referenceLoss(p: ModelParams, ids: ArrayLike<number>, target: number, lossStep?: number): number {
  const tr = referenceForward(p, ids);
  const nll = (t: number, k: number) => -Math.log(tr.probsPerStep[t][k]);
  if ((p.predicts ?? 'label') === 'label') return nll(ids.length - 1, target);
  if (lossStep !== undefined) return nll(lossStep, ids[lossStep + 1]);
  let sum = 0;
  for (let t = 0; t + 1 < ids.length; t++) sum += nll(t, ids[t + 1]);
  return sum / (ids.length - 1);
}
