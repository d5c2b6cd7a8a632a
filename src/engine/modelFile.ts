/**
 * The gatescope model file ("gatescope/model@1"): reading with validation that names the field,
 * and writing back in either layout.
 *
 * A file holds one recurrent layer in PyTorch or Keras layout (see docs/engine.md). The engine
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
import type { CellKind, Model, ModelParams, ParamGrads, TokenizerKind, TokenizerSpec } from './types';

export const MODEL_FORMAT = 'gatescope/model@1';

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

interface RecurrentWeights {
  weightIh: Float64Array;
  weightHh: Float64Array;
  biasIh: Float64Array;
  biasHh: Float64Array;
}

function readWeights(file: JsonObject, layout: ModelLayout, cell: CellKind, D: number, H: number): RecurrentWeights {
  const w = readObject(file, 'weights', 'weights');
  rejectUnknownKeys(w, 'weights', LAYOUT_KEYS[layout].weights, layout);
  const GH = CELLS[cell].blocks * H;
  if (layout === 'pytorch') {
    return {
      weightIh: readMatrix(required(w, 'weight_ih', 'weights.weight_ih'), 'weights.weight_ih', GH, D, 'G*H x D'),
      weightHh: readMatrix(required(w, 'weight_hh', 'weights.weight_hh'), 'weights.weight_hh', GH, H, 'G*H x H'),
      biasIh: readVector(required(w, 'bias_ih', 'weights.bias_ih'), 'weights.bias_ih', GH, 'G*H'),
      biasHh: readVector(required(w, 'bias_hh', 'weights.bias_hh'), 'weights.bias_hh', GH, 'G*H'),
    };
  }
  const kernel = readMatrix(required(w, 'kernel', 'weights.kernel'), 'weights.kernel', D, GH, 'D x G*H');
  const recurrent = readMatrix(
    required(w, 'recurrent_kernel', 'weights.recurrent_kernel'), 'weights.recurrent_kernel', H, GH, 'H x G*H');
  const biasValue = required(w, 'bias', 'weights.bias');
  let biasIh: Float64Array;
  let biasHh: Float64Array;
  if (CELLS[cell].keras.twoBiasRows) {
    // Only the GRU (reset_after=True) keeps two rows; a one-row GRU bias is Keras' other GRU.
    const oneRow = Array.isArray(biasValue) && (
      (biasValue.length === GH && !biasValue.some((v) => Array.isArray(v))) ||
      (biasValue.length === 1 && Array.isArray(biasValue[0]) && biasValue[0].length === GH));
    if (oneRow) {
      throw new ModelFileError('weights.bias', `a one-row bias of 3H = ${GH} values is a Keras GRU with reset_after=False, ` +
        'a different cell (reset gate applied before the recurrent matrix) that gatescope does not support; ' +
        `export the GRU with reset_after=True (the Keras default), whose bias is 2 x ${GH}`);
    }
    const both = readMatrix(biasValue, 'weights.bias', 2, GH, 'reset_after=True GRU: 2 x 3H, input bias then recurrent bias');
    biasIh = swapKerasBlocks(both.subarray(0, GH), cell, H);
    biasHh = swapKerasBlocks(both.subarray(GH), cell, H);
  } else {
    biasIh = readVector(biasValue, 'weights.bias', GH, 'G*H');
    biasHh = new Float64Array(GH);
  }
  return {
    weightIh: fromKerasMatrix(kernel, D, cell, H),
    weightHh: fromKerasMatrix(recurrent, H, cell, H),
    biasIh,
    biasHh,
  };
}

function readHead(file: JsonObject, layout: ModelLayout, H: number): { weight: Float64Array; bias: Float64Array; labels: string[] } {
  const head = readObject(file, 'head', 'head');
  rejectUnknownKeys(head, 'head', LAYOUT_KEYS[layout].head, layout);
  const wKey = layout === 'pytorch' ? 'weight' : 'kernel';
  const wField = `head.${wKey}`;
  const wValue = required(head, wKey, wField);
  const bias = required(head, 'bias', 'head.bias');
  const labels = readStringList(required(head, 'labels', 'head.labels'), 'head.labels');

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
  if (K > MODEL_LIMITS.numClasses) {
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
  return { weight, bias: readVector(bias, 'head.bias', K, 'K'), labels };
}

/**
 * Validates a parsed model file and converts it to the engine's form, also returning its layout.
 * Throws ModelFileError naming the first bad field.
 */
