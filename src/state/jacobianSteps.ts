/**
 * Jacobian norms a few steps at a time. The one-step Jacobian dh_t/dh_{t-1} depends only on step t
 * and the state just before it, so the norms of a sentence prefix that did not change can be kept
 * (typing at the end of a 256-token sentence recomputes one step, not 256), and the precise norms can
 * be computed in chunks small enough to leave the page responsive.
 */

import type { ForwardTrace, JacobianNorms, ModelParams } from '../engine';

export type JacobianFn = (params: ModelParams, trace: ForwardTrace, opts: { tol: number; maxIter: number }) => JacobianNorms;

/**
 * Steps [t0, t1) of a trace as a trace of its own: subarray views of every per-step array, no
 * copies. `logits`, `probs` and `predicted` stay those of the whole sequence.
 */
export function sliceTrace(trace: ForwardTrace, t0: number, t1: number): ForwardTrace {
  const { T } = trace;
  const rows = <A extends Float64Array | null>(a: A): A => {
    if (a === null || T === 0) return a;
    const width = a.length / T;
    return a.subarray(t0 * width, t1 * width) as A;
  };
  return {
    ...trace,
    T: t1 - t0,
    ids: trace.ids.subarray(t0, t1),
    x: rows(trace.x),
    h: rows(trace.h),
    c: rows(trace.c),
    gates: rows(trace.gates),
    hn: rows(trace.hn),
    layers: trace.layers.map((l) => ({ h: rows(l.h), c: rows(l.c), gates: rows(l.gates), hn: rows(l.hn) })),
    logitsPerStep: rows(trace.logitsPerStep),
    probsPerStep: rows(trace.probsPerStep),
  };
}

/**
 * Computes the norms of steps [t0, t1) and writes them into `out` at the same indices. Step t reads
 * the state after step t-1, so the slice starts one step early and that step's norm is dropped.
 */
export function jacobianRange(
  fn: JacobianFn,
  params: ModelParams,
  trace: ForwardTrace,
  t0: number,
  t1: number,
  opts: { tol: number; maxIter: number },
  out: JacobianNorms,
): void {
  if (t1 <= t0) return;
  const from = t0 > 0 ? t0 - 1 : 0;
  const part = fn(params, sliceTrace(trace, from, t1), opts);
  const skip = t0 - from;
  out.h.set(part.h.subarray(skip), t0);
  if (out.c && part.c) out.c.set(part.c.subarray(skip), t0);
}

/** How many leading token ids two sequences share. */
export function sharedPrefix(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && a[k] === b[k]) k++;
  return k;
}

/** Norms computed earlier for the same parameters: the first `valid` steps of `jac` can be reused. */
export interface PriorNorms {
  ids: ArrayLike<number>;
  jac: JacobianNorms;
  /** steps [0, precise) of `jac` hold precise norms, the rest quick ones */
  precise: number;
}

/**
 * The norms of every step of `trace`, reusing `prior` for the steps whose token ids are the same
 * from the start (the forward pass is causal, so those steps' states are identical). Returns the
 * norms and how many leading steps are precise (`isPrecise` says whether `opts` is the precise budget).
 */
export function normsWithPrefix(
  fn: JacobianFn,
  params: ModelParams,
  trace: ForwardTrace,
  opts: { tol: number; maxIter: number },
  isPrecise: boolean,
  prior: PriorNorms | null,
): { jac: JacobianNorms; precise: number } {
  let reuse = prior ? Math.min(sharedPrefix(prior.ids, trace.ids), prior.jac.h.length) : 0;
  // A precise run reuses only precise norms.
  if (prior && isPrecise) reuse = Math.min(reuse, prior.precise);
  if (reuse === 0 || !prior) {
    const jac = fn(params, trace, opts);
    return { jac, precise: isPrecise ? trace.T : 0 };
  }
  const jac: JacobianNorms = { h: new Float64Array(trace.T), c: prior.jac.c && trace.c ? new Float64Array(trace.T) : null };
  jac.h.set(prior.jac.h.subarray(0, reuse));
  if (jac.c && prior.jac.c) jac.c.set(prior.jac.c.subarray(0, reuse));
  jacobianRange(fn, params, trace, reuse, trace.T, opts, jac);
  return { jac, precise: isPrecise ? trace.T : Math.min(reuse, prior.precise) };
}

/**
 * Steps per chunk of precise refinement for hidden size H: about 4M multiply-adds (about 1 ms with
 * the engine's wasm kernels, a few without), so refining a long sentence never blocks the page for long. Lanczos on J^T J costs about
 * 2 x maxIter x H^2 per step, plus H^2 x blocks to form J.
 */
export function refineChunk(H: number, maxIter: number): number {
  const perStep = H * H * (2 * Math.min(H, maxIter) + 4);
  return Math.max(1, Math.floor(4_000_000 / Math.max(1, perStep)));
}

/**
 * Jacobian norms computed on first read of `h` or `c`: only the Jacobian chart reads them, so a
 * knob move or an edit with that chart out of view computes none in its frame (the chart's own
 * render, after the frame, does). `precise` counts the leading steps known to be precise.
 */
export class LazyNorms implements JacobianNorms {
  private value: JacobianNorms | null = null;
  private compute: (() => { jac: JacobianNorms; precise: number }) | null;
  private preciseSteps = 0;

  /**
   * @param T the number of steps
   * @param hasC whether there are cell-state norms (lstm)
   * @param compute the norms and how many leading steps of them are precise, run at most once
   */
  constructor(
    readonly T: number,
    readonly hasC: boolean,
    compute: () => { jac: JacobianNorms; precise: number },
  ) {
    this.compute = compute;
  }

  /** Norms already computed (`precise` of them precise). */
  static known(jac: JacobianNorms, precise: number): LazyNorms {
    const n = new LazyNorms(jac.h.length, jac.c !== null, () => ({ jac, precise }));
    n.read();
    return n;
  }

  /** Whether the norms have been computed (reading h or c computes them). */
  get ready(): boolean {
    return this.value !== null;
  }

  /** Leading steps whose norms are precise: 0 until computed. */
  get precise(): number {
    return this.preciseSteps;
  }

  get h(): Float64Array {
    return this.read().h;
  }

  get c(): Float64Array | null {
    return this.read().c;
  }

  /**
   * A copy to refine in place while this one stays as it is (views hold it): the computed norms,
   * or zeros with none precise when they were never read (refining then computes every step).
   */
  refinable(): LazyNorms {
    if (this.value === null) return LazyNorms.known({ h: new Float64Array(this.T), c: this.hasC ? new Float64Array(this.T) : null }, 0);
    return LazyNorms.known({ h: Float64Array.from(this.value.h), c: this.value.c && Float64Array.from(this.value.c) }, this.preciseSteps);
  }

  /** Records that steps [0, steps) now hold precise norms (refinement writes them through h and c). */
  markPrecise(steps: number): void {
    this.preciseSteps = steps;
  }

  private read(): JacobianNorms {
    if (this.value === null) {
      const { jac, precise } = this.compute!();
      this.compute = null;
      this.value = jac;
      this.preciseSteps = precise;
    }
    return this.value;
  }
}
