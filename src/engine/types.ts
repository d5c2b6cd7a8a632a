/**
 * The engine's data types. Every array is a Float64Array in row-major order; shapes are given as
 * `rows x cols` in the comments. Internally the engine always uses the PyTorch orientation and
 * gate order; the model-file reader converts Keras files on the way in.
 */

/**
 * The recurrent cells the engine implements. Each kind has one descriptor in cells/ (gate names,
 * state arrays, step, step backward, Jacobian); `CELLS` there is keyed by this union, so a kind
 * added here makes the compiler ask for its descriptor and its view.
 */
export type CellKind = 'rnn' | 'lstm' | 'gru';

// Read off the descriptors (cells/index.ts); re-exported here for the code that imports them from types.
export { BLOCKS, CELL_KINDS, CELL_LABEL, GATE_NAMES } from './cells/index';

/**
 * Parameters of embedding -> one recurrent layer -> linear classifier on the last hidden state.
 * D = inputSize, H = hiddenSize, G = CELLS[cell].blocks, V = vocabSize, K = numClasses.
 */
export interface ModelParams {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  vocabSize: number;
  numClasses: number;
  /** (G*H) x D */
  weightIh: Float64Array;
  /** (G*H) x H */
  weightHh: Float64Array;
  /** G*H */
  biasIh: Float64Array;
  /** G*H */
  biasHh: Float64Array;
  /** V x D */
  embedding: Float64Array;
  /** K x H */
  headWeight: Float64Array;
  /** K */
  headBias: Float64Array;
}

/** Gradients of the loss with respect to every parameter, same shapes as ModelParams. */
export interface ParamGrads {
  weightIh: Float64Array;
  weightHh: Float64Array;
  biasIh: Float64Array;
  biasHh: Float64Array;
  embedding: Float64Array;
  headWeight: Float64Array;
  headBias: Float64Array;
}

export type TokenizerKind = 'word' | 'char';

export interface TokenizerSpec {
  kind: TokenizerKind;
  lowercase: boolean;
  unk: string;
  vocab: string[];
}

/** A complete model: parameters plus the tokenizer and the head's labels. */
export interface Model {
  name?: string;
  params: ModelParams;
  tokenizer: TokenizerSpec;
  /** K strings, one per head output */
  labels: string[];
}

/** The forward pass over one sequence. T = number of steps. */
export interface ForwardTrace {
  cell: CellKind;
  T: number;
  H: number;
  D: number;
  K: number;
  /** T token ids fed at each step */
  ids: Int32Array;
  /** T x D the embedding row fed at each step */
  x: Float64Array;
  /** T x H hidden state after each step */
  h: Float64Array;
  /** T x H cell state after each step (cells that keep c: lstm; else null) */
  c: Float64Array | null;
  /** T x (G*H) post-activation gate values, blocks in GATE_NAMES order (rnn: T x 0, empty) */
  gates: Float64Array;
  /** cells that keep hn (gru): T x H, W_hn h_{t-1} + b_hn (needed by backward); else null */
  hn: Float64Array | null;
  /** T x K head logits applied to h_t after each prefix (the prediction track) */
  logitsPerStep: Float64Array;
  /** T x K softmax of logitsPerStep */
  probsPerStep: Float64Array;
  /** K logits on the last hidden state h_T */
  logits: Float64Array;
  /** K softmax(logits) */
  probs: Float64Array;
  /** argmax of probs */
  predicted: number;
}

/**
 * Backpropagation through time of -log softmax(W h_T + b)[target]: the derivatives with respect to
 * the states and inputs of every step (what the visualizer draws).
 */
export interface StateGrads {
  target: number;
  loss: number;
  /** T x H total derivative dL/dh_t (all paths through later steps) */
  dh: Float64Array;
  /** T x H total derivative dL/dc_t (lstm only, else null) */
  dc: Float64Array | null;
  /** T x D dL/dx_t, x_t = embedding row fed at step t (with `inputGrads: 'on-read'` formed when first read) */
  dx: Float64Array;
  /** T: ||dL/dh_t||_2 */
  dhNorm: Float64Array;
  /** T: ||dL/dc_t||_2 (lstm only, else null) */
  dcNorm: Float64Array | null;
  /** T: ||dL/dx_t||_2 */
  dxNorm: Float64Array;
}

/** The full backward pass: the state derivatives and the gradient of every parameter (training). */
export interface BackwardResult extends StateGrads {
  params: ParamGrads;
}

/**
 * Per-step one-step Jacobian norms (spectral norm, i.e. largest singular value).
 * h[t] = ||d h_t / d h_{t-1}||_2 as a partial derivative (for lstm with c_{t-1} held fixed);
 * c[t] = ||d c_t / d c_{t-1}||_2 with h_{t-1} held fixed = max_j |f_t[j]| (lstm only).
 * Step 0 is taken with respect to the zero initial state.
 */
export interface JacobianNorms {
  h: Float64Array;
  c: Float64Array | null;
}
