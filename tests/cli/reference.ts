/**
 * A deliberately naive second implementation of the model-file math, used as an oracle for the
 * trace command. It reads the raw file JSON in either layout (no conversion to the engine's form),
 * keeps every vector as number[], loops plainly, and imports nothing from src/.
 *
 * Math (issue "The contract"): h0 = c0 = 0, sigma = logistic;
 *   rnn  h = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *   lstm i, f, o = sigma(.), g = tanh(.), c = f*c + i*g, h = o*tanh(c)
 *   gru  r, z = sigma(.), n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h = (1-z)*n + z*h
 *   head logits = W h_T + b, probs = softmax(logits), loss = -log probs[target]
 */

/** The raw JSON of a model file, as written on disk (either layout's keys). */
export interface RawFile {
  cell: 'rnn' | 'lstm' | 'gru';
  layout: 'pytorch' | 'keras';
  hiddenSize: number;
  weights: {
    weight_ih?: number[][];
    weight_hh?: number[][];
    bias_ih?: number[];
    bias_hh?: number[];
    kernel?: number[][];
    recurrent_kernel?: number[][];
    bias?: number[] | number[][];
  };
  tokenizer: { kind: string; lowercase: boolean; unk: string; vocab: string[] };
  embedding: number[][];
  head: { weight?: number[][]; kernel?: number[][]; bias: number[]; labels: string[] };
}

export interface RefStep {
  h: number[];
  c?: number[];
  gates: Record<string, number[]>;
}

export interface RefResult {
  steps: RefStep[];
  logits: number[];
  probs: number[];
}

/** An additive nudge applied inside the forward pass, for finite differences of dL/dx_t, dL/dh_t, dL/dc_t. */
export interface Nudge {
  what: 'x' | 'h' | 'c';
  t: number;
  j: number;
  delta: number;
}

/** Word and char tokenization written straight from the wording (ASCII test texts only). */
export function referenceTokenize(file: RawFile, text: string): { tokens: string[]; ids: number[] } {
  const tok = file.tokenizer;
  const source: string = tok.lowercase ? text.toLowerCase() : text;
  const tokens: string[] = tok.kind === 'char'
    ? Array.from(source)
    : (source.match(/[\p{L}\p{Nd}']+|[^\s\p{L}\p{Nd}']/gu) ?? []);
  const ids = tokens.map((piece) => {
    const at = tok.vocab.indexOf(piece);
    return at >= 0 ? at : tok.vocab.indexOf(tok.unk);
  });
  return { tokens, ids };
}

const sigma = (v: number): number => 1 / (1 + Math.exp(-v));

// Where each gate's block sits in the file's stacked matrices, per layout.
const BLOCK_INDEX: Record<string, Record<string, Record<string, number>>> = {
  pytorch: { rnn: { h: 0 }, lstm: { i: 0, f: 1, g: 2, o: 3 }, gru: { r: 0, z: 1, n: 2 } },
  keras: { rnn: { h: 0 }, lstm: { i: 0, f: 1, g: 2, o: 3 }, gru: { z: 0, r: 1, n: 2 } },
};

/** Input part W x + b_in of one gate block, H values. */
function inputPart(file: RawFile, gate: string, x: number[]): number[] {
  const H: number = file.hiddenSize;
  const b = BLOCK_INDEX[file.layout][file.cell][gate];
  const out: number[] = [];
  for (let j = 0; j < H; j++) {
    const unit = b * H + j;
    const w = file.weights;
    let sum = 0;
    if (file.layout === 'pytorch') {
      for (let d = 0; d < x.length; d++) sum += w.weight_ih![unit][d] * x[d];
      sum += w.bias_ih![unit];
    } else {
      for (let d = 0; d < x.length; d++) sum += x[d] * w.kernel![d][unit];
      sum += file.cell === 'gru' ? (w.bias as number[][])[0][unit] : (w.bias as number[])[unit];
    }
    out.push(sum);
  }
  return out;
}

