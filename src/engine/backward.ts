/**
 * Backpropagation through time of the softmax cross-entropy loss of the head (a label head: on the
 * top layer's last hidden state; a next-token head: the mean over the steps, or one step's term),
 * through every stacked layer from the top down. Gives total derivatives dL/dh_t, dL/dc_t, dL/dx_t for every step and, unless the caller
 * declines them (the visualizer draws none), the gradient of every parameter. Only
 * dL/dh_{t-1} = W_hh^T da_t stays in the time loop; the loop stores the pre-activation gradients
 * da_t and matrix products after it form dL/dx_t and sum_t da_t z_t^T. The cell's own step backward
 * is its descriptor's (cells/); the tests check it against central finite differences of
 * reference.ts's forward.
 */
import { CELLS, type BackState, type CellDescriptor } from './cells/index';
import { copyToDense, gemmAdd, gemvTAdd, norm2, scratch, scratchDense } from './linalg';
import { headKind, layerStack } from './types';
import type { BackwardResult, ForwardTrace, LayerParams, LayerStateGrads, LayerTrace, ModelParams, ParamGrads, StateGrads } from './types';
import { copyMatrixIn, gemvKernel, paddedWidth } from './wasm/kernels';

/** Zero gradients with the shapes of params. */
export function zeroGrads(params: ModelParams): ParamGrads {
  const zeroLayer = (w: LayerParams): LayerParams => ({
    weightIh: new Float64Array(w.weightIh.length),
    weightHh: new Float64Array(w.weightHh.length),
    biasIh: new Float64Array(w.biasIh.length),
    biasHh: new Float64Array(w.biasHh.length),
  });
  const grads: ParamGrads = {
    ...zeroLayer(params),
    embedding: new Float64Array(params.embedding.length),
    headWeight: new Float64Array(params.headWeight.length),
    headBias: new Float64Array(params.headBias.length),
  };
  if (params.upperLayers && params.upperLayers.length > 0) grads.upperLayers = params.upperLayers.map(zeroLayer);
  return grads;
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
  /**
   * A next-token head only: the loss is step lossStep's term alone, -log softmax(W h_k + b)[ids[k+1]]
   * with 0 <= k <= T-2 (default: the mean over every step t = 0..T-2)
   */
  lossStep?: number;
}

