/**
 * The forward pass: embedding lookup, each of the N stacked layers' cell over every token (layer k
 * reads layer k-1's h_t), and the head on the top layer
 * applied after every prefix (the prediction track) and at the last step (the output).
 *
 * It computes the same maths as referenceForward in reference.ts (one loop, one paragraph per
 * gate, plain arrays), which the tests hold it to; what is added here is speed: the input
 * projections of all steps in one product (and cached by token), W_hh h_{t-1} in the wasm kernel,
 * reuse of an earlier pass's unchanged prefix, and buffers allocated once. The cell's own step is
 * its descriptor's (cells/).
 */
import { CELLS, type StepState } from './cells/index';
import { gemmAdd, gemvAdd, gemvTAdd, scratch, scratchDense, transposeToDense } from './linalg';
import { layerStack } from './types';
import type { ForwardTrace, LayerParams, LayerTrace, ModelParams } from './types';
import { copyMatrixIn, gemvKernel, paddedWidth } from './wasm/kernels';

/** Writes softmax(logits[o .. o+K)) into probs[o .. o+K), stable for large logits. */
export function softmaxInto(logits: Float64Array, probs: Float64Array, o: number, K: number): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (logits[o + k] > max) max = logits[o + k];
  if (!Number.isFinite(max)) {
    // Overflowed logits: put the mass on the largest (or spread it when all are equal or NaN).
    let count = 0;
    for (let k = 0; k < K; k++) if (logits[o + k] === max) count++;
    for (let k = 0; k < K; k++) probs[o + k] = count > 0 && logits[o + k] === max ? 1 / count : count > 0 ? 0 : NaN;
    return;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(logits[o + k] - max);
    probs[o + k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) probs[o + k] /= sum;
}

/** Throws a RangeError naming the problem when ids cannot be fed to a model with vocabSize V. */
export function checkIds(ids: ArrayLike<number>, V: number): void {
  if (ids.length === 0) throw new RangeError('ids: the sequence is empty; at least one token is needed');
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new RangeError(`ids[${t}]: expected an integer in [0, ${V}), found ${id}`);
    }
  }
}

/**
 * Input projections b_ih + W_ih e_v by token id v (G*H each), kept by a caller between forward
 * passes of one model so that an edit that changes one token computes one projection, not T.
 * A pass fills and reuses it (see ForwardOptions); it holds the weight arrays it was filled from
 * and a copy of b_ih, and starts afresh when a pass brings other arrays or other b_ih values.
 * It cannot see weights changed in place (Adam): after such a change, create a new one.
 */
export interface InputProjections {
  weightIh: Float64Array | null;
  embedding: Float64Array | null;
  biasIh: Float64Array;
  /**
   * Rows by token id in each of gemmAdd's two roundings: an uncached pass forms all T rows in one
   * product, which sums a row in its blocks of 4 rows ('block') differently from the last T mod 4
   * rows ('single'). Keeping both makes a cached pass bit-identical to an uncached one.
   */
  block: Map<number, Float64Array>;
  single: Map<number, Float64Array>;
}

/** Most rows an InputProjections keeps (about 4 MB at G*H = 512) before it starts afresh. */
const MAX_PROJECTIONS = 1024;

/** An empty projection cache; hand it to every forward pass of one model. */
export function createInputProjections(): InputProjections {
  return { weightIh: null, embedding: null, biasIh: new Float64Array(0), block: new Map(), single: new Map() };
}

export interface ForwardOptions {
  /** a cache of input projections owned by the caller (createInputProjections); the numbers do not change */
  inputProjections?: InputProjections;
  /**
   * An earlier pass with this same params object, its arrays unchanged since (and the same wasm
   * setting): the steps before the first id that differs are copied from its trace instead of
   * recomputed (the recurrence is causal, so the numbers are the same). Ignored when `params` is
   * another object.
   */
  prior?: { params: ModelParams; trace: ForwardTrace };
}

/** How many leading steps of `prior` hold for ids under params (0 when it is another model's pass). */
function reusableSteps(params: ModelParams, ids: Int32Array, prior: ForwardOptions['prior']): number {
  if (!prior || prior.params !== params) return 0;
  const tr = prior.trace;
  if (tr.cell !== params.cell || tr.H !== params.hiddenSize || tr.D !== params.inputSize || tr.K !== params.numClasses) return 0;
  if (!tr.layers || tr.layers.length !== layerStack(params).length) return 0;
  let n = Math.min(ids.length, tr.T);
  // A step's numbers depend on the rounding of its input projection, which differs between the
  // last T mod 4 steps and the others (see InputProjections): only steps rounded alike in both
  // passes carry over.
  const bOld = tr.T - (tr.T % 4);
  const bNew = ids.length - (ids.length % 4);
  if (bOld !== bNew) n = Math.min(n, bOld, bNew);
  let s = 0;
  while (s < n && tr.ids[s] === ids[s]) s++;
  return s;
}

