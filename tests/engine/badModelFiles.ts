/**
 * Bad model files, one per way a file can be wrong: each is a fixture with one edit, the field the
 * error must name and a pattern its message must match. Shared by the parser and trace CLI tests.
 */
import { MODEL_LIMITS } from '../../src/engine/modelFile';

type Json = ReturnType<typeof JSON.parse>;

export interface BadCase {
  what: string;
  field: string;
  message: RegExp;
  file?: string;
  edit?: (f: Json) => void;
  value?: unknown;
  /** also run through the trace CLI (one case per class, to keep the spawned processes few) */
  cli?: boolean;
}

const big = (n: number): number[] => new Array(n).fill(0);
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * Turns a one-layer fixture into an N-layer "gatescope/model@2" file in place: pytorch `_l{k}` keys
 * or a keras array, every layer above 0 reading H numbers (its input weights a copy of the recurrent ones).
 */
export function stackFixture(f: Json, N = 2): Json {
  f.format = 'gatescope/model@2';
  f.numLayers = N;
  const w = f.weights;
  if (f.layout === 'keras') {
    f.weights = Array.from({ length: N }, (_, k) => ({ ...copy(w), kernel: copy(k === 0 ? w.kernel : w.recurrent_kernel) }));
    return f;
  }
  const out: Record<string, unknown> = {};
  for (let k = 0; k < N; k++) {
    out[`weight_ih_l${k}`] = copy(k === 0 ? w.weight_ih : w.weight_hh);
    out[`weight_hh_l${k}`] = copy(w.weight_hh);
    out[`bias_ih_l${k}`] = copy(w.bias_ih);
    out[`bias_hh_l${k}`] = copy(w.bias_hh);
  }
  f.weights = out;
  return f;
}

/** Turns a pytorch fixture into a one-layer next-token "gatescope/model@2" file in place (K = V, no labels). */
export function nextTokenFixture(f: Json): Json {
  f.format = 'gatescope/model@2';
  const V = f.tokenizer.vocab.length;
  const H = f.hiddenSize;
  f.head = {
    weight: Array.from({ length: V }, (_, v) => Array.from({ length: H }, (_, j) => Math.sin(1 + v * H + j) * 0.8)),
    bias: Array.from({ length: V }, (_, v) => Math.cos(v) * 0.1),
    predicts: 'next-token',
  };
  return f;
}