/**
 * Backpropagates the loss through the trace. A label head: L = -log softmax(W h_T + b)[target] on
 * the top layer's last h. A next-token head (`params.predicts`): L = mean over t = 0..T-2 of
 * -log softmax(W h_t + b)[ids[t+1]] (or step `options.lossStep`'s term); `target` is then ignored.
 * @param params the parameters the trace was computed with
 * @param trace the forward trace
 * @param target class index in [0, K) (a label head)
 * @param options `{ paramGrads: false }` leaves out the parameter gradients; `inputGrads: 'on-read'` then
 *   forms dx and dxNorm when first read; `lossStep` picks one step of a next-token loss
 * @returns dh, dc (T x H, top layer; every layer in `layers`), dx (T x D), their per-step norms, and
 *   (by default) gradients of every parameter
 */
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options?: BackwardOptions & { paramGrads?: true }): BackwardResult;
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options: BackwardOptions): StateGrads;
export function backward(params: ModelParams, trace: ForwardTrace, target: number, options: BackwardOptions = {}): StateGrads | BackwardResult {
  const { cell, T, H, D, K } = trace;
  const nextToken = headKind(params) === 'next-token';
  const lossStep = options.lossStep ?? null;
  if (nextToken) {
    if (T < 2) throw new RangeError(`ids: a next-token model needs at least 2 tokens, found ${T}`);
    if (lossStep !== null && (!Number.isInteger(lossStep) || lossStep < 0 || lossStep > T - 2)) {
      throw new RangeError(`lossStep: expected a step in [0, ${T - 2}] (the last step has no next token), found ${lossStep}`);
    }
  } else {
    if (!Number.isInteger(target) || target < 0 || target >= K) {
      throw new RangeError(`target: expected a class index in [0, ${K}), found ${target}`);
    }
    if (lossStep !== null) throw new RangeError('lossStep: only a next-token model has a loss per step');
  }
  const desc = CELLS[cell];
  const GH = desc.blocks * H;
  const grads = options.paramGrads === false ? null : zeroGrads(params);
  const stack = layerStack(params);
  const gradStack = grads ? layerStack(grads) : null;
  const N = stack.length;

  // The head's derivative with respect to the top layer's h_t: one row (label) or every row (next-token).
  const top = trace.layers[N - 1];
  const dhTop = new Float64Array(T * H);
  const loss = nextToken
    ? nextTokenHead(params, trace, top, lossStep, dhTop, grads)
    : labelHead(params, trace, top, target, dhTop, grads);

  // From the top layer down: each layer's dL/d(input) is the layer below's dL/dh from above.
  const layerGrads: LayerStateGrads[] = new Array<LayerStateGrads>(N);
  let fromAbove: Float64Array | null = nextToken ? dhTop : null;
  let dax = scratch('backward.dax', T * GH);
  for (let k = N - 1; k >= 0; k--) {
    const dh = k === N - 1 && !nextToken ? dhTop : new Float64Array(T * H);
    const dc = desc.keeps.c ? new Float64Array(T * H) : null;
    if (fromAbove) dh.set(fromAbove.subarray((T - 1) * H, T * H), (T - 1) * H);
    dax = layerBackward(desc, stack[k], trace.layers[k], dh, dc, fromAbove, T, H, GH);
    const dhNorm = new Float64Array(T);
    const dcNorm = dc ? new Float64Array(T) : null;
    for (let t = 0; t < T; t++) {
      dhNorm[t] = norm2(dh, t * H, H);
      if (dc && dcNorm) dcNorm[t] = norm2(dc, t * H, H);
    }
    layerGrads[k] = { dh, dc, dhNorm, dcNorm };
    if (k === 0) break;
    // dL/dh_t of layer k-1 through layer k's input side: DAX W_ih (T x H).
    fromAbove = inputGrads(stack[k].weightIh, dax, T, GH, H).dx;
    if (gradStack) accumulateLayerGrads(trace.layers[k - 1].h, H, trace.layers[k].h, T, H, dax, desc.splitRecurrentGrad ? scratch('backward.dah', T * GH) : dax, gradStack[k]);
  }
  const { dh, dc, dhNorm, dcNorm } = layerGrads[N - 1];
  const dah = desc.splitRecurrentGrad ? scratch('backward.dah', T * GH) : dax;

  if (!grads && options.inputGrads === 'on-read') {
    // DAX is scratch that the next pass overwrites: the getters keep their own copy.
    const kept = dax.slice(0, T * GH);
    let input: { dx: Float64Array; dxNorm: Float64Array } | null = null;
    const read = () => (input ??= inputGrads(params.weightIh, kept, T, GH, D));
    return {
      target: nextToken ? -1 : target,
      lossStep,
      loss,
      dh,
      dc,
      dhNorm,
      dcNorm,
      layers: layerGrads,
      get dx() {
        return read().dx;
      },
      get dxNorm() {
        return read().dxNorm;
      },
    };
  }
  const { dx, dxNorm } = inputGrads(params.weightIh, dax, T, GH, D);
  if (grads) {
    accumulateLayerGrads(trace.x, D, trace.layers[0].h, T, H, dax, dah, grads);
    for (let t = 0; t < T; t++) {
      const eo = trace.ids[t] * D;
      for (let d = 0; d < D; d++) grads.embedding[eo + d] += dx[t * D + d];
    }
  }
  const result: StateGrads = { target: nextToken ? -1 : target, lossStep, loss, dh, dc, dx, dhNorm, dcNorm, dxNorm, layers: layerGrads };
  return grads ? { ...result, params: grads } : result;
}

