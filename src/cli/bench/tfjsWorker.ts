/**
 * Benchmark worker for @tensorflow/tfjs-core on its cpu or wasm backend, doing the engine's work:
 * the same float32-rounded weights and ids, embedding -> cell -> linear head on the last h, loss
 * -log softmax(logits)[target], and for fwd+bptt the gradients of every parameter via tf.grads.
 *
 * The embedding rows are gathered outside tf.grads (one tf.gather per step) and the embedding's
 * gradient is the scatter-add of the dL/dx_t rows, done in JavaScript as the engine does: the wasm backend has no UnsortedSegmentSum kernel,
 * so tf.gather cannot be differentiated there. Both backends use this same path.
 *
 * This file is bundled with esbuild by the driver (tfjs-core's ESM files use extension-less
 * imports that Node cannot load) and runs in its own process.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellKind, ModelParams } from '../../engine';
import {
  benchIds,
  benchParams,
  gradsFileName,
  measure,
  PARAM_KEYS,
  runWorker,
  SIZES,
  TARGET,
  type CaseResult,
  type WorkerRequest,
} from './common';

type Weights = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];

/**
 * How the input projections W_ih x_t are formed: 'batched' = one T x D by D x G*H product, then
 * tf.unstack into rows; 'per-step' = one 1 x D product per step. The wasm backend's Slice kernel
 * copies its whole input on every call, which makes unstacking T rows cost O(T^2) there, so each
 * backend gets the form that is faster on it (see BENCHMARKS.md).
 */
export type InputProjection = 'batched' | 'per-step';

/** The faster form for the backend, measured: batched everywhere except wasm beyond T = 256. */
function bestProjection(impl: string, T: number): InputProjection {
  return impl === 'tfjs-wasm' && T > 256 ? 'per-step' : 'batched';
}

/** The recurrence and head as tfjs ops; xs is a list of T 1 x D rows, weights in PyTorch orientation. */
function lossOf(cell: CellKind, xs: tf.Tensor[], w: tf.Tensor[], oneHot: tf.Tensor, projection: InputProjection): tf.Scalar {
  const [weightIh, weightHh, biasIh, biasHh, headWeight, headBias] = w;
  const H = SIZES.H;
  const rows =
    projection === 'batched'
      ? tf.unstack(tf.add(tf.matMul(tf.concat(xs, 0), weightIh, false, true), biasIh))
      : xs.map((x) => tf.add(tf.matMul(x, weightIh, false, true), biasIh));
  let h: tf.Tensor = tf.zeros([1, H]);
  let c: tf.Tensor = tf.zeros([1, H]);
  for (const row of rows) {
    const ax = tf.reshape(row, [1, -1]);
    const ah = tf.add(tf.matMul(h, weightHh, false, true), biasHh);
    // tfjs has no cell descriptors: each kind's equations are written in tf ops (the last branch is the GRU).
    if (cell === 'rnn') {
      h = tf.tanh(tf.add(ax, ah));
    } else if (cell === 'lstm') {
      const [i, f, g, o] = tf.split(tf.add(ax, ah), 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    } else {
      const [xr, xz, xn] = tf.split(ax, 3, 1);
      const [hr, hz, hn] = tf.split(ah, 3, 1);
      const r = tf.sigmoid(tf.add(xr, hr));
      const z = tf.sigmoid(tf.add(xz, hz));
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    }
  }
  const logits = tf.add(tf.matMul(h, headWeight, false, true), headBias);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))));
}

function tensors(p: ModelParams): { w: Weights; embedding: tf.Tensor2D } {
  const { D, H, K, V } = SIZES;
  const GH = p.weightIh.length / D;
  const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
  return {
    w: [
      tf.tensor2d(f32(p.weightIh), [GH, D]),
      tf.tensor2d(f32(p.weightHh), [GH, H]),
      tf.tensor1d(f32(p.biasIh)),
      tf.tensor1d(f32(p.biasHh)),
      tf.tensor2d(f32(p.headWeight), [K, H]),
      tf.tensor1d(f32(p.headBias)),
    ],
    embedding: tf.tensor2d(f32(p.embedding), [V, D]),
  };
}

