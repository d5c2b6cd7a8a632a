/**
 * Backpropagation through time of the softmax cross-entropy loss on the head over the last hidden
 * state. Gives total derivatives dL/dh_t, dL/dc_t, dL/dx_t for every step and, unless the caller
 * declines them (the visualizer draws none), the gradient of every parameter. Only
 * dL/dh_{t-1} = W_hh^T da_t stays in the time loop; the loop stores the pre-activation gradients
 * da_t and matrix products after it form dL/dx_t and sum_t da_t z_t^T. The cell's own step backward
 * is its descriptor's (cells/); the tests check it against central finite differences of
 * reference.ts's forward.
 */
import { CELLS, type BackState } from './cells/index';
import { copyToDense, gemmAdd, gemvTAdd, norm2, scratch, scratchDense } from './linalg';
import type { BackwardResult, ForwardTrace, ModelParams, ParamGrads, StateGrads } from './types';
import { copyMatrixIn, gemvKernel, paddedWidth } from './wasm/kernels';

/** Zero gradients with the shapes of params. */
export function zeroGrads(params: ModelParams): ParamGrads {
  return {
    weightIh: new Float64Array(params.weightIh.length),
    weightHh: new Float64Array(params.weightHh.length),
    biasIh: new Float64Array(params.biasIh.length),
    biasHh: new Float64Array(params.biasHh.length),
    embedding: new Float64Array(params.embedding.length),
    headWeight: new Float64Array(params.headWeight.length),
    headBias: new Float64Array(params.headBias.length),
  };
}

export interface BackwardOptions {
  /**
   * false: skip every parameter gradient (dW_ih, dW_hh, biases, embedding, head) and return only
   * the state and input derivatives, less than half the work at H = 128 (default true)
   */
  paramGrads?: boolean;
  /**
   * 'on-read' (only with paramGrads false): dx and dxNorm are formed from a copy of the
   * pre-activation gradients when first read, with the numbers an eager pass gives; a view that
   * does not colour by saliency then skips that product (default: formed at once)
   */
  inputGrads?: 'eager' | 'on-read';
}

/**
 * Backpropagates L = -log softmax(W h_T + b)[target] through the trace.
 * @param params the parameters the trace was computed with
 * @param trace the forward trace
 * @param target class index in [0, K)
 * @param options `{ paramGrads: false }` leaves out the parameter gradients; `inputGrads: 'on-read'` then
 *   forms dx and dxNorm when first read
 * @returns dh, dc (T x H), dx (T x D), their per-step norms, and (by default) gradients of every parameter
 */
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options?: BackwardOptions & { paramGrads?: true }): BackwardResult;
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options: BackwardOptions): StateGrads;
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options: BackwardOptions = {}): StateGrads | BackwardResult {
  const { cell, T, H, D, K } = trace;
  if (!Number.isInteger(target) || target < 0 || target >= K) {
    throw new RangeError(`target: expected a class index in [0, ${K}), found ${target}`);
  }
  const desc = CELLS[cell];
  const GH = desc.blocks * H;
  const grads = options.paramGrads === false ? null : zeroGrads(params);

  const dh = new Float64Array(T * H);
  const dc = desc.keeps.c ? new Float64Array(T * H) : null;
  // Work buffers (not returned): every row t of dax/dah and all of dhDirect are written by the
  // cell before they are read; dcCarry starts at zero.
  const dax = scratch('backward.dax', T * GH);
  const dah = desc.splitRecurrentGrad ? scratch('backward.dah', T * GH) : dax;
  const dcCarry = scratch('backward.dcCarry', H).fill(0, 0, H);
  const back: BackState = { H, dh, dc, dax, dah, dcCarry, dhDirect: scratch('backward.dhDirect', H) };
  const zeros = new Float64Array(H);

  // Head: dL/dlogits = probs - onehot(target).
  const probs = trace.probs;
  // log-sum-exp on the logits keeps the loss exact where probs[target] underflows to 0.
  const logits = trace.logits;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (logits[k] > max) max = logits[k];
  let sumExp = 0;
  for (let k = 0; k < K; k++) sumExp += Math.exp(logits[k] - max);
  const loss = max + Math.log(sumExp) - logits[target];
  const last = (T - 1) * H;
  for (let k = 0; k < K; k++) {
    const dl = probs[k] - (k === target ? 1 : 0);
    for (let j = 0; j < H; j++) dh[last + j] += params.headWeight[k * H + j] * dl;
    if (grads) {
      grads.headBias[k] = dl;
      for (let j = 0; j < H; j++) grads.headWeight[k * H + j] = dl * trace.h[last + j];
    }
  }

  // The products read private Dense copies of the weights and states (see linalg.ts).
  // W_hh^T da_t runs in the wasm kernel when there is one and W_hh fits its memory:
  // W_hh^T (H x ldG) at 0, then da_t (zero-padded to ldG), then the output dL/dh_{t-1}.
  const kernel = gemvKernel();
  const ldG = paddedWidth(GH);
  const wasm = kernel !== null && H * ldG + ldG + H <= kernel.capacity ? kernel : null;
  const vo = H * ldG;
  const oo = vo + ldG;
  const weightHh = scratchDense('backward.weightHh', wasm ? 0 : GH * H);
  if (wasm) {
    copyMatrixIn(params.weightHh, GH, H, true, wasm.mem, 0, ldG);
    wasm.mem.fill(0, vo, oo);
  } else {
    copyToDense(params.weightHh, GH * H, weightHh);
  }
  const dhPrev = scratchDense('backward.dhPrev', H);
  const stepBackward = desc.stepBackward;
  for (let t = T - 1; t >= 0; t--) {
    stepBackward(trace, back, t, zeros);
    if (t > 0 && wasm) {
      const mem = wasm.mem;
      const po = (t - 1) * H;
      for (let r = 0, k = t * GH; r < GH; r++, k++) mem[vo + r] = dah[k];
      for (let j = 0; j < H; j++) mem[oo + j] = back.dhDirect[j];
      wasm.gemv(0, H, ldG, vo, oo);
      for (let j = 0; j < H; j++) dh[po + j] = mem[oo + j];
    } else if (t > 0) {
      // dL/dh_{t-1} = (the direct path) + W_hh^T (recurrent pre-activation gradient).
      const po = (t - 1) * H;
      for (let j = 0; j < H; j++) dhPrev[j] = back.dhDirect[j];
      gemvTAdd(weightHh, GH, H, dah, t * GH, dhPrev, 0);
      for (let j = 0; j < H; j++) dh[po + j] = dhPrev[j];
    }
  }

  // Everything that does not feed the recurrence is deferred to matrix products after the loop:
  // dx = DAX W_ih (T x D), dW_ih = DAX^T X, dW_hh = DAH^T H_prev (DAX, DAH: T x G*H).
  const dhNorm = new Float64Array(T);
  const dcNorm = dc ? new Float64Array(T) : null;
  for (let t = 0; t < T; t++) {
    dhNorm[t] = norm2(dh, t * H, H);
    if (dc && dcNorm) dcNorm[t] = norm2(dc, t * H, H);
  }
  if (!grads && options.inputGrads === 'on-read') {
    // DAX is scratch that the next pass overwrites: the getters keep their own copy.
    const kept = dax.slice(0, T * GH);
    let input: { dx: Float64Array; dxNorm: Float64Array } | null = null;
    const read = () => (input ??= inputGrads(params, kept, T, GH, D));
    return {
      target,
      loss,
      dh,
      dc,
      dhNorm,
      dcNorm,
      get dx() {
        return read().dx;
      },
      get dxNorm() {
        return read().dxNorm;
      },
    };
  }
  const { dx, dxNorm } = inputGrads(params, dax, T, GH, D);
  if (grads) accumulateParamGrads(trace, dax, dah, dx, grads);
  const result: StateGrads = { target, loss, dh, dc, dx, dhNorm, dcNorm, dxNorm };
  return grads ? { ...result, params: grads } : result;
}

