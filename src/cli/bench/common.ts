/**
 * What every benchmark process agrees on: sizes, weights, token ids, the work counted as flops,
 * the timing loop, and the messages between the driver (src/cli/bench.ts) and its workers.
 */
import { initParams } from '../../engine';
import { createRng } from '../../engine';
import { BLOCKS, type CellKind, type LayerParams, type ModelParams } from '../../engine';

/** The issue's configuration: input 64, hidden 128, batch 1. V and K only size the embedding and head. */
export const SIZES = { D: 64, H: 128, V: 1000, K: 4 } as const;
export const SEED = 20240606;
export const TARGET = 1;

export type Mode = 'fwd' | 'fwd+bptt';
export type Impl = 'engine' | 'tfjs-cpu' | 'tfjs-wasm';
export const IMPLS: readonly Impl[] = ['engine', 'tfjs-cpu', 'tfjs-wasm'];

export interface Case {
  cell: CellKind;
  T: number;
  mode: Mode;
  /** stacked layers (engine-only rows; absent: 1) */
  layers?: number;
  /** a next-token head over NEXT_TOKEN_V tokens (engine-only rows; absent: the K-class label head) */
  predicts?: 'next-token';
}

/** The vocabulary (= K) of the next-token rows: a character model's size. */
export const NEXT_TOKEN_V = 96;

/** A case's key in result maps: cell/T/mode, plus the layers and head when they are not the default. */
export function caseKey(c: Case): string {
  return `${c.cell}/${c.T}/${c.mode}${(c.layers ?? 1) > 1 ? `/x${c.layers}` : ''}${c.predicts ? '/next' : ''}`;
}

/** How a row names its model: the cell, then ' x2' for two layers, ' next' for a next-token head. */
export function caseLabel(c: Case): string {
  return `${c.cell}${(c.layers ?? 1) > 1 ? ` x${c.layers}` : ''}${c.predicts ? ' next' : ''}`;
}

/** How long to measure one case: at least minReps runs and minMs of runs, at most maxReps or maxMs. */
export interface Budget {
  warmupMs: number;
  minReps: number;
  maxReps: number;
  minMs: number;
  maxMs: number;
}

export interface WorkerRequest {
  impl: Impl;
  cases: Case[];
  budget: Budget;
  /** write the float32 gradients of each fwd+bptt case here (tfjs workers), for the agreement check */
  gradsDir?: string;
  /** folder holding the tfjs wasm binaries (tfjs-wasm worker) */
  wasmDir?: string;
  /** tfjs workers: how the input projections are formed (see tfjsWorker.ts) */
  inputProjection?: 'batched' | 'per-step';
  /** engine worker: also time the Jacobian norms of every step at these T (each cell of cases) */
  jacobianTs?: number[];
}

/** The store's two Jacobian budgets (src/state/store.ts). */
export type JacobianBudget = 'quick' | 'precise';

/** Time for the one-step Jacobian norms of all T steps of one sequence (a trace computed beforehand). */
export interface JacobianResult {
  cell: CellKind;
  T: number;
  budget: JacobianBudget;
  timing: Timing;
  /** the mean norm, a sanity check */
  meanNorm: number;
}

export interface Timing {
  /** wall-clock milliseconds per run */
  wallMs: number[];
  /** process CPU milliseconds per run (user + system): what the run cost when other jobs share the cores */
  cpuMs: number[];
}

export interface CaseResult extends Case {
  timing: Timing;
  /** the loss of the last run, as a sanity check that every implementation computed the same thing */
  loss: number;
}

export interface WorkerResult {
  impl: Impl;
  /** backend details (tfjs: backend name, SIMD, threads) */
  info: string;
  results: CaseResult[];
  jacobian?: JacobianResult[];
}

/**
 * The seeded model of the benchmark with every weight rounded to float32, so that the engine
 * (float64) and tfjs (float32) start from exactly the same numbers.
 */