export const BAD_CASES: BadCase[] = [
  { what: 'a value that is not an object', cli: true, field: '(root)', message: /expected a JSON object, found an array/, value: [1, 2] },
  { what: 'a missing format tag', cli: true, field: 'format', message: /expected "gatescope\/model@1" or "gatescope\/model@2", found no format tag/, edit: (f) => delete f.format },
  { what: 'a wrong format tag', field: 'format', message: /found the string "gatescope\/model@3"/, edit: (f) => { f.format = 'gatescope/model@3'; } },
  { what: 'an unknown cell', cli: true, field: 'cell', message: /expected one of "rnn", "lstm", "gru", found the string "transformer"/, edit: (f) => { f.cell = 'transformer'; } },
  { what: 'a missing cell', field: 'cell', message: /missing/, edit: (f) => delete f.cell },
  { what: 'an unknown layout', cli: true, field: 'layout', message: /expected one of "pytorch", "keras", found the string "jax"/, edit: (f) => { f.layout = 'jax'; } },
  { what: 'a hidden size that is not a positive integer', cli: true, field: 'hiddenSize', message: /expected a positive integer, found the number 2.5/, edit: (f) => { f.hiddenSize = 2.5; } },
  { what: 'an input size of zero', field: 'inputSize', message: /expected a positive integer, found the number 0/, edit: (f) => { f.inputSize = 0; } },
  { what: 'an input size given as a string', field: 'inputSize', message: /positive integer, found the string "4"/, edit: (f) => { f.inputSize = '4'; } },
  { what: 'a hidden size above the limit', cli: true, field: 'hiddenSize', message: /1025 is more than the limit of 1024/, edit: (f) => { f.hiddenSize = 1025; } },
  { what: 'an input size above the limit', field: 'inputSize', message: /2000 is more than the limit of 1024/, edit: (f) => { f.inputSize = 2000; } },
  { what: 'missing weights', field: 'weights', message: /missing/, edit: (f) => delete f.weights },
  { what: 'a missing weight matrix', cli: true, field: 'weights.weight_hh', message: /missing/, edit: (f) => delete f.weights.weight_hh },
  {
    what: 'a recurrent matrix one column short', cli: true, field: 'weights.weight_hh', message: /^weights\.weight_hh: expected 20 x 5 \(G\*H x H\), found 20 x 4$/,
    edit: (f) => f.weights.weight_hh.forEach((row: number[]) => row.pop()),
  },
  {
    what: 'a matrix with rows of unequal length', field: 'weights.weight_ih', message: /expected 20 x 4 \(G\*H x D\), found 20 rows of unequal length \(row 0 has 4, row 7 has 3\)/,
    edit: (f) => f.weights.weight_ih[7].pop(),
  },
  { what: 'a bias of the wrong length', field: 'weights.bias_ih', message: /expected 20 numbers \(G\*H\), found 19/, edit: (f) => f.weights.bias_ih.pop() },
  { what: 'a bias written as a matrix', field: 'weights.bias_hh', message: /expected 20 numbers \(G\*H\), found 1 x 20/, edit: (f) => { f.weights.bias_hh = [f.weights.bias_hh]; } },
  {
    what: 'a state_dict key that kept its _l0 suffix', field: 'weights.weight_ih_l0', message: /drop the _l0 suffix/,
    edit: (f) => { f.weights.weight_ih_l0 = f.weights.weight_ih; delete f.weights.weight_ih; },
  },
  {
    what: 'Keras weight names in a PyTorch-layout file', field: 'weights.kernel', message: /it is a keras name, is "layout" right\?/,
    edit: (f) => { f.weights.kernel = f.weights.weight_ih; },
  },
  { what: 'a null inside the embedding', cli: true, field: 'embedding[3][2]', message: /expected a finite number, found null/, edit: (f) => { f.embedding[3][2] = null; } },
  { what: 'a number written as a string', field: 'weights.weight_ih[0][1]', message: /found the string "0.5"/, edit: (f) => { f.weights.weight_ih[0][1] = '0.5'; } },
  { what: 'NaN in a weight', field: 'weights.bias_hh[4]', message: /found NaN/, edit: (f) => { f.weights.bias_hh[4] = NaN; } },
  { what: 'an infinite head weight', field: 'head.weight[1][0]', message: /found -Infinity/, edit: (f) => { f.head.weight[1][0] = -Infinity; } },
  { what: 'an unk token missing from the vocabulary', cli: true, field: 'tokenizer.unk', message: /"<oov>" is not in tokenizer.vocab/, edit: (f) => { f.tokenizer.unk = '<oov>'; } },
  {
    what: 'an embedding with fewer rows than the vocabulary', cli: true, field: 'embedding', message: /^embedding: expected 12 x 4 \(V x D, V = vocab length\), found 11 x 4$/,
    edit: (f) => f.embedding.pop(),
  },
  { what: 'a duplicated vocabulary entry', cli: true, field: 'tokenizer.vocab[5]', message: /duplicate entry "the" \(also at index 1\)/, edit: (f) => { f.tokenizer.vocab[5] = 'the'; } },
  { what: 'a vocabulary entry that is not a string', field: 'tokenizer.vocab[2]', message: /expected a string, found the number 7/, edit: (f) => { f.tokenizer.vocab[2] = 7; } },
  { what: 'an empty vocabulary', field: 'tokenizer.vocab', message: /at least one entry/, edit: (f) => { f.tokenizer.vocab = []; } },
  {
    what: 'a vocabulary above the limit', field: 'tokenizer.vocab', message: /50001 entries, more than the limit of 50000/,
    edit: (f) => { f.tokenizer.vocab = Array.from({ length: MODEL_LIMITS.vocabSize + 1 }, (_, i) => `w${i}`); },
  },
  { what: 'an unknown tokenizer kind', field: 'tokenizer.kind', message: /expected one of "word", "char", found the string "bpe"/, edit: (f) => { f.tokenizer.kind = 'bpe'; } },
  { what: 'a missing lowercase flag', field: 'tokenizer.lowercase', message: /missing/, edit: (f) => delete f.tokenizer.lowercase },
  { what: 'a missing tokenizer', field: 'tokenizer', message: /missing/, edit: (f) => delete f.tokenizer },
  { what: 'more labels than head outputs', cli: true, field: 'head.labels', message: /expected 2 labels \(K, the size of head.weight and head.bias\), found 3/, edit: (f) => f.head.labels.push('neutral') },
  { what: 'a head bias of the wrong length', field: 'head.bias', message: /expected 2 numbers \(K, one per label\), found 3/, edit: (f) => f.head.bias.push(0) },
  {
    what: 'a head weight with an extra row', field: 'head.weight', message: /expected 2 x 5 \(K x H, K = 2 labels\), found 3 x 5/,
    edit: (f) => f.head.weight.push([0, 0, 0, 0, 0]),
  },
  {
    what: 'a head weight that does not match the hidden size', field: 'head.weight', message: /expected K x 5 \(K x H, H = hiddenSize\), found 2 x 4/,
    edit: (f) => f.head.weight.forEach((row: number[]) => row.pop()),
  },
  {
    what: 'more classes than the limit', field: 'head.labels', message: /65 classes, more than the limit of 64/,
    edit: (f) => {
      f.head.labels = Array.from({ length: 65 }, (_, i) => `c${i}`);
      f.head.bias = big(65);
      f.head.weight = Array.from({ length: 65 }, () => big(5));
    },
  },
  { what: 'a duplicated label', field: 'head.labels[1]', message: /duplicate entry "negative"/, edit: (f) => { f.head.labels[1] = 'negative'; } },
  { what: 'a missing head', field: 'head', message: /missing/, edit: (f) => delete f.head },
  { what: 'a name that is not a string', field: 'name', message: /expected a string, found the number 3/, edit: (f) => { f.name = 3; } },
  {
    what: 'a Keras GRU with a one-row bias (reset_after=False)', cli: true, field: 'weights.bias', file: 'gru-keras.json',
    message: /reset_after=False, a different cell .* not support.*reset_after=True/, edit: (f) => { f.weights.bias = f.weights.bias[0]; },
  },
  {
    what: 'a Keras GRU with a one-row bias written as a 1 x 3H matrix', field: 'weights.bias', file: 'gru-keras.json',
    message: /reset_after=False/, edit: (f) => { f.weights.bias = [f.weights.bias[0]]; },
  },
  {
    what: 'a Keras GRU bias of the wrong shape', field: 'weights.bias', file: 'gru-keras.json',
    message: /expected 2 x 15 \(reset_after=True GRU: 2 x 3H, input bias then recurrent bias\), found 3 x 15/,
    edit: (f) => f.weights.bias.push(f.weights.bias[0]),
  },
  {
    what: 'a Keras kernel stored transposed', field: 'weights.kernel', file: 'gru-keras.json',
    message: /^weights\.kernel: expected 4 x 15 \(D x G\*H\), found 15 x 4$/,
    edit: (f) => { f.weights.kernel = f.weights.kernel[0].map((_: number, c: number) => f.weights.kernel.map((row: number[]) => row[c])); },
  },
  {
    what: 'PyTorch weight names in a Keras-layout file', field: 'weights.weight_ih', file: 'gru-keras.json',
    message: /unexpected key for layout "keras" \(expected kernel, recurrent_kernel, bias\); it is a pytorch name/,
    edit: (f) => { f.weights.weight_ih = f.weights.kernel; },
  },
  { what: 'a Keras head with PyTorch names', field: 'head.weight', file: 'gru-keras.json', message: /unexpected key/, edit: (f) => { f.head.weight = f.head.kernel; delete f.head.kernel; } },

  // gatescope/model@2: stacked layers and next-token heads.
  { what: 'numLayers above 4', cli: true, field: 'numLayers', message: /expected an integer from 1 to 4, found the number 5/, edit: (f) => { stackFixture(f); f.numLayers = 5; } },
  { what: 'numLayers 0', field: 'numLayers', message: /expected an integer from 1 to 4, found the number 0/, edit: (f) => { stackFixture(f); f.numLayers = 0; } },
  { what: 'numLayers not an integer', field: 'numLayers', message: /expected an integer from 1 to 4, found the number 1.5/, edit: (f) => { stackFixture(f); f.numLayers = 1.5; } },
  { what: 'numLayers as a string', field: 'numLayers', message: /expected an integer from 1 to 4, found the string "2"/, edit: (f) => { stackFixture(f); f.numLayers = '2'; } },
  { what: 'a missing _l1 key', cli: true, field: 'weights.weight_hh_l1', message: /^weights\.weight_hh_l1: missing$/, edit: (f) => { stackFixture(f); delete f.weights.weight_hh_l1; } },
  { what: 'a layer key past numLayers', cli: true, field: 'weights.bias_ih_l2', message: /a key for layer 2, but numLayers is 2 \(layers 0\.\.1\)/, edit: (f) => { stackFixture(f); f.weights.bias_ih_l2 = f.weights.bias_ih_l1; } },
  { what: 'unsuffixed names with two layers', field: 'weights.weight_ih_l0', message: /missing \(numLayers 2 needs the state_dict names/, edit: (f) => { f.format = 'gatescope/model@2'; f.numLayers = 2; } },
  { what: 'a layer 1 input weight of the wrong shape', cli: true, field: 'weights.weight_ih_l1', message: /expected 20 x 5 \(G\*H x H, H = the layer below's h\), found 20 x 4/, edit: (f) => { stackFixture(f); f.weights.weight_ih_l1 = f.weights.weight_ih_l0; } },
  { what: 'a layer 1 recurrent weight of the wrong shape', field: 'weights.weight_hh_l1', message: /expected 20 x 5 \(G\*H x H\), found 19 x 5/, edit: (f) => { stackFixture(f); f.weights.weight_hh_l1.pop(); } },
  { what: 'a keras layer 1 kernel of the wrong shape', field: 'weights[1].kernel', file: 'gru-keras.json', message: /expected 5 x 15 \(H x G\*H, H = the layer below's h\), found 4 x 15/, edit: (f) => { stackFixture(f); f.weights[1].kernel = f.weights[0].kernel; } },
  { what: 'a keras weights array longer than numLayers', cli: true, field: 'weights', file: 'gru-keras.json', message: /expected an array of 2 layer objects \(numLayers 2\), found 3/, edit: (f) => { stackFixture(f, 3); f.numLayers = 2; } },
  { what: 'a keras weights object with two layers', field: 'weights', file: 'gru-keras.json', message: /expected an array of 2 layer objects \(numLayers 2\), found one object/, edit: (f) => { f.format = 'gatescope/model@2'; f.numLayers = 2; } },
  { what: 'an unknown head kind', cli: true, field: 'head.predicts', message: /expected one of "label", "next-token", found the string "words"/, edit: (f) => { f.format = 'gatescope/model@2'; f.head.predicts = 'words'; } },
  { what: 'predicts in a @1 file', field: 'head.predicts', message: /unexpected key/, edit: (f) => { f.head.predicts = 'label'; } },
  { what: 'a next-token head whose K is not V', cli: true, field: 'head.weight', message: /a next-token head predicts one of the V = 12 vocabulary entries, so K must be V: expected 12 x 5, found 2 x 5/, edit: (f) => { f.format = 'gatescope/model@2'; f.head.predicts = 'next-token'; delete f.head.labels; } },
  { what: 'a next-token head whose bias is not V long', field: 'head.bias', message: /expected 12 numbers/, edit: (f) => { nextTokenFixture(f); f.head.bias.pop(); } },
  { what: 'an example that is not a string', field: 'example', message: /expected a string, found the number 3/, edit: (f) => { f.example = 3; } },
];