/** True when `cache` was filled from exactly these weight arrays and b_ih values. */
function cacheMatches(cache: InputProjections, params: ModelParams): boolean {
  if (cache.weightIh !== params.weightIh || cache.embedding !== params.embedding) return false;
  const b = params.biasIh;
  if (cache.biasIh.length !== b.length) return false;
  for (let r = 0; r < b.length; r++) if (!Object.is(cache.biasIh[r], b[r])) return false;
  return true;
}

/**
 * Writes the input projections b_ih + W_ih x_t of steps from..T-1 into ax (T x G*H), taking each row
 * from the cache and computing only the missing ones, each in the rounding an uncached pass gives
 * its step (see InputProjections).
 */
function projectWithCache(params: ModelParams, ids: Int32Array, from: number, cache: InputProjections, ax: Float64Array): void {
  const { inputSize: D, weightIh, biasIh, embedding } = params;
  const GH = biasIh.length;
  const T = ids.length;
  if (!cacheMatches(cache, params) || cache.block.size + cache.single.size > MAX_PROJECTIONS) {
    cache.weightIh = weightIh;
    cache.embedding = embedding;
    cache.biasIh = biasIh.slice();
    cache.block.clear();
    cache.single.clear();
  }
  // Steps below Tb lie in gemmAdd's 4-row blocks in an uncached pass; the rest are its single rows.
  const Tb = T - (T % 4);
  const missBlock: number[] = [];
  const missSingle: number[] = [];
  for (let t = from; t < T; t++) {
    const id = ids[t];
    const inBlock = t < Tb;
    const rows = inBlock ? cache.block : cache.single;
    const miss = inBlock ? missBlock : missSingle;
    if (!rows.has(id) && !miss.includes(id)) miss.push(id);
  }
  if (missBlock.length + missSingle.length > 0) {
    const weightIhT = scratchDense('forward.weightIhT', D * GH);
    transposeToDense(weightIh, GH, D, weightIhT);
    // Block rows: whole groups of 4 (the last padded with copies of a row), so gemmAdd takes its block path.
    const n = missBlock.length;
    const m = 4 * Math.ceil(n / 4);
    const xs = scratch('forward.projX', Math.max(m, 1) * D);
    const out = scratch('forward.projOut', Math.max(m, 1) * GH);
    for (let i = 0; i < m; i++) {
      const eo = missBlock[Math.min(i, n - 1)] * D;
      for (let d = 0; d < D; d++) xs[i * D + d] = embedding[eo + d];
      out.set(biasIh, i * GH);
    }
    if (m > 0) gemmAdd(m, D, GH, xs, 0, D, 1, weightIhT, 0, GH, out, 0, GH);
    for (let i = 0; i < n; i++) cache.block.set(missBlock[i], out.slice(i * GH, (i + 1) * GH));
    // Single rows: one product each, which gemmAdd sums in its row-by-row path.
    for (const id of missSingle) {
      const row = biasIh.slice();
      gemmAdd(1, D, GH, embedding, id * D, D, 1, weightIhT, 0, GH, row, 0, GH);
      cache.single.set(id, row);
    }
  }
  for (let t = from; t < T; t++) ax.set((t < Tb ? cache.block : cache.single).get(ids[t])!, t * GH);
}

/** Empty per-layer arrays of a pass (T steps, the cell's kept states). */
function newLayerTrace(keeps: { c: boolean; hn: boolean }, T: number, H: number, gateWidth: number): LayerTrace {
  return {
    h: new Float64Array(T * H),
    c: keeps.c ? new Float64Array(T * H) : null,
    gates: new Float64Array(T * gateWidth),
    hn: keeps.hn ? new Float64Array(T * H) : null,
  };
}

/**
 * Runs the model over the token ids and returns every intermediate value.
 * @param params model parameters (see ModelParams for shapes)
 * @param ids T token ids, each in [0, vocabSize)
 * @param options a projection cache and an earlier pass to continue (same numbers, less work when few ids change)
 * @returns the trace; h, c are T x H (top layer; every layer in `layers`), gates T x G*H, logitsPerStep/probsPerStep T x K
 */
