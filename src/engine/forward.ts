/**
 * The forward pass: embedding lookup, the recurrent cell over every token, and the classifier head
 * applied after every prefix (the prediction track) and at the last step (the output).
 */
import { CELLS, type StepState } from './cells';
import { gemmAdd, gemvAdd, gemvTAdd, scratch, scratchDense, transposeToDense } from './linalg';
import { BLOCKS, type ForwardTrace, type ModelParams } from './types';
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
 * Runs the model over the token ids and returns every intermediate value.
 * @param params model parameters (see ModelParams for shapes)
 * @param ids T token ids, each in [0, vocabSize)
 * @returns the trace; h, c are T x H, gates T x G*H, logitsPerStep/probsPerStep T x K
 */
export function forward(params: ModelParams, ids: ArrayLike<number>): ForwardTrace {
  const { cell, inputSize: D, hiddenSize: H, numClasses: K } = params;
  checkIds(ids, params.vocabSize);
  const T = ids.length;
  const G = BLOCKS[cell];
  const GH = G * H;
  const { weightIh, weightHh, biasIh, biasHh, embedding, headWeight, headBias } = params;

  // Every buffer is allocated once here; the time loop below allocates nothing. Work buffers that
  // the trace does not keep come from the scratch pool and are fully overwritten before use.
  const idArr = Int32Array.from(ids);
  const x = new Float64Array(T * D);
  const ax = scratch('forward.ax', T * GH);
  const ah = scratchDense('forward.ah', GH);
  const h = new Float64Array(T * H);
  const c = cell === 'lstm' ? new Float64Array(T * H) : null;
  const gates = new Float64Array(cell === 'rnn' ? 0 : T * GH);
  const hn = cell === 'gru' ? new Float64Array(T * H) : null;
  const zeros = new Float64Array(H);
  const logitsPerStep = new Float64Array(T * K);
  const probsPerStep = new Float64Array(T * K);

  // Transposed weights let every product below run in the faster out += W^T u form (linalg.ts).
  const weightIhT = scratchDense('forward.weightIhT', D * GH);
  transposeToDense(weightIh, GH, D, weightIhT);
  // The recurrent product runs in the wasm kernel when there is one and W_hh fits its memory:
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

  // Input projections of all steps first, as one matrix product: they do not depend on the recurrence.
  for (let t = 0; t < T; t++) {
    const eo = idArr[t] * D;
    const xo = t * D;
    for (let d = 0; d < D; d++) x[xo + d] = embedding[eo + d];
    ax.set(biasIh, t * GH);
  }
  gemmAdd(T, D, GH, x, 0, D, 1, weightIhT, 0, GH, ax, 0, GH);

  const state: StepState = { H, ax, ah, h, c, gates, hn, zeros };
  const step = CELLS[cell].step;
  for (let t = 0; t < T; t++) {
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
    logitsPerStep.set(headBias, t * K);
    gemvAdd(headWeight, K, H, h, t * H, logitsPerStep, t * K);
    softmaxInto(logitsPerStep, probsPerStep, t * K, K);
  }

  const logits = logitsPerStep.slice((T - 1) * K, T * K);
  const probs = probsPerStep.slice((T - 1) * K, T * K);
  let predicted = 0;
  for (let k = 1; k < K; k++) if (probs[k] > probs[predicted]) predicted = k;
  return { cell, T, H, D, K, ids: idArr, x, h, c, gates, hn, logitsPerStep, probsPerStep, logits, probs, predicted };
}
