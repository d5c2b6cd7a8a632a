/**
 * The three recurrent cells. Each is a `step` and a `stepBackward` with the same signature, so the
 * RNN/LSTM/GRU toggle is a lookup in CELLS, not a flag inside one function. Gate blocks are laid out
 * in GATE_NAMES order (types.ts): lstm i, f, g, o; gru r, z, n.
 *
 * The driver (forward.ts) has already computed, for step t:
 *   ax[t] = W_ih x_t + b_ih          (T x G*H, all steps)
 *   ah    = W_hh h_{t-1} + b_hh      (G*H, this step)
 * and the backward driver (backward.ts) turns the pre-activation gradients a cell writes into
 * dL/dx_t, dL/dh_{t-1} and the weight gradients.
 */
import { sigmoid, sigmoidDerFromOutput, tanhDerFromOutput } from './activations';
import type { Dense } from './linalg';
import type { CellKind } from './types';

/** Buffers of one forward pass; `t` indexes rows of the T x ... arrays. */
export interface StepState {
  H: number;
  /** T x G*H: W_ih x_t + b_ih */
  ax: Float64Array;
  /** G*H: W_hh h_{t-1} + b_hh for the current step (Dense) */
  ah: Dense;
  /** T x H */
  h: Float64Array;
  /** T x H (lstm) */
  c: Float64Array | null;
  /** T x G*H post-activation gates (empty for rnn) */
  gates: Float64Array;
  /** T x H (gru): W_hn h_{t-1} + b_hn */
  hn: Float64Array | null;
  /** H zeros: the initial h and c */
  zeros: Float64Array;
}

/** Buffers of one backward pass. */
export interface BackState {
  H: number;
  /** T x H total dL/dh_t; the driver writes row t before calling stepBackward */
  dh: Float64Array;
  /** T x H total dL/dc_t (lstm); stepBackward writes row t */
  dc: Float64Array | null;
  /** T x G*H gradient of the input-side pre-activations at step t */
  dax: Float64Array;
  /** T x G*H gradient of the recurrent-side pre-activations (same array as dax except gru) */
  dah: Float64Array;
  /** H: dL/dc_{t-1} through the cell path, carried to the previous step (lstm) */
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

export interface Cell {
  /** Writes h[t] (and c[t], gates[t], hn[t]) from ax[t] and ah. */
  step(s: StepState, t: number): void;
  /** Reads dh[t] and writes dax[t], dah[t], dc[t], dcCarry and dhDirect for step t. */
  stepBackward(f: StepValues, b: BackState, t: number, zeros: Float64Array): void;
}

const rnn: Cell = {
  step(s, t) {
    const { H, ax, ah, h } = s;
    const ao = t * H;
    for (let j = 0; j < H; j++) h[ao + j] = Math.tanh(ax[ao + j] + ah[j]);
  },
  stepBackward(f, b, t) {
    const { H, dh, dax, dhDirect } = b;
    const o = t * H;
    for (let j = 0; j < H; j++) {
      dax[o + j] = dh[o + j] * tanhDerFromOutput(f.h[o + j]);
      dhDirect[j] = 0;
    }
  },
};

const lstm: Cell = {
  step(s, t) {
    const { H, ax, ah, h, gates, zeros } = s;
    const c = s.c as Float64Array;
    const G4 = 4 * H;
    const ao = t * G4;
    const so = t * H;
    const cPrev = t > 0 ? c : zeros;
    const cpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      // Input gate: how much of the candidate to write.
      const inputGate = sigmoid(ax[ao + j] + ah[j]);
      // Forget gate: how much of the old cell state to keep.
      const forgetGate = sigmoid(ax[ao + H + j] + ah[H + j]);
      // Candidate: the new content on offer.
      const candidate = Math.tanh(ax[ao + 2 * H + j] + ah[2 * H + j]);
      // Output gate: how much of the cell state to show as h.
      const outputGate = sigmoid(ax[ao + 3 * H + j] + ah[3 * H + j]);
      const kept = forgetGate * cPrev[cpo + j];
      const written = inputGate * candidate;
      const cell = kept + written;
      c[so + j] = cell;
      h[so + j] = outputGate * Math.tanh(cell);
      gates[ao + j] = inputGate;
      gates[ao + H + j] = forgetGate;
      gates[ao + 2 * H + j] = candidate;
      gates[ao + 3 * H + j] = outputGate;
    }
  },
  stepBackward(f, b, t, zeros) {
    const { H, dh, dax, dcCarry, dhDirect } = b;
    const dc = b.dc as Float64Array;
    const c = f.c as Float64Array;
    const gates = f.gates;
    const G4 = 4 * H;
    const ao = t * G4;
    const so = t * H;
    const cPrev = t > 0 ? c : zeros;
    const cpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      const inputGate = gates[ao + j];
      const forgetGate = gates[ao + H + j];
      const candidate = gates[ao + 2 * H + j];
      const outputGate = gates[ao + 3 * H + j];
      // h = o * tanh(c) gives tanh(c) back without a second tanh (within 2 ulp), unless o underflowed.
      const tanhCell = outputGate > 1e-300 ? f.h[so + j] / outputGate : Math.tanh(c[so + j]);
      const dH = dh[so + j];
      // Total dL/dc_t: through h_t = o * tanh(c_t), plus what step t+1 sent back along the cell line.
      const dCell = dcCarry[j] + dH * outputGate * tanhDerFromOutput(tanhCell);
      dc[so + j] = dCell;
      dax[ao + j] = dCell * candidate * sigmoidDerFromOutput(inputGate);
      dax[ao + H + j] = dCell * cPrev[cpo + j] * sigmoidDerFromOutput(forgetGate);
      dax[ao + 2 * H + j] = dCell * inputGate * tanhDerFromOutput(candidate);
      dax[ao + 3 * H + j] = dH * tanhCell * sigmoidDerFromOutput(outputGate);
      dcCarry[j] = dCell * forgetGate;
      dhDirect[j] = 0;
    }
  },
};