export function forward(params: ModelParams, ids: ArrayLike<number>, options: ForwardOptions = {}): ForwardTrace {
  const { cell, inputSize: D, hiddenSize: H, numClasses: K } = params;
  checkIds(ids, params.vocabSize);
  const T = ids.length;
  const desc = CELLS[cell];
  const GH = desc.blocks * H;
  // The trace keeps the gates the cell names (none for rnn, whose one block is h's pre-activation).
  const gateWidth = desc.gates.length * H;
  const { embedding, headWeight, headBias } = params;
  const stack = layerStack(params);

  // Every buffer is allocated once here; the time loops below allocate nothing. Work buffers that
  // the trace does not keep come from the scratch pool and are fully overwritten before use.
  const idArr = Int32Array.from(ids);
  const x = new Float64Array(T * D);
  const ax = scratch('forward.ax', T * GH);
  const ah = scratchDense('forward.ah', GH);
  const zeros = new Float64Array(H);
  const logitsPerStep = new Float64Array(T * K);
  const probsPerStep = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    const eo = idArr[t] * D;
    const xo = t * D;
    for (let d = 0; d < D; d++) x[xo + d] = embedding[eo + d];
  }

  // Steps 0..s-1 of an earlier pass over the same leading ids are already known, in every layer.
  const s = reusableSteps(params, idArr, options.prior);
  const pr = s > 0 ? options.prior!.trace : null;
  if (pr) {
    logitsPerStep.set(pr.logitsPerStep.subarray(0, s * K));
    probsPerStep.set(pr.probsPerStep.subarray(0, s * K));
  }

  // A stack is a loop: layer 0 reads the embedding rows, layer k >= 1 the h_t of layer k-1.
  const layers: LayerTrace[] = [];
  for (let k = 0; k < stack.length; k++) {
    const layer = newLayerTrace(desc.keeps, T, H, gateWidth);
    if (pr) {
      const old = pr.layers[k];
      layer.h.set(old.h.subarray(0, s * H));
      if (layer.c && old.c) layer.c.set(old.c.subarray(0, s * H));
      layer.gates.set(old.gates.subarray(0, s * gateWidth));
      if (layer.hn && old.hn) layer.hn.set(old.hn.subarray(0, s * H));
    }
    // Input projections of all new steps first: they do not depend on the recurrence.
    if (k === 0 && options.inputProjections) {
      projectWithCache(params, idArr, s, options.inputProjections, ax);
    } else if (s < T) {
      const input = k === 0 ? x : layers[k - 1].h;
      const width = k === 0 ? D : H;
      const w = stack[k];
      // From a multiple of 4, so gemmAdd groups (and rounds) every row as a pass from step 0 would.
      const s4 = s - (s % 4);
      for (let t = s4; t < T; t++) ax.set(w.biasIh, t * GH);
      // The transposed W_ih lets the product run in the faster out += W^T u form (linalg.ts).
      const weightIhT = scratchDense('forward.weightIhT', width * GH);
      transposeToDense(w.weightIh, GH, width, weightIhT);
      gemmAdd(T - s4, width, GH, input, s4 * width, width, 1, weightIhT, 0, GH, ax, s4 * GH, GH);
    }
    recur(desc.step, stack[k], { H, ax, ah, h: layer.h, c: layer.c, gates: layer.gates, hn: layer.hn, zeros }, GH, s, T);
    layers.push(layer);
  }

  // The head on the top layer's h_t after every step (the prediction track; a language model's predictions).
  const top = layers[layers.length - 1];
  for (let t = s; t < T; t++) {
    logitsPerStep.set(headBias, t * K);
    gemvAdd(headWeight, K, H, top.h, t * H, logitsPerStep, t * K);
    softmaxInto(logitsPerStep, probsPerStep, t * K, K);
  }

  const logits = logitsPerStep.slice((T - 1) * K, T * K);
  const probs = probsPerStep.slice((T - 1) * K, T * K);
  let predicted = 0;
  for (let k = 1; k < K; k++) if (probs[k] > probs[predicted]) predicted = k;
  return { cell, T, H, D, K, ids: idArr, x, layers, h: top.h, c: top.c, gates: top.gates, hn: top.hn, logitsPerStep, probsPerStep, logits, probs, predicted };
}

/**
 * One layer's recurrence over steps s..T-1: the cell's step after W_hh h_{t-1} + b_hh, which runs
 * in the wasm kernel when there is one and W_hh fits its memory. `state.ax` already holds the
 * input projections; the step writes h (c, gates, hn) of the layer in `state`.
 */
function recur(step: (st: StepState, t: number) => void, w: LayerParams, state: StepState, GH: number, s: number, T: number): void {
  const { H, ah, h } = state;
  const { weightHh, biasHh } = w;
  // W_hh (G*H x ldH) at 0, then h_{t-1} (zero-padded to ldH), then the output ah.
  const kernel = gemvKernel();
  const ldH = paddedWidth(H);
  const wasm = kernel !== null && GH * ldH + ldH + GH <= kernel.capacity ? kernel : null;
  const vo = GH * ldH;
  const oo = vo + ldH;
  const weightHhT = scratchDense('forward.weightHhT', wasm ? 0 : H * GH);
  if (wasm) {
    copyMatrixIn(weightHh, GH, H, false, wasm.mem, 0, ldH);
    wasm.mem.fill(0, vo, oo);
  } else {
    transposeToDense(weightHh, GH, H, weightHhT);
  }
  for (let t = s; t < T; t++) {
    if (wasm) {
      const mem = wasm.mem;
      mem.set(biasHh, oo);
      if (t > 0) {
        for (let j = 0, k = (t - 1) * H; j < H; j++, k++) mem[vo + j] = h[k];
        wasm.gemv(0, GH, ldH, vo, oo);
      }
      for (let r = 0; r < GH; r++) ah[r] = mem[oo + r];
    } else {
      for (let r = 0; r < GH; r++) ah[r] = biasHh[r];
      if (t > 0) gemvTAdd(weightHhT, H, GH, h, (t - 1) * H, ah, 0);
    }
    step(state, t);
  }
}