/** The label head: writes dL/dh_{T-1} into row T-1 of dh (and the head's gradients); returns the loss. */
function labelHead(params: ModelParams, trace: ForwardTrace, top: LayerTrace, target: number, dh: Float64Array, grads: ParamGrads | null): number {
  const { T, H, K } = trace;
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
      for (let j = 0; j < H; j++) grads.headWeight[k * H + j] = dl * top.h[last + j];
    }
  }
  return loss;
}

/**
 * The next-token head: L = (1/n) sum over the loss steps t of -log softmax(W h_t + b)[ids[t+1]]
 * (every t = 0..T-2, n = T-1; or the one step lossStep, n = 1). Adds dL/dh_t of the top layer into
 * the rows of dh (T x H) and the head's gradients into grads; returns L.
 */
function nextTokenHead(params: ModelParams, trace: ForwardTrace, top: LayerTrace, lossStep: number | null,
  dh: Float64Array, grads: ParamGrads | null): number {
  const { T, H, K } = trace;
  const first = lossStep ?? 0;
  const last = lossStep ?? T - 2;
  const n = last - first + 1;
  // DL (n x K): dL/dlogits_t = (probs_t - onehot(ids[t+1])) / n for the loss steps t = first..last.
  const dl = scratch('backward.dLogits', n * K);
  let loss = 0;
  for (let t = first; t <= last; t++) {
    const o = t * K;
    const r = (t - first) * K;
    const target = trace.ids[t + 1];
    // log-sum-exp on the logits keeps the loss exact where probs[target] underflows to 0.
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (trace.logitsPerStep[o + k] > max) max = trace.logitsPerStep[o + k];
    let sumExp = 0;
    for (let k = 0; k < K; k++) sumExp += Math.exp(trace.logitsPerStep[o + k] - max);
    loss += max + Math.log(sumExp) - trace.logitsPerStep[o + target];
    for (let k = 0; k < K; k++) dl[r + k] = (trace.probsPerStep[o + k] - (k === target ? 1 : 0)) / n;
  }
  // dL/dh_t = W^T dl_t for every loss step at once: DH (n x H) += DL (n x K) W (K x H).
  const weight = scratchDense('backward.headWeight', K * H);
  copyToDense(params.headWeight, K * H, weight);
  gemmAdd(n, K, H, dl, 0, K, 1, weight, 0, H, dh, first * H, H);
  if (grads) {
    // dW = DL^T H_top (K x H), db = the column sums of DL.
    const h = scratchDense('backward.h', n * H);
    for (let i = 0; i < n * H; i++) h[i] = top.h[first * H + i];
    gemmAdd(K, n, H, dl, 0, 1, K, h, 0, H, grads.headWeight, 0, H);
    for (let r = 0; r < n; r++) for (let k = 0; k < K; k++) grads.headBias[k] += dl[r * K + k];
  }
  return loss / n;
}

/**
 * One layer's time loop, from step T-1 down: reads dh[T-1] (already written), writes every other row
 * of dh as the recurrent path plus `fromAbove` (T x H, the direct dL/dh_t from the head or the layer
 * above; null: nothing), dc, and the pre-activation gradients it returns (scratch 'backward.dax',
 * T x G*H; gru's recurrent ones in 'backward.dah'). Only dL/dh_{t-1} = W_hh^T da_t stays in the loop.
 */
