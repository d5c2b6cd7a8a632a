/**
 * The gatescope model file ("gatescope/model@1", "gatescope/model@2"): reading with validation that
 * names the field, and writing back in either layout.
 *
 * A @1 file holds one recurrent layer and a label head; a @2 file holds N = numLayers stacked
 * layers (1..4) and a label or next-token head (docs/engine.md), in PyTorch or Keras layout. The engine
 * always works in the PyTorch orientation and gate order, so Keras files are transposed and, for
 * the GRU, reordered on the way in:
 * - lstm: Keras i, f, c, o = PyTorch i, f, g, o (same order); the single Keras bias becomes
 *   bias_ih and bias_hh is zero (only their sum enters the cell).
 * - gru: Keras z, r, h -> PyTorch r, z, n. Keras reset_after=True computes
 *   hh = tanh(x W_h + b_h + r * (h U_h + rb_h)), h' = z * h + (1 - z) * hh, which is PyTorch's
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h with bias row 0 = b_ih
 *   and row 1 = b_hh. reset_after=False (one bias row) is a different cell and is rejected.
 * - rnn: same single block; the single bias becomes bias_ih.
 * Keras' recurrent activation is assumed to be the sigmoid (the tf.keras 2+ default).
 */

import { CELLS, CELL_KINDS } from './cells/index';
import { headKind, layerStack, numLayers } from './types';
import type { CellKind, HeadKind, LayerParams, Model, ModelParams, ParamGrads, TokenizerKind, TokenizerSpec } from './types';

/** The one-layer label format, what a model that needs nothing more is written as. */
export const MODEL_FORMAT = 'gatescope/model@1';
/** Stacked layers and next-token heads. */
export const MODEL_FORMAT_V2 = 'gatescope/model@2';
/** Most stacked layers a file may hold. */
export const MAX_LAYERS = 4;

/**
 * How a file spells its weights: 'single' as @1 (pytorch names without a suffix, one keras
 * object), 'stack' with a layer index (pytorch `_l{k}` names, a keras array of layer objects).
 */
export type WeightsForm = 'single' | 'stack';

export type ModelLayout = 'pytorch' | 'keras';
export const MODEL_LAYOUTS: readonly ModelLayout[] = ['pytorch', 'keras'];

/** Largest sizes a model file may declare (V, H, D, K). */
export const MODEL_LIMITS = { vocabSize: 50000, hiddenSize: 1024, inputSize: 1024, numClasses: 64 } as const;