export function parseModelFile(value: unknown): { model: Model; layout: ModelLayout } {
  if (!isObject(value)) throw new ModelFileError('(root)', `expected a JSON object, found ${describe(value)}`);
  const format = own(value, 'format');
  if (format !== MODEL_FORMAT) {
    const found = format === undefined ? 'no format tag' : describe(format);
    throw new ModelFileError('format', `expected ${JSON.stringify(MODEL_FORMAT)}, found ${found}`);
  }
  const nameValue = own(value, 'name');
  const name = nameValue === undefined ? undefined : readString(nameValue, 'name');
  const cell = readChoice<CellKind>(required(value, 'cell', 'cell'), 'cell', CELL_KINDS);
  const layout = readChoice<ModelLayout>(required(value, 'layout', 'layout'), 'layout', MODEL_LAYOUTS);
  const D = readSize(required(value, 'inputSize', 'inputSize'), 'inputSize', MODEL_LIMITS.inputSize);
  const H = readSize(required(value, 'hiddenSize', 'hiddenSize'), 'hiddenSize', MODEL_LIMITS.hiddenSize);
  const tokenizer = readTokenizer(value);
  const V = tokenizer.vocab.length;
  const embedding = readMatrix(required(value, 'embedding', 'embedding'), 'embedding', V, D, 'V x D, V = vocab length');
  const weights = readWeights(value, layout, cell, D, H);
  const head = readHead(value, layout, H);
  const params: ModelParams = {
    cell,
    inputSize: D,
    hiddenSize: H,
    vocabSize: V,
    numClasses: head.labels.length,
    ...weights,
    embedding,
    headWeight: head.weight,
    headBias: head.bias,
  };
  const model: Model = { params, tokenizer, labels: head.labels };
  if (name !== undefined) model.name = name;
  return { model, layout };
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

/** The recurrent weights and head of `p` (parameters or their gradients) in a file layout. */
function layerToFile(p: ModelParams | (ParamGrads & Pick<ModelParams, 'cell' | 'inputSize' | 'hiddenSize' | 'numClasses'>),
  layout: ModelLayout, singleBias: Float64Array): { weights: JsonObject; head: JsonObject } {
  const { cell, inputSize: D, hiddenSize: H, numClasses: K } = p;
  const GH = CELLS[cell].blocks * H;
  if (layout === 'pytorch') {
    return {
      weights: {
        weight_ih: rows(p.weightIh, GH, D),
        weight_hh: rows(p.weightHh, GH, H),
        bias_ih: Array.from(p.biasIh),
        bias_hh: Array.from(p.biasHh),
      },
      head: { weight: rows(p.headWeight, K, H), bias: Array.from(p.headBias) },
    };
  }
  const bias = CELLS[cell].keras.twoBiasRows
    ? [Array.from(swapKerasBlocks(p.biasIh, cell, H)), Array.from(swapKerasBlocks(p.biasHh, cell, H))]
    : Array.from(singleBias);
  return {
    weights: {
      kernel: toKerasMatrix(p.weightIh, D, cell, H),
      recurrent_kernel: toKerasMatrix(p.weightHh, H, cell, H),
      bias,
    },
    head: { kernel: transposeRows(p.headWeight, K, H), bias: Array.from(p.headBias) },
  };
}

/**
 * Writes a model as a "gatescope/model@1" file object in the given layout (for downloads).
 * Keras rnn/lstm have one bias, so bias_ih + bias_hh is written; the cell computes the same.
 */
export function modelToFile(model: Model, layout: ModelLayout): JsonObject {
  const p = model.params;
  const summed = new Float64Array(p.biasIh.length);
  for (let i = 0; i < summed.length; i++) summed[i] = p.biasIh[i] + p.biasHh[i];
  const { weights, head } = layerToFile(p, layout, summed);
  const file: JsonObject = { format: MODEL_FORMAT };
  if (model.name !== undefined) file.name = model.name;
  Object.assign(file, {
    cell: p.cell,
    layout,
    inputSize: p.inputSize,
    hiddenSize: p.hiddenSize,
    weights,
    tokenizer: { ...model.tokenizer, vocab: [...model.tokenizer.vocab] },
    embedding: rows(p.embedding, p.vocabSize, p.inputSize),
    head: { ...head, labels: [...model.labels] },
  });
  return file;
}

/**
 * Parameter gradients in a file layout: the same keys and shapes as that layout's `weights`,
 * `embedding` (V x D) and `head` (without labels). For a Keras rnn/lstm single bias b, both
 * bias_ih and bias_hh enter the cell as b, so dL/db = dL/dbias_ih (= dL/dbias_hh).
 */
export function gradsToFile(params: ModelParams, grads: ParamGrads, layout: ModelLayout):
  { weights: JsonObject; embedding: number[][]; head: JsonObject } {
  const shaped = { ...grads, cell: params.cell, inputSize: params.inputSize, hiddenSize: params.hiddenSize, numClasses: params.numClasses };
  const { weights, head } = layerToFile(shaped, layout, grads.biasIh);
  return { weights, embedding: rows(grads.embedding, params.vocabSize, params.inputSize), head };
}

