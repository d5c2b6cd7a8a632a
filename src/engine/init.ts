/**
 * Seeded initialisation. Input weights: Xavier uniform per gate block. Recurrent weights: orthogonal
 * (or Xavier) per gate block, times a recurrent scale. The forget-gate bias (for a cell whose
 * descriptor names a forget-gate block) set explicitly.
 */
import { CELLS } from './cells/index';
import { createRng, type Rng } from './random';
import type { CellKind, LayerParams, ModelParams } from './types';

export interface InitOptions {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  vocabSize: number;
  numClasses: number;
  seed: number;
  /** multiplies every recurrent weight (default 1) */
  recurrentScale?: number;
  /** forget-gate bias (default 0); ignored by cells without a forget gate (all but lstm) */
  forgetBias?: number;
  /** recurrent weight initialisation (default 'orthogonal') */
  recurrentInit?: 'orthogonal' | 'xavier';
}

/** Fills rows [r0, r0+rows) of the row-major matrix M (cols wide) with Xavier-uniform values. */
function xavierBlock(rng: Rng, M: Float64Array, r0: number, rows: number, cols: number): void {
  const a = Math.sqrt(6 / (rows + cols));
  for (let k = r0 * cols; k < (r0 + rows) * cols; k++) M[k] = rng.uniform(-a, a);
}

/** Fills the n x n block starting at row r0 of M with a random orthogonal matrix (Gram-Schmidt on Gaussians). */
function orthogonalBlock(rng: Rng, M: Float64Array, r0: number, n: number): void {
  const Q = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) Q[k] = rng.normal();
  for (let i = 0; i < n; i++) {
    // Twice-repeated Gram-Schmidt keeps the rows orthogonal to machine precision.
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += Q[i * n + k] * Q[j * n + k];
        for (let k = 0; k < n; k++) Q[i * n + k] -= dot * Q[j * n + k];
      }
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += Q[i * n + k] * Q[i * n + k];
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < n; k++) Q[i * n + k] *= inv;
  }
  M.set(Q, r0 * n);
}

/** A freshly initialised model; the same options and seed always give the same numbers. */
export function initParams(opts: InitOptions): ModelParams {
  const { cell, inputSize: D, hiddenSize: H, vocabSize: V, numClasses: K } = opts;
  for (const [name, v] of Object.entries({ inputSize: D, hiddenSize: H, vocabSize: V, numClasses: K })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: expected a positive integer, found ${v}`);
  }
  const rng = createRng(opts.seed);
  const G = CELLS[cell].blocks;
  const scale = opts.recurrentScale ?? 1;
  const weightIh = new Float64Array(G * H * D);
  const weightHh = new Float64Array(G * H * H);
  for (let b = 0; b < G; b++) {
    xavierBlock(rng, weightIh, b * H, H, D);
    if ((opts.recurrentInit ?? 'orthogonal') === 'orthogonal') orthogonalBlock(rng, weightHh, b * H, H);
    else xavierBlock(rng, weightHh, b * H, H, H);
  }
  for (let k = 0; k < weightHh.length; k++) weightHh[k] *= scale;
  const biasIh = new Float64Array(G * H);
  const biasHh = new Float64Array(G * H);
  const forget = CELLS[cell].forgetGateBlock;
  if (forget !== null) biasIh.fill(opts.forgetBias ?? 0, forget * H, (forget + 1) * H);
  const embedding = new Float64Array(V * D);
  for (let k = 0; k < embedding.length; k++) embedding[k] = rng.normal();
  const headWeight = new Float64Array(K * H);
  xavierBlock(rng, headWeight, 0, K, H);
  const headBias = new Float64Array(K);
  return { cell, inputSize: D, hiddenSize: H, vocabSize: V, numClasses: K, weightIh, weightHh, biasIh, biasHh, embedding, headWeight, headBias };
}

export interface Knobs {
  /** multiplies every recurrent weight */
  recurrentScale: number;
  /** added to the forget-gate bias (no effect on cells without a forget gate, all but lstm) */
  forgetBias: number;
}

/**
 * A copy of params with the knobs applied; params itself is not changed. The forget-gate knob is
 * added to b_hf (the recurrent half of the bias), so b_ih, W_ih and the embedding stay the arrays of
 * params: every knob setting shares the input projections b_ih + W_ih x_t of one model.
 */
export function withKnobs(params: ModelParams, knobs: Knobs): ModelParams {
  // Every layer of a stack gets the same knobs.
  const turn = (w: LayerParams): LayerParams => {
    // One pass into a fresh array (x * 1 is x exactly, so scale 1 needs no branch).
    const src = w.weightHh;
    const weightHh = new Float64Array(src.length);
    for (let k = 0; k < src.length; k++) weightHh[k] = src[k] * knobs.recurrentScale;
    const biasHh = w.biasHh.slice();
    const forget = CELLS[params.cell].forgetGateBlock;
    if (forget !== null && knobs.forgetBias !== 0) {
      const H = params.hiddenSize;
      for (let j = forget * H; j < (forget + 1) * H; j++) biasHh[j] += knobs.forgetBias;
    }
    return { ...w, weightHh, biasHh };
  };
  const { weightHh, biasHh } = turn(params);
  const out: ModelParams = { ...params, weightHh, biasHh };
  if (params.upperLayers) out.upperLayers = params.upperLayers.map(turn);
  return out;
}

/** A deep copy of params. */
export function cloneParams(params: ModelParams): ModelParams {
  return {
    ...params,
    weightIh: params.weightIh.slice(),
    weightHh: params.weightHh.slice(),
    biasIh: params.biasIh.slice(),
    biasHh: params.biasHh.slice(),
    embedding: params.embedding.slice(),
    headWeight: params.headWeight.slice(),
    headBias: params.headBias.slice(),
    ...(params.upperLayers ? { upperLayers: params.upperLayers.map(cloneLayer) } : {}),
  };
}

function cloneLayer(w: LayerParams): LayerParams {
  return { weightIh: w.weightIh.slice(), weightHh: w.weightHh.slice(), biasIh: w.biasIh.slice(), biasHh: w.biasHh.slice() };
}