/** The weight and head keys each layout uses, in file order. */
export const LAYOUT_KEYS: Record<ModelLayout, { weights: readonly string[]; head: readonly string[] }> = {
  pytorch: { weights: ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'], head: ['weight', 'bias', 'labels'] },
  keras: { weights: ['kernel', 'recurrent_kernel', 'bias'], head: ['kernel', 'bias', 'labels'] },
};

/** A model file that cannot be used. `field` is the JSON path of the problem, e.g. "weights.bias_hh". */
export class ModelFileError extends Error {
  readonly field: string;
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'ModelFileError';
    this.field = field;
    this.problem = problem;
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Own properties only, so inherited names ("constructor", "__proto__") never count as present.
function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return JSON.stringify(shown);
}

/** A short description of a value that was not what a field expects, for messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function required(obj: JsonObject, key: string, field: string): unknown {
  const value = own(obj, key);
  if (value === undefined) throw new ModelFileError(field, 'missing');
  return value;
}

function readObject(obj: JsonObject, key: string, field: string): JsonObject {
  const value = required(obj, key, field);
  if (!isObject(value)) throw new ModelFileError(field, `expected an object, found ${describe(value)}`);
  return value;
}

function readString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ModelFileError(field, `expected a string, found ${describe(value)}`);
  return value;
}

function readChoice<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  const expected = choices.map((c) => JSON.stringify(c)).join(', ');
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ModelFileError(field, `expected one of ${expected}, found ${describe(value)}`);
  }
  return value as T;
}

function readSize(value: unknown, field: string, limit: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ModelFileError(field, `expected a positive integer, found ${describe(value)}`);
  }
  if (value > limit) throw new ModelFileError(field, `${value} is more than the limit of ${limit}`);
  return value;
}

function readFinite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelFileError(field, `expected a finite number, found ${describe(value)}`);
  }
  return value;
}

/** The shape of a nested array as found, in words, for "expected ..., found ..." messages. */
function shapeOf(value: unknown[]): string {
  if (value.length === 0) return 'an empty array';
  const rowLengths = value.map((row) => (Array.isArray(row) ? row.length : -1));
  if (rowLengths.every((n) => n === -1)) return `a flat list of ${value.length}`;
  if (rowLengths.some((n) => n === -1)) return `${value.length} rows, some of which are not arrays`;
  const first = rowLengths[0];
  const odd = rowLengths.findIndex((n) => n !== first);
  if (odd === -1) return `${value.length} x ${first}`;
  return `${value.length} rows of unequal length (row 0 has ${first}, row ${odd} has ${rowLengths[odd]})`;
}

/** Reads a rows x cols nested array of finite numbers into a row-major Float64Array. */
function readMatrix(value: unknown, field: string, rows: number, cols: number, dims: string): Float64Array {
  const expected = `expected ${rows} x ${cols} (${dims})`;
  if (!Array.isArray(value)) throw new ModelFileError(field, `${expected}, found ${describe(value)}`);
  const found = shapeOf(value);
  if (found !== `${rows} x ${cols}`) throw new ModelFileError(field, `${expected}, found ${found}`);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r] as unknown[];
    for (let c = 0; c < cols; c++) out[r * cols + c] = readFinite(row[c], `${field}[${r}][${c}]`);
  }
  return out;
}

