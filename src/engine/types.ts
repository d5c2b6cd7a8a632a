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

/** What the head predicts: a label from the top layer's last h, or the next token at every step (K = V). */
export type HeadKind = 'label' | 'next-token';

/** The recurrent weights of one layer. In = D for layer 0, H for the layers above it. */
export interface LayerParams {
  /** (G*H) x In */
  weightIh: Float64Array;
  /** (G*H) x H */
  weightHh: Float64Array;
  /** G*H */
  biasIh: Float64Array;
  /** G*H */
  biasHh: Float64Array;
}

/**
 * Parameters of embedding -> N stacked recurrent layers -> linear head.
 * D = inputSize, H = hiddenSize, G = CELLS[cell].blocks, V = vocabSize, K = numClasses.
 *
 * The bottom layer's weights are the flat fields (weightIh .. biasHh), as they were when there was
 * one layer, so every one-layer path reads them unchanged; `upperLayers` holds layers 1 .. N-1
 * (absent or empty: N = 1). `layerStack(params)` gives the whole stack as one list, bottom first.
 */
export interface ModelParams extends LayerParams {
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
  /** layers 1 .. N-1, each reading the h_t of the layer below (weightIh G*H x H); absent: N = 1 */
  upperLayers?: LayerParams[];
  /** what the head predicts; absent: 'label' */
  predicts?: HeadKind;
}

/** Gradients of the loss with respect to every parameter, same shapes as ModelParams. */
export interface ParamGrads extends LayerParams {
  embedding: Float64Array;
  headWeight: Float64Array;
  headBias: Float64Array;
  /** layers 1 .. N-1 (present when the params have them) */
  upperLayers?: LayerParams[];
}

/** The stack of layers, bottom first: the flat fields of `p` are layer 0 (see ModelParams). */
export function layerStack(p: LayerParams & { upperLayers?: LayerParams[] }): LayerParams[] {
  const bottom: LayerParams = { weightIh: p.weightIh, weightHh: p.weightHh, biasIh: p.biasIh, biasHh: p.biasHh };
  return p.upperLayers && p.upperLayers.length > 0 ? [bottom, ...p.upperLayers] : [bottom];
}

/** N, the number of stacked layers. */
export function numLayers(p: { upperLayers?: LayerParams[] }): number {
  return 1 + (p.upperLayers?.length ?? 0);
}

/** What the head of `p` predicts ('label' when not said). */
export function headKind(p: { predicts?: HeadKind }): HeadKind {
  return p.predicts ?? 'label';
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
  /** K strings, one per head output (a next-token model: the vocabulary) */
  labels: string[];
  /** a sentence the app shows first with this model (the file's optional `example`) */
  example?: string;
}

/** One layer's part of a forward pass (T = steps, H = hidden size). */
export interface LayerTrace {
  /** T x H hidden state after each step */
  h: Float64Array;
  /** T x H cell state (lstm), else null */
  c: Float64Array | null;
  /** T x (G*H) post-activation gates, blocks in GATE_NAMES order (rnn: empty) */
  gates: Float64Array;
  /** gru: T x H, W_hn h_{t-1} + b_hn; else null */
  hn: Float64Array | null;
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
  /**
   * Every layer, bottom first (N entries). The flat h, c, gates, hn below are the top layer's (the
   * same arrays as layers[N-1]): what the views and the head read.
   */
  layers: LayerTrace[];
  /** T x H top layer's hidden state after each step */
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
 * Backpropagation through time of the loss (label head: -log softmax(W h_T + b)[target]; next-token
 * head: the mean over t = 0..T-2 of -log softmax(W h_t + b)[ids[t+1]], or step lossStep's term):
 * the derivatives with respect to the states and inputs of every step (what the visualizer draws).
 */
export interface StateGrads {
  /** the label head's target class (a next-token head: -1) */
  target: number;
  /** a next-token head: the one step whose term is the loss, or null for the mean over all steps */
  lossStep: number | null;
  loss: number;
  /** T x H top layer's total derivative dL/dh_t (all paths through later steps) */
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
  /** every layer's dL/dh_t, dL/dc_t and their norms, bottom first; the flat dh .. dcNorm are the top layer's */
  layers: LayerStateGrads[];
}

/** One layer's state derivatives (T x H each; c: lstm only). */
export interface LayerStateGrads {
  dh: Float64Array;
  dc: Float64Array | null;
  dhNorm: Float64Array;
  dcNorm: Float64Array | null;
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