function layerBackward(desc: CellDescriptor, w: LayerParams, lt: LayerTrace, dh: Float64Array, dc: Float64Array | null,
  fromAbove: Float64Array | null, T: number, H: number, GH: number): Float64Array {
  // Work buffers (not returned): every row t of dax/dah and all of dhDirect are written by the
  // cell before they are read; dcCarry starts at zero.
  const dax = scratch('backward.dax', T * GH);
  const dah = desc.splitRecurrentGrad ? scratch('backward.dah', T * GH) : dax;
  const dcCarry = scratch('backward.dcCarry', H).fill(0, 0, H);
  const back: BackState = { H, dh, dc, dax, dah, dcCarry, dhDirect: scratch('backward.dhDirect', H) };
  const zeros = new Float64Array(H);

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
    copyMatrixIn(w.weightHh, GH, H, true, wasm.mem, 0, ldG);
    wasm.mem.fill(0, vo, oo);
  } else {
    copyToDense(w.weightHh, GH * H, weightHh);
  }
  const dhPrev = scratchDense('backward.dhPrev', H);
  const stepBackward = desc.stepBackward;
  for (let t = T - 1; t >= 0; t--) {
    stepBackward(lt, back, t, zeros);
    if (t > 0 && wasm) {
      const mem = wasm.mem;
      const po = (t - 1) * H;
      for (let r = 0, k = t * GH; r < GH; r++, k++) mem[vo + r] = dah[k];
      if (fromAbove) for (let j = 0; j < H; j++) mem[oo + j] = back.dhDirect[j] + fromAbove[po + j];
      else for (let j = 0; j < H; j++) mem[oo + j] = back.dhDirect[j];
      wasm.gemv(0, H, ldG, vo, oo);
      for (let j = 0; j < H; j++) dh[po + j] = mem[oo + j];
    } else if (t > 0) {
      // dL/dh_{t-1} = (the direct paths) + W_hh^T (recurrent pre-activation gradient).
      const po = (t - 1) * H;
      if (fromAbove) for (let j = 0; j < H; j++) dhPrev[j] = back.dhDirect[j] + fromAbove[po + j];
      else for (let j = 0; j < H; j++) dhPrev[j] = back.dhDirect[j];
      gemvTAdd(weightHh, GH, H, dah, t * GH, dhPrev, 0);
      for (let j = 0; j < H; j++) dh[po + j] = dhPrev[j];
    }
  }
  return dax;
}

/** dIn = DAX W_ih (T x In, DAX the T x G*H pre-activation gradients of the inputs) and its row norms. */
function inputGrads(weightIhSrc: Float64Array, dax: Float64Array, T: number, GH: number, D: number): { dx: Float64Array; dxNorm: Float64Array } {
  const weightIh = scratchDense('backward.weightIh', GH * D);
  copyToDense(weightIhSrc, GH * D, weightIh);
  // The product accumulates straight into the fresh, zeroed result array.
  const dx = new Float64Array(T * D);
  gemmAdd(T, GH, D, dax, 0, GH, 1, weightIh, 0, D, dx, 0, D);
  const dxNorm = new Float64Array(T);
  for (let t = 0; t < T; t++) dxNorm[t] = norm2(dx, t * D, D);
  return { dx, dxNorm };
}

/**
 * Adds one layer's gradients of W_ih, W_hh and both biases into g, from the pre-activation
 * gradients dax, dah (T x G*H) of its time loop, its input (T x In) and its own h (T x H).
 */
function accumulateLayerGrads(input: Float64Array, In: number, ownH: Float64Array, T: number, H: number,
  dax: Float64Array, dah: Float64Array, g: LayerParams): void {
  const GH = g.biasIh.length;
  const x = scratchDense('backward.x', T * In);
  copyToDense(input, T * In, x);
  const h = scratchDense('backward.h', T * H);
  copyToDense(ownH, T * H, h);
  gemmAdd(GH, T, In, dax, 0, 1, GH, x, 0, In, g.weightIh, 0, In);
  // h_{t-1} for t >= 1 is h row t-1; step 0 sees h_{-1} = 0 and adds nothing.
  if (T > 1) gemmAdd(GH, T - 1, H, dah, GH, 1, GH, h, 0, H, g.weightHh, 0, H);
  for (let t = 0; t < T; t++) {
    const o = t * GH;
    for (let r = 0; r < GH; r++) {
      g.biasIh[r] += dax[o + r];
      g.biasHh[r] += dah[o + r];
    }
  }
}