const gru: Cell = {
  step(s, t) {
    const { H, ax, ah, h, gates, zeros } = s;
    const hn = s.hn as Float64Array;
    const G3 = 3 * H;
    const ao = t * G3;
    const so = t * H;
    const hPrev = t > 0 ? h : zeros;
    const hpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      // Reset gate: how much of the old state the candidate may look at.
      const resetGate = sigmoid(ax[ao + j] + ah[j]);
      // Update gate: how much of the old state to keep unchanged.
      const updateGate = sigmoid(ax[ao + H + j] + ah[H + j]);
      const recurrentN = ah[2 * H + j];
      // Candidate: new content, built from the input and the reset-filtered old state.
      const candidate = Math.tanh(ax[ao + 2 * H + j] + resetGate * recurrentN);
      h[so + j] = (1 - updateGate) * candidate + updateGate * hPrev[hpo + j];
      gates[ao + j] = resetGate;
      gates[ao + H + j] = updateGate;
      gates[ao + 2 * H + j] = candidate;
      hn[so + j] = recurrentN;
    }
  },
  stepBackward(f, b, t, zeros) {
    const { H, dh, dax, dah, dhDirect } = b;
    const gates = f.gates;
    const hn = f.hn as Float64Array;
    const G3 = 3 * H;
    const ao = t * G3;
    const so = t * H;
    const hPrev = t > 0 ? f.h : zeros;
    const hpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      const resetGate = gates[ao + j];
      const updateGate = gates[ao + H + j];
      const candidate = gates[ao + 2 * H + j];
      const dH = dh[so + j];
      const dCandidatePre = dH * (1 - updateGate) * tanhDerFromOutput(candidate);
      const dUpdatePre = dH * (hPrev[hpo + j] - candidate) * sigmoidDerFromOutput(updateGate);
      const dResetPre = dCandidatePre * hn[so + j] * sigmoidDerFromOutput(resetGate);
      dax[ao + j] = dResetPre;
      dax[ao + H + j] = dUpdatePre;
      dax[ao + 2 * H + j] = dCandidatePre;
      dah[ao + j] = dResetPre;
      dah[ao + H + j] = dUpdatePre;
      // The recurrent part of n is scaled by r before the tanh.
      dah[ao + 2 * H + j] = dCandidatePre * resetGate;
      dhDirect[j] = dH * updateGate;
    }
  },
};

/** The cells by kind. */
export const CELLS: Record<CellKind, Cell> = { rnn, lstm, gru };