/** dx = DAX W_ih (T x D, DAX the T x G*H pre-activation gradients of the inputs) and its row norms. */
function inputGrads(params: ModelParams, dax: Float64Array, T: number, GH: number, D: number): { dx: Float64Array; dxNorm: Float64Array } {
  const weightIh = scratchDense('backward.weightIh', GH * D);
  copyToDense(params.weightIh, GH * D, weightIh);
  // The product accumulates straight into the fresh, zeroed result array.
  const dx = new Float64Array(T * D);
  gemmAdd(T, GH, D, dax, 0, GH, 1, weightIh, 0, D, dx, 0, D);
  const dxNorm = new Float64Array(T);
  for (let t = 0; t < T; t++) dxNorm[t] = norm2(dx, t * D, D);
  return { dx, dxNorm };
}

/**
 * Adds the gradients of W_ih, W_hh, both biases and the embedding rows into grads, from the
 * pre-activation gradients dax, dah (T x G*H) and dx (T x D) of the time loop.
 */
function accumulateParamGrads(trace: ForwardTrace, dax: Float64Array, dah: Float64Array, dx: Float64Array, grads: ParamGrads): void {
  const { T, H, D } = trace;
  const GH = grads.biasIh.length;
  const x = scratchDense('backward.x', T * D);
  copyToDense(trace.x, T * D, x);
  const h = scratchDense('backward.h', T * H);
  copyToDense(trace.h, T * H, h);
  gemmAdd(GH, T, D, dax, 0, 1, GH, x, 0, D, grads.weightIh, 0, D);
  // h_{t-1} for t >= 1 is h row t-1; step 0 sees h_{-1} = 0 and adds nothing.
  if (T > 1) gemmAdd(GH, T - 1, H, dah, GH, 1, GH, h, 0, H, grads.weightHh, 0, H);
  for (let t = 0; t < T; t++) {
    const o = t * GH;
    for (let r = 0; r < GH; r++) {
      grads.biasIh[r] += dax[o + r];
      grads.biasHh[r] += dah[o + r];
    }
    const eo = trace.ids[t] * D;
    for (let d = 0; d < D; d++) grads.embedding[eo + d] += dx[t * D + d];
  }
}