export function benchParams(cell: CellKind, variant: Pick<Case, 'layers' | 'predicts'> = {}): ModelParams {
  const V = variant.predicts ? NEXT_TOKEN_V : SIZES.V;
  const p = initParams({
    cell,
    inputSize: SIZES.D,
    hiddenSize: SIZES.H,
    vocabSize: V,
    numClasses: variant.predicts ? V : SIZES.K,
    seed: SEED,
  });
  if (variant.predicts) p.predicts = 'next-token';
  const upper: LayerParams[] = [];
  // Layers above the first read H numbers: their weights come from a model whose input size is H.
  for (let k = 1; k < (variant.layers ?? 1); k++) {
    const q = initParams({ cell, inputSize: SIZES.H, hiddenSize: SIZES.H, vocabSize: 1, numClasses: 1, seed: SEED + 10 + k });
    upper.push({ weightIh: q.weightIh, weightHh: q.weightHh, biasIh: q.biasIh, biasHh: q.biasHh });
  }
  if (upper.length > 0) p.upperLayers = upper;
  // The head and biases start at zero or small values; random ones make every gradient non-trivial.
  const rng = createRng(SEED + 1);
  for (let k = 0; k < p.headWeight.length; k++) p.headWeight[k] = rng.uniform(-0.3, 0.3);
  for (let k = 0; k < p.biasIh.length; k++) p.biasIh[k] = rng.uniform(-0.1, 0.1);
  for (let k = 0; k < p.biasHh.length; k++) p.biasHh[k] = rng.uniform(-0.1, 0.1);
  for (const a of [p.weightIh, p.weightHh, p.biasIh, p.biasHh, p.embedding, p.headWeight, p.headBias, ...upper.flatMap((w) => [w.weightIh, w.weightHh])]) {
    for (let k = 0; k < a.length; k++) a[k] = Math.fround(a[k]);
  }
  return p;
}

/** T seeded token ids in [0, V). */
export function benchIds(T: number, V: number = SIZES.V): Int32Array {
  const rng = createRng(SEED + 2);
  const ids = new Int32Array(T);
  for (let t = 0; t < T; t++) ids[t] = rng.int(V);
  return ids;
}

/**
 * Floating-point operations of the matrix products, a multiply-add counted as 2 (activations,
 * the head and the softmax are left out; they are under 2% of the total at H = 128):
 * forward 2·T·G·H·(D+H) (input and recurrent projections; each layer above the first adds
 * 2·T·G·H·2H); forward plus BPTT three times that
 * (backward adds W^T·da for x and h, and the weight gradients sum_t da·x^T and sum_t da·h^T).
 */
export function flops(c: Case): number {
  // Each layer above the first reads H numbers instead of D.
  const fwd = 2 * c.T * BLOCKS[c.cell] * SIZES.H * (SIZES.D + SIZES.H + ((c.layers ?? 1) - 1) * 2 * SIZES.H);
  return c.mode === 'fwd' ? fwd : 3 * fwd;
}

/** Runs fn repeatedly (after warm-up) within the budget and returns the per-run times. */
export function measure(fn: () => unknown, budget: Budget): Timing {
  const warmStart = performance.now();
  let warm = 0;
  while (warm < 2 || (performance.now() - warmStart < budget.warmupMs && warm < 50)) {
    fn();
    warm++;
  }
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  const start = performance.now();
  for (;;) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    wallMs.push(t1 - t0);
    cpuMs.push((c1.user + c1.system) / 1000);
    const spent = t1 - start;
    if (wallMs.length >= budget.maxReps || spent >= budget.maxMs) break;
    if (wallMs.length >= budget.minReps && spent >= budget.minMs) break;
  }
  return { wallMs, cpuMs };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function minimum(xs: readonly number[]): number {
  return xs.reduce((a, b) => Math.min(a, b), Infinity);
}

/** Parameter names in a fixed order, for gradient files and comparisons. */
export const PARAM_KEYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;
export type ParamKey = (typeof PARAM_KEYS)[number];

export function gradsFileName(impl: Impl, c: Case): string {
  return `${impl}-${c.cell}-${c.T}.f64`;
}

/** Worker entry: reads the request from the JSON file argv[2], writes the result to argv[3]. */
export async function runWorker(work: (req: WorkerRequest) => Promise<WorkerResult> | WorkerResult): Promise<void> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const [reqPath, outPath] = process.argv.slice(2);
  const req = JSON.parse(readFileSync(reqPath, 'utf8')) as WorkerRequest;
  const result = await work(req);
  writeFileSync(outPath, JSON.stringify(result));
}

/** -log softmax(logits)[target], stable. */
export function crossEntropy(logits: ArrayLike<number>, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k]);
  let s = 0;
  for (let k = 0; k < logits.length; k++) s += Math.exp(logits[k] - max);
  return max + Math.log(s) - logits[target];
}