/** Recurrent part W_hh h + b_hh of one gate block, H values (Keras rnn/lstm have no recurrent bias). */
function recurrentPart(file: RawFile, gate: string, h: number[]): number[] {
  const H: number = file.hiddenSize;
  const b = BLOCK_INDEX[file.layout][file.cell][gate];
  const out: number[] = [];
  for (let j = 0; j < H; j++) {
    const unit = b * H + j;
    const w = file.weights;
    let sum = 0;
    if (file.layout === 'pytorch') {
      for (let k = 0; k < H; k++) sum += w.weight_hh![unit][k] * h[k];
      sum += w.bias_hh![unit];
    } else {
      for (let k = 0; k < H; k++) sum += h[k] * w.recurrent_kernel![k][unit];
      if (file.cell === 'gru') sum += (w.bias as number[][])[1][unit];
    }
    out.push(sum);
  }
  return out;
}

function preActivation(file: RawFile, gate: string, x: number[], h: number[]): number[] {
  const a = inputPart(file, gate, x);
  const r = recurrentPart(file, gate, h);
  return a.map((v, j) => v + r[j]);
}

/** Runs the raw file over token ids. */
export function referenceForward(file: RawFile, ids: number[], nudge?: Nudge): RefResult {
  const H: number = file.hiddenSize;
  let h: number[] = new Array(H).fill(0);
  let c: number[] = new Array(H).fill(0);
  const steps: RefStep[] = [];
  ids.forEach((id, t) => {
    const x: number[] = [...file.embedding[id]];
    if (nudge?.what === 'x' && nudge.t === t) x[nudge.j] += nudge.delta;
    if (file.cell === 'rnn') {
      h = preActivation(file, 'h', x, h).map(Math.tanh);
      if (nudge?.what === 'h' && nudge.t === t) h[nudge.j] += nudge.delta;
      steps.push({ h: [...h], gates: {} });
    } else if (file.cell === 'lstm') {
      const i = preActivation(file, 'i', x, h).map(sigma);
      const f = preActivation(file, 'f', x, h).map(sigma);
      const g = preActivation(file, 'g', x, h).map(Math.tanh);
      const o = preActivation(file, 'o', x, h).map(sigma);
      c = c.map((cPrev, j) => f[j] * cPrev + i[j] * g[j]);
      if (nudge?.what === 'c' && nudge.t === t) c[nudge.j] += nudge.delta;
      h = c.map((cj, j) => o[j] * Math.tanh(cj));
      if (nudge?.what === 'h' && nudge.t === t) h[nudge.j] += nudge.delta;
      steps.push({ h: [...h], c: [...c], gates: { i, f, g, o } });
    } else {
      const r = preActivation(file, 'r', x, h).map(sigma);
      const z = preActivation(file, 'z', x, h).map(sigma);
      const inN = inputPart(file, 'n', x);
      const recN = recurrentPart(file, 'n', h);
      const n = inN.map((v, j) => Math.tanh(v + r[j] * recN[j]));
      h = h.map((hPrev, j) => (1 - z[j]) * n[j] + z[j] * hPrev);
      if (nudge?.what === 'h' && nudge.t === t) h[nudge.j] += nudge.delta;
      steps.push({ h: [...h], gates: { r, z, n } });
    }
  });
  const labels: string[] = file.head.labels;
  const logits = labels.map((_, k) => {
    let sum = file.head.bias[k];
    for (let j = 0; j < H; j++) {
      sum += (file.layout === 'pytorch' ? file.head.weight![k][j] : file.head.kernel![j][k]) * h[j];
    }
    return sum;
  });
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((s, v) => s + v, 0);
  return { steps, logits, probs: exps.map((e) => e / total) };
}

/** -log softmax(logits)[target], via log-sum-exp. */
export function referenceLoss(file: RawFile, ids: number[], target: number, nudge?: Nudge): number {
  const { logits } = referenceForward(file, ids, nudge);
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
  return lse - logits[target];
}

/** Fourth-order central difference of f at 0 with step eps. */
export function centralDifference(f: (delta: number) => number, eps: number): number {
  return (8 * (f(eps) - f(-eps)) - (f(2 * eps) - f(-2 * eps))) / (12 * eps);
}