/** Reads a flat list of n finite numbers. */
function readVector(value: unknown, field: string, n: number, dims: string): Float64Array {
  const expected = `expected ${n} numbers (${dims})`;
  if (!Array.isArray(value)) throw new ModelFileError(field, `${expected}, found ${describe(value)}`);
  if (value.some((v) => Array.isArray(v))) throw new ModelFileError(field, `${expected}, found ${shapeOf(value)}`);
  if (value.length !== n) throw new ModelFileError(field, `${expected}, found ${value.length}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = readFinite(value[i], `${field}[${i}]`);
  return out;
}

function readStringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ModelFileError(field, `expected an array of strings, found ${describe(value)}`);
  return value.map((v, i) => readString(v, `${field}[${i}]`));
}

function rejectDuplicates(list: readonly string[], field: string): void {
  const firstAt = new Map<string, number>();
  list.forEach((entry, i) => {
    const earlier = firstAt.get(entry);
    if (earlier !== undefined) {
      throw new ModelFileError(`${field}[${i}]`, `duplicate entry ${quote(entry)} (also at index ${earlier})`);
    }
    firstAt.set(entry, i);
  });
}

/** Unknown keys are errors, with a hint for the usual slips (a kept _l0 suffix, the other layout's names). */
function rejectUnknownKeys(obj: JsonObject, field: string, allowed: readonly string[], layout: ModelLayout): void {
  const other = layout === 'pytorch' ? 'keras' : 'pytorch';
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const list = allowed.join(', ');
    let hint = '';
    if (key.endsWith('_l0') && allowed.includes(key.slice(0, -3))) hint = `; drop the _l0 suffix (expected ${key.slice(0, -3)})`;
    else if (LAYOUT_KEYS[other].weights.includes(key) || LAYOUT_KEYS[other].head.includes(key)) {
      hint = `; it is a ${other} name, is "layout" right?`;
    }
    throw new ModelFileError(`${field}.${key}`, `unexpected key for layout "${layout}" (expected ${list})${hint}`);
  }
}

// Keras stacks GRU blocks as z, r, h; ours are r, z, n. CELLS[cell].keras.blocks[b] = the Keras
// block holding our block b (the GRU map swaps the first two blocks, so it is its own inverse).

/** Keras (rows x G*H, gates in Keras order) -> PyTorch (G*H x rows, gates in our order). */
function fromKerasMatrix(m: Float64Array, rows: number, cell: CellKind, H: number): Float64Array {
  const G = CELLS[cell].blocks;
  const out = new Float64Array(G * H * rows);
  for (let b = 0; b < G; b++) {
    const kb = CELLS[cell].keras.blocks[b];
    for (let j = 0; j < H; j++) {
      for (let r = 0; r < rows; r++) out[(b * H + j) * rows + r] = m[r * G * H + kb * H + j];
    }
  }
  return out;
}

/** PyTorch (G*H x rows, our gate order) -> Keras rows x G*H as nested arrays. */
function toKerasMatrix(m: Float64Array, rows: number, cell: CellKind, H: number): number[][] {
  const G = CELLS[cell].blocks;
  const out: number[][] = Array.from({ length: rows }, () => new Array<number>(G * H));
  for (let b = 0; b < G; b++) {
    const kb = CELLS[cell].keras.blocks[b];
    for (let j = 0; j < H; j++) {
      for (let r = 0; r < rows; r++) out[r][kb * H + j] = m[(b * H + j) * rows + r];
    }
  }
  return out;
}

/** Reorders a G*H vector between Keras and our gate order (the map is its own inverse). */
function swapKerasBlocks(v: Float64Array, cell: CellKind, H: number): Float64Array {
  const out = new Float64Array(v.length);
  CELLS[cell].keras.blocks.forEach((kb, b) => out.set(v.subarray(kb * H, kb * H + H), b * H));
  return out;
}

function rows(m: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(m.subarray(i * c, i * c + c)));
}

function transposeRows(m: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => m[i * c + j]));
}

function readTokenizer(file: JsonObject): TokenizerSpec {
  const tok = readObject(file, 'tokenizer', 'tokenizer');
  const kind = readChoice<TokenizerKind>(required(tok, 'kind', 'tokenizer.kind'), 'tokenizer.kind', ['word', 'char']);
  const lowercase = required(tok, 'lowercase', 'tokenizer.lowercase');
  if (typeof lowercase !== 'boolean') {
    throw new ModelFileError('tokenizer.lowercase', `expected true or false, found ${describe(lowercase)}`);
  }
  const unk = readString(required(tok, 'unk', 'tokenizer.unk'), 'tokenizer.unk');
  const vocabValue = required(tok, 'vocab', 'tokenizer.vocab');
  if (Array.isArray(vocabValue) && vocabValue.length > MODEL_LIMITS.vocabSize) {
    throw new ModelFileError('tokenizer.vocab', `${vocabValue.length} entries, more than the limit of ${MODEL_LIMITS.vocabSize}`);
  }
  const vocab = readStringList(vocabValue, 'tokenizer.vocab');
  if (vocab.length === 0) throw new ModelFileError('tokenizer.vocab', 'expected at least one entry (the unk token), found an empty array');
  rejectDuplicates(vocab, 'tokenizer.vocab');
  if (!vocab.includes(unk)) throw new ModelFileError('tokenizer.unk', `${quote(unk)} is not in tokenizer.vocab`);
  return { kind, lowercase, unk, vocab };
}

/** One layer's recurrent weights; `In` is D for layer 0 and H above it; `at(key)` names a key's field. */
function readLayer(w: JsonObject, layout: ModelLayout, cell: CellKind, In: number, H: number, k: number,
  key: (name: string) => string, at: (name: string) => string): LayerParams {
  const GH = CELLS[cell].blocks * H;
  // Layer 0 reads the D embedding numbers; a layer above reads the H numbers of the layer below.
  const below = k === 0 ? '' : ', H = the layer below\'s h';
  if (layout === 'pytorch') {
    return {
      weightIh: readMatrix(required(w, key('weight_ih'), at('weight_ih')), at('weight_ih'), GH, In, `G*H x ${k === 0 ? 'D' : 'H'}${below}`),
      weightHh: readMatrix(required(w, key('weight_hh'), at('weight_hh')), at('weight_hh'), GH, H, 'G*H x H'),
      biasIh: readVector(required(w, key('bias_ih'), at('bias_ih')), at('bias_ih'), GH, 'G*H'),
      biasHh: readVector(required(w, key('bias_hh'), at('bias_hh')), at('bias_hh'), GH, 'G*H'),
    };
  }
  const kernel = readMatrix(required(w, 'kernel', at('kernel')), at('kernel'), In, GH, `${k === 0 ? 'D' : 'H'} x G*H${below}`);
  const recurrent = readMatrix(required(w, 'recurrent_kernel', at('recurrent_kernel')), at('recurrent_kernel'), H, GH, 'H x G*H');
  const biasField = at('bias');
  const biasValue = required(w, 'bias', biasField);
  let biasIh: Float64Array;
  let biasHh: Float64Array;
  if (CELLS[cell].keras.twoBiasRows) {
    // Only the GRU (reset_after=True) keeps two rows; a one-row GRU bias is Keras' other GRU.
    const oneRow = Array.isArray(biasValue) && (
      (biasValue.length === GH && !biasValue.some((v) => Array.isArray(v))) ||
      (biasValue.length === 1 && Array.isArray(biasValue[0]) && biasValue[0].length === GH));
    if (oneRow) {
      throw new ModelFileError(biasField, `a one-row bias of 3H = ${GH} values is a Keras GRU with reset_after=False, ` +
        'a different cell (reset gate applied before the recurrent matrix) that gatescope does not support; ' +
        `export the GRU with reset_after=True (the Keras default), whose bias is 2 x ${GH}`);
    }
    const both = readMatrix(biasValue, biasField, 2, GH, 'reset_after=True GRU: 2 x 3H, input bias then recurrent bias');
    biasIh = swapKerasBlocks(both.subarray(0, GH), cell, H);
    biasHh = swapKerasBlocks(both.subarray(GH), cell, H);
  } else {
    biasIh = readVector(biasValue, biasField, GH, 'G*H');
    biasHh = new Float64Array(GH);
  }
  return {
    weightIh: fromKerasMatrix(kernel, In, cell, H),
    weightHh: fromKerasMatrix(recurrent, H, cell, H),
    biasIh,
    biasHh,
  };
}

/** The pytorch keys of an N-layer @2 file: weight_ih_l0 .. bias_hh_l{N-1}. */
function suffixedKeys(N: number): string[] {
  const keys: string[] = [];
  for (let k = 0; k < N; k++) for (const name of LAYOUT_KEYS.pytorch.weights) keys.push(`${name}_l${k}`);
  return keys;
}

/** Rejects a pytorch weights key that is not one of an N-layer stack's, naming a layer index past N. */
function rejectStackKeys(w: JsonObject, N: number): void {
  const allowed = suffixedKeys(N);
  for (const key of Object.keys(w)) {
    if (allowed.includes(key)) continue;
    const m = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)$/.exec(key);
    if (m) {
      throw new ModelFileError(`weights.${key}`, `a key for layer ${m[2]}, but numLayers is ${N} (layers 0..${N - 1})`);
    }
    throw new ModelFileError(`weights.${key}`, `unexpected key for layout "pytorch" with numLayers ${N} (expected ${allowed.join(', ')})`);
  }
}

/** The layers of a file, bottom first, and how their weights are spelled. */
function readWeights(file: JsonObject, layout: ModelLayout, cell: CellKind, D: number, H: number, N: number,
  version: 1 | 2): { layers: LayerParams[]; form: WeightsForm } {
  const value = required(file, 'weights', 'weights');
  const inputOf = (k: number) => (k === 0 ? D : H);
  if (layout === 'keras') {
    if (Array.isArray(value) && version === 2) {
      if (value.length !== N) {
        throw new ModelFileError('weights', `expected an array of ${N} layer objects (numLayers ${N}), found ${value.length}`);
      }
      const layers = value.map((entry, k) => {
        const field = `weights[${k}]`;
        if (!isObject(entry)) throw new ModelFileError(field, `expected an object {kernel, recurrent_kernel, bias}, found ${describe(entry)}`);
        rejectUnknownKeys(entry, field, LAYOUT_KEYS.keras.weights, layout);
        return readLayer(entry, layout, cell, inputOf(k), H, k, (n) => n, (n) => `${field}.${n}`);
      });
      return { layers, form: 'stack' };
    }
    if (!isObject(value)) throw new ModelFileError('weights', `expected an object, found ${describe(value)}`);
    if (N !== 1) {
      throw new ModelFileError('weights', `expected an array of ${N} layer objects (numLayers ${N}), found one object`);
    }
    rejectUnknownKeys(value, 'weights', LAYOUT_KEYS.keras.weights, layout);
    return { layers: [readLayer(value, layout, cell, D, H, 0, (n) => n, (n) => `weights.${n}`)], form: 'single' };
  }
  if (!isObject(value)) throw new ModelFileError('weights', `expected an object, found ${describe(value)}`);
  // pytorch: @1 and a one-layer @2 file may use the unsuffixed names; a @2 file may use _l{k}.
  const suffixed = version === 2 && Object.keys(value).some((key) => /_l\d+$/.test(key));
  if (!suffixed) {
    if (version === 2 && N > 1) {
      const missing = `${LAYOUT_KEYS.pytorch.weights[0]}_l0`;
      throw new ModelFileError(`weights.${missing}`, `missing (numLayers ${N} needs the state_dict names weight_ih_l0 .. bias_hh_l${N - 1})`);
    }
    rejectUnknownKeys(value, 'weights', LAYOUT_KEYS.pytorch.weights, layout);
    return { layers: [readLayer(value, layout, cell, D, H, 0, (n) => n, (n) => `weights.${n}`)], form: 'single' };
  }
  rejectStackKeys(value, N);
  const layers: LayerParams[] = [];
  for (let k = 0; k < N; k++) {
    layers.push(readLayer(value, layout, cell, inputOf(k), H, k, (n) => `${n}_l${k}`, (n) => `weights.${n}_l${k}`));
  }
  return { layers, form: 'stack' };
}

function readHead(file: JsonObject, layout: ModelLayout, H: number, version: 1 | 2, vocab: readonly string[]):
  { weight: Float64Array; bias: Float64Array; labels: string[]; predicts: HeadKind } {
  const head = readObject(file, 'head', 'head');
  const allowed = version === 2 ? [...LAYOUT_KEYS[layout].head, 'predicts'] : LAYOUT_KEYS[layout].head;
  rejectUnknownKeys(head, 'head', allowed, layout);
  const predictsValue = own(head, 'predicts');
  const predicts = predictsValue === undefined
    ? 'label'
    : readChoice<HeadKind>(predictsValue, 'head.predicts', ['label', 'next-token']);
  const wKey = layout === 'pytorch' ? 'weight' : 'kernel';
  const wField = `head.${wKey}`;
  const wValue = required(head, wKey, wField);
  const bias = required(head, 'bias', 'head.bias');
  // A language model's outputs are the vocabulary; its labels may be left out.
  const labelsValue = predicts === 'next-token' ? own(head, 'labels') ?? [...vocab] : required(head, 'labels', 'head.labels');
  const labels = readStringList(labelsValue, 'head.labels');
  if (predicts === 'next-token' && Array.isArray(wValue)) {
    const shape = shapeOf(wValue);
    const m = /^(\d+) x (\d+)$/.exec(shape);
    const kW = m ? Number(layout === 'pytorch' ? m[1] : m[2]) : -1;
    if (m && kW !== vocab.length) {
      const shown = layout === 'pytorch' ? `${vocab.length} x ${H}` : `${H} x ${vocab.length}`;
      throw new ModelFileError(wField, `a next-token head predicts one of the V = ${vocab.length} vocabulary entries, so K must be V: expected ${shown}, found ${shape}`);
    }
  }

  // K is read off all three fields; when they disagree, the odd one out is the one reported.
  const wDims = layout === 'pytorch' ? 'K x H' : 'H x K';
  if (!Array.isArray(wValue)) throw new ModelFileError(wField, `expected a ${wDims} nested array, found ${describe(wValue)}`);
  const wShape = shapeOf(wValue);
  const wMatch = /^(\d+) x (\d+)$/.exec(wShape);
  const wRows = wMatch ? Number(wMatch[1]) : -1;
  const wCols = wMatch ? Number(wMatch[2]) : -1;
  const hSide = layout === 'pytorch' ? wCols : wRows;
  if (!wMatch || hSide !== H) {
    const shown = layout === 'pytorch' ? `K x ${H}` : `${H} x K`;
    throw new ModelFileError(wField, `expected ${shown} (${wDims}, H = hiddenSize), found ${wShape}`);
  }
  const kW = layout === 'pytorch' ? wRows : wCols;
  if (!Array.isArray(bias)) throw new ModelFileError('head.bias', `expected a list of K numbers, found ${describe(bias)}`);
  const kB = bias.length;
  const kL = labels.length;
  if (kL === 0) throw new ModelFileError('head.labels', 'expected at least one label, found an empty array');
  if (!(kW === kB && kB === kL)) {
    if (kW === kB) {
      throw new ModelFileError('head.labels', `expected ${kW} labels (K, the size of ${wField} and head.bias), found ${kL}`);
    }
    if (kW === kL) throw new ModelFileError('head.bias', `expected ${kL} numbers (K, one per label), found ${kB}`);
    const shown = layout === 'pytorch' ? `${kL} x ${H}` : `${H} x ${kL}`;
    throw new ModelFileError(wField, `expected ${shown} (${wDims}, K = ${kL} labels), found ${wShape}`);
  }
  const K = kL;
  if (predicts === 'label' && K > MODEL_LIMITS.numClasses) {
    throw new ModelFileError('head.labels', `${K} classes, more than the limit of ${MODEL_LIMITS.numClasses}`);
  }
  rejectDuplicates(labels, 'head.labels');
  const fileWeight = layout === 'pytorch'
    ? readMatrix(wValue, wField, K, H, wDims)
    : readMatrix(wValue, wField, H, K, wDims);
  // Keras' head kernel is H x K; ours is K x H.
  const weight = layout === 'pytorch' ? fileWeight : new Float64Array(K * H);
  if (layout === 'keras') {
    for (let k = 0; k < K; k++) for (let j = 0; j < H; j++) weight[k * H + j] = fileWeight[j * K + k];
  }
  return { weight, bias: readVector(bias, 'head.bias', K, 'K'), labels, predicts };
}

/**
 * Validates a parsed model file and converts it to the engine's form, also returning its layout.
 * Throws ModelFileError naming the first bad field.
 */
export function parseModelFile(value: unknown): { model: Model; layout: ModelLayout; weightsForm: WeightsForm } {
  if (!isObject(value)) throw new ModelFileError('(root)', `expected a JSON object, found ${describe(value)}`);
  const format = own(value, 'format');
  if (format !== MODEL_FORMAT && format !== MODEL_FORMAT_V2) {
    const found = format === undefined ? 'no format tag' : describe(format);
    throw new ModelFileError('format', `expected ${JSON.stringify(MODEL_FORMAT)} or ${JSON.stringify(MODEL_FORMAT_V2)}, found ${found}`);
  }
  const version = format === MODEL_FORMAT_V2 ? 2 : 1;
  const nameValue = own(value, 'name');
  const name = nameValue === undefined ? undefined : readString(nameValue, 'name');
  const exampleValue = own(value, 'example');
  const example = exampleValue === undefined ? undefined : readString(exampleValue, 'example');
  const layersValue = version === 2 ? own(value, 'numLayers') : undefined;
  if (layersValue !== undefined && (typeof layersValue !== 'number' || !Number.isInteger(layersValue) ||
    layersValue < 1 || layersValue > MAX_LAYERS)) {
    throw new ModelFileError('numLayers', `expected an integer from 1 to ${MAX_LAYERS}, found ${describe(layersValue)}`);
  }
  const N = layersValue === undefined ? 1 : layersValue;
  const cell = readChoice<CellKind>(required(value, 'cell', 'cell'), 'cell', CELL_KINDS);
  const layout = readChoice<ModelLayout>(required(value, 'layout', 'layout'), 'layout', MODEL_LAYOUTS);
  const D = readSize(required(value, 'inputSize', 'inputSize'), 'inputSize', MODEL_LIMITS.inputSize);
  const H = readSize(required(value, 'hiddenSize', 'hiddenSize'), 'hiddenSize', MODEL_LIMITS.hiddenSize);
  const tokenizer = readTokenizer(value);
  const V = tokenizer.vocab.length;
  const embedding = readMatrix(required(value, 'embedding', 'embedding'), 'embedding', V, D, 'V x D, V = vocab length');
  const { layers, form } = readWeights(value, layout, cell, D, H, N, version);
  const head = readHead(value, layout, H, version, tokenizer.vocab);
  const params: ModelParams = {
    cell,
    inputSize: D,
    hiddenSize: H,
    vocabSize: V,
    numClasses: head.labels.length,
    ...layers[0],
    embedding,
    headWeight: head.weight,
    headBias: head.bias,
  };
  if (N > 1) params.upperLayers = layers.slice(1);
  if (head.predicts === 'next-token') params.predicts = 'next-token';
  const model: Model = { params, tokenizer, labels: head.labels };
  if (name !== undefined) model.name = name;
  if (example !== undefined) model.example = example;
  return { model, layout, weightsForm: form };
}

/** Validates a parsed model file (any JSON value) and converts it. Throws ModelFileError. */
export function parseModelJson(value: unknown): Model {
  return parseModelFile(value).model;
}

/** JSON.parse that reports bad JSON as ModelFileError with field "(json)"; a leading BOM is ignored. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ModelFileError('(json)', `not valid JSON: ${reason.replace(/\s*\n\s*/g, ' ')}`);
  }
}

/** Parses and validates the text of a model file. Throws ModelFileError. */
export function parseModelText(text: string): Model {
  return parseModelJson(parseJsonText(text));
}

type Shaped = Pick<ModelParams, 'cell' | 'inputSize' | 'hiddenSize' | 'numClasses'>;

/** One layer's recurrent weights (or their gradients) in a file layout; `In` = D for layer 0, H above. */
function layerToFile(w: LayerParams, cell: CellKind, In: number, H: number, layout: ModelLayout, singleBias: Float64Array): JsonObject {
  const GH = CELLS[cell].blocks * H;
  if (layout === 'pytorch') {
    return {
      weight_ih: rows(w.weightIh, GH, In),
      weight_hh: rows(w.weightHh, GH, H),
      bias_ih: Array.from(w.biasIh),
      bias_hh: Array.from(w.biasHh),
    };
  }
  const bias = CELLS[cell].keras.twoBiasRows
    ? [Array.from(swapKerasBlocks(w.biasIh, cell, H)), Array.from(swapKerasBlocks(w.biasHh, cell, H))]
    : Array.from(singleBias);
  return {
    kernel: toKerasMatrix(w.weightIh, In, cell, H),
    recurrent_kernel: toKerasMatrix(w.weightHh, H, cell, H),
    bias,
  };
}

/**
 * Every layer's weights in a file layout and form ('single': @1's one object; 'stack': pytorch
 * `_l{k}` keys, a keras array), with `bias(w)` the single Keras bias of a layer.
 */
function stackToFile(stack: LayerParams[], shape: Shaped, layout: ModelLayout, form: WeightsForm,
  bias: (w: LayerParams) => Float64Array): JsonObject | JsonObject[] {
  const { cell, inputSize: D, hiddenSize: H } = shape;
  const files = stack.map((w, k) => layerToFile(w, cell, k === 0 ? D : H, H, layout, bias(w)));
  if (form === 'single') return files[0];
  if (layout === 'keras') return files;
  const out: JsonObject = {};
  files.forEach((f, k) => {
    for (const [key, v] of Object.entries(f)) out[`${key}_l${k}`] = v;
  });
  return out;
}

function headToFile(p: { headWeight: Float64Array; headBias: Float64Array }, K: number, H: number, layout: ModelLayout): JsonObject {
  return layout === 'pytorch'
    ? { weight: rows(p.headWeight, K, H), bias: Array.from(p.headBias) }
    : { kernel: transposeRows(p.headWeight, K, H), bias: Array.from(p.headBias) };
}

/** The sum b_ih + b_hh, the one bias a Keras rnn/lstm keeps (the cell computes the same). */
function summedBias(w: LayerParams): Float64Array {
  const summed = new Float64Array(w.biasIh.length);
  for (let i = 0; i < summed.length; i++) summed[i] = w.biasIh[i] + w.biasHh[i];
  return summed;
}

/** True when a model needs "gatescope/model@2": stacked layers or a next-token head. */
function needsVersion2(p: ModelParams): boolean {
  return numLayers(p) > 1 || headKind(p) === 'next-token';
}

/**
 * Writes a model as a file object in the given layout (for downloads): "gatescope/model@1" for one
 * layer and a label head (so such files round-trip unchanged), else "gatescope/model@2" with
 * `_l{k}` keys (pytorch) or an array of layers (keras).
 * Keras rnn/lstm have one bias, so bias_ih + bias_hh is written; the cell computes the same.
 */
export function modelToFile(model: Model, layout: ModelLayout): JsonObject {
  const p = model.params;
  const v2 = needsVersion2(p);
  const weights = stackToFile(layerStack(p), p, layout, v2 ? 'stack' : 'single', summedBias);
  const head: JsonObject = headToFile(p, p.numClasses, p.hiddenSize, layout);
  const file: JsonObject = { format: v2 ? MODEL_FORMAT_V2 : MODEL_FORMAT };
  if (model.name !== undefined) file.name = model.name;
  if (model.example !== undefined) file.example = model.example;
  Object.assign(file, { cell: p.cell, layout });
  if (v2) file.numLayers = numLayers(p);
  Object.assign(file, {
    inputSize: p.inputSize,
    hiddenSize: p.hiddenSize,
    weights,
    tokenizer: { ...model.tokenizer, vocab: [...model.tokenizer.vocab] },
    embedding: rows(p.embedding, p.vocabSize, p.inputSize),
  });
  const labelsAreVocab = model.labels.length === model.tokenizer.vocab.length && model.labels.every((l, i) => l === model.tokenizer.vocab[i]);
  if (headKind(p) === 'next-token') {
    file.head = labelsAreVocab ? { ...head, predicts: 'next-token' } : { ...head, labels: [...model.labels], predicts: 'next-token' };
  } else {
    file.head = { ...head, labels: [...model.labels] };
  }
  return file;
}

/**
 * Parameter gradients in a file layout: the same keys, nesting and shapes as that layout's
 * `weights` (in `form`; default 'stack' for more than one layer, else 'single'), `embedding`
 * (V x D) and `head` (without labels and predicts). For a Keras rnn/lstm single bias b, both
 * bias_ih and bias_hh enter the cell as b, so dL/db = dL/dbias_ih (= dL/dbias_hh).
 */
export function gradsToFile(params: ModelParams, grads: ParamGrads, layout: ModelLayout, form?: WeightsForm):
  { weights: JsonObject | JsonObject[]; embedding: number[][]; head: JsonObject } {
  const chosen = form ?? (numLayers(params) > 1 ? 'stack' : 'single');
  const weights = stackToFile(layerStack(grads), params, layout, chosen, (w) => w.biasIh);
  return { weights, embedding: rows(grads.embedding, params.vocabSize, params.inputSize), head: headToFile(grads, params.numClasses, params.hiddenSize, layout) };
}