async function setUp(req: WorkerRequest): Promise<string> {
  if (req.impl === 'tfjs-wasm') {
    if (!req.wasmDir) throw new Error('tfjs-wasm worker: wasmDir missing from the request');
    // One thread, like the engine: no worker pool even where SharedArrayBuffer exists.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(req.wasmDir.endsWith('/') ? req.wasmDir : `${req.wasmDir}/`);
    await tf.setBackend('wasm');
  } else {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  const simd = req.impl === 'tfjs-wasm' ? `, SIMD ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}` : '';
  const form =
    req.inputProjection ?? (req.impl === 'tfjs-wasm' ? 'batched input projection, per-step beyond T=256' : 'batched input projection');
  return `tfjs-core ${tf.version_core} backend ${tf.getBackend()}${simd}, 1 thread, float32, ${form}`;
}

void runWorker(async (req) => {
  const info = await setUp(req);
  const results: CaseResult[] = [];
  const { D, K } = SIZES;
  for (const c of req.cases) {
    const params = benchParams(c.cell);
    const idArr = benchIds(c.T);
    const { w, embedding } = tensors(params);
    // One index tensor per step: the embedding rows are gathered one by one (no slicing of a T x D tensor).
    const stepIds = Array.from(idArr, (id) => tf.tensor1d([id], 'int32'));
    const oneHot = tf.oneHot(tf.tensor1d([TARGET], 'int32'), K);
    const projection = req.inputProjection ?? bestProjection(req.impl, c.T);
    const T = c.T;
    const gradFn = tf.grads((...args: tf.Tensor[]) => lossOf(c.cell, args.slice(0, T), args.slice(T), oneHot, projection));
    let loss = NaN;
    let grads: Float32Array[] = [];
    let embeddingGrad = new Float32Array(0);
    const timing = measure(() => {
      if (c.mode === 'fwd') {
        const l = tf.tidy(() => lossOf(c.cell, stepIds.map((i) => tf.gather(embedding, i)), w, oneHot, projection));
        loss = l.dataSync()[0];
        l.dispose();
        return;
      }
      const out = tf.tidy(() => {
        const xs = stepIds.map((i) => tf.gather(embedding, i));
        return [lossOf(c.cell, xs, w, oneHot, projection), ...gradFn([...xs, ...w])];
      });
      loss = out[0].dataSync()[0];
      const all = out.slice(1).map((t) => t.dataSync() as Float32Array);
      embeddingGrad = new Float32Array(SIZES.V * D);
      for (let t = 0; t < T; t++) {
        const eo = idArr[t] * D;
        const dx = all[t];
        for (let d = 0; d < D; d++) embeddingGrad[eo + d] += dx[d];
      }
      grads = all.slice(T);
      tf.dispose(out);
    }, req.budget);
    if (c.mode === 'fwd+bptt' && req.gradsDir) {
      // PARAM_KEYS order: weightIh, weightHh, biasIh, biasHh, embedding, headWeight, headBias.
      const [wIh, wHh, bIh, bHh, hW, hB] = grads;
      const parts = [wIh, wHh, bIh, bHh, embeddingGrad, hW, hB];
      if (parts.length !== PARAM_KEYS.length) throw new Error('gradient count mismatch');
      const all = new Float64Array(parts.reduce((n, a) => n + a.length, 0));
      let o = 0;
      for (const a of parts) {
        all.set(a, o);
        o += a.length;
      }
      writeFileSync(join(req.gradsDir, gradsFileName(req.impl, c)), new Uint8Array(all.buffer));
    }
    tf.dispose([...w, embedding, oneHot, ...stepIds]);
    results.push({ ...c, timing, loss });
  }
  return { impl: req.impl, info, results };
});
