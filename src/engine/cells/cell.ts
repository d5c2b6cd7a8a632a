/**
 * What a recurrent cell is, as one descriptor: its gate names and state arrays, its forward step
 * and backward step, its one-step Jacobian, and the few facts init and the model file need. The
 * engine's drivers (forward.ts, backward.ts, jacobian.ts, init.ts) loop over this data and never
 * name a cell kind; `CELLS` in cells/index.ts is the table keyed by `CellKind`, so the compiler
 * points at a kind that has no descriptor. The maths each step computes is written plainly in
 * ../reference.ts, the oracle the tests hold these steps to.
 *
 * The driver (forward.ts) has already computed, for step t:
 *   ax[t] = W_ih x_t + b_ih          (T x G*H, all steps)
 *   ah    = W_hh h_{t-1} + b_hh      (G*H, this step)
 * and the backward driver (backward.ts) turns the pre-activation gradients a cell writes into
 * dL/dx_t, dL/dh_{t-1} and the weight gradients.
 */
import type { Dense } from '../linalg';
import type { CellKind, ForwardTrace } from '../types';

/** Buffers of one forward pass; `t` indexes rows of the T x ... arrays. */
export interface StepState {
  H: number;
  /** T x G*H: W_ih x_t + b_ih */
  ax: Float64Array;
  /** G*H: W_hh h_{t-1} + b_hh for the current step (Dense) */
  ah: Dense;
  /** T x H */
  h: Float64Array;
  /** T x H (cells that keep c) */
  c: Float64Array | null;
  /** T x G*H post-activation gates (empty for a cell without gates) */
  gates: Float64Array;
  /** T x H (cells that keep hn): W_hn h_{t-1} + b_hn */
  hn: Float64Array | null;
  /** H zeros: the initial h and c */
  zeros: Float64Array;
}

/** Buffers of one backward pass. */
export interface BackState {
  H: number;
  /** T x H total dL/dh_t; the driver writes row t before calling stepBackward */
  dh: Float64Array;
  /** T x H total dL/dc_t (cells that keep c); stepBackward writes row t */
  dc: Float64Array | null;
  /** T x G*H gradient of the input-side pre-activations at step t */
  dax: Float64Array;
  /** T x G*H gradient of the recurrent-side pre-activations (the same array as dax unless splitRecurrentGrad) */
  dah: Float64Array;
  /** H: dL/dc_{t-1} through the cell path, carried to the previous step (cells that keep c) */
  dcCarry: Float64Array;
  /** H: the part of dL/dh_{t-1} that does not pass through W_hh (gru's z*h_{t-1} path) */
  dhDirect: Float64Array;
}

/** The forward values a backward step reads. */
export interface StepValues {
  h: Float64Array;
  c: Float64Array | null;
  gates: Float64Array;
  hn: Float64Array | null;
}

export interface CellDescriptor {
  kind: CellKind;
  /** the name as the page writes it ('LSTM') */
  label: string;
  /**
   * Gate names in the order their blocks are stacked in the weight matrices, which is also the
   * order of the blocks of `trace.gates` (T x gates.length*H). Empty for a cell without gates.
   */
  gates: readonly string[];
  /** G: H-row blocks stacked in W_ih, W_hh, b_ih and b_hh */
  blocks: number;
  /** the per-step arrays the trace keeps besides h: c, the cell state; hn, W_hn h_{t-1} + b_hn */
  keeps: { c: boolean; hn: boolean };
  /**
   * True when dL/d(W_hh h + b_hh) differs from dL/d(W_ih x + b_ih) (gru: r scales W_hn h before
   * the tanh), so backward keeps a second T x G*H array of recurrent pre-activation gradients.
   */
  splitRecurrentGrad: boolean;
  /** the block of the forget gate (initParams' forgetBias, withKnobs' forget-gate knob), or null */
  forgetGateBlock: number | null;
  /**
   * The Keras layout: keras.blocks[b] = the Keras block holding our block b (the maps are their own
   * inverse), and whether Keras keeps b_ih and b_hh as two bias rows (GRU reset_after=True) rather
   * than one summed bias.
   */
  keras: { blocks: readonly number[]; twoBiasRows: boolean };
  /** Writes h[t] (and c[t], gates[t], hn[t]) from ax[t] and ah. */
  step(s: StepState, t: number): void;
  /** Reads dh[t] and writes dax[t], dah[t], dc[t], dcCarry and dhDirect for step t. */
  stepBackward(f: StepValues, b: BackState, t: number, zeros: Float64Array): void;
  /**
   * Row scales of step t's Jacobian: J = sum_b diag(s[b*H .. b*H+H)) W_b + diag(d), with W_b the
   * b-th H x H block of W_hh. Writes G*H scales into s at so and, when the cell has a direct
   * h_{t-1} path, H diagonal terms into d at dOff; returns whether it wrote them.
   */
  jacobianScales(trace: ForwardTrace, t: number, s: Float64Array, so: number, d: Float64Array, dOff: number): boolean;
  /** ||dc_t/dc_{t-1}||_2 with h_{t-1} held fixed, for a cell with a cell path; null for the others */
  cellPathNorm: ((trace: ForwardTrace, t: number) => number) | null;
}
