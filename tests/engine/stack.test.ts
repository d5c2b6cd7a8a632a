/**
 * Stacked layers and the next-token head against the plain reference (reference.ts, which shares no
 * code with the fast path) and central finite differences of its loss; the lean paths (prefix reuse,
 * the projection cache, paramGrads false, lazy dx) against the full pass; the per-layer Jacobian
 * against finite differences of the reference step. The real-PyTorch comparison of the same maths
 * is tests/cli/torchOracle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/engine/backward';
import { CELL_KINDS, CELLS } from '../../src/engine/cells/index';
import { createInputProjections, forward } from '../../src/engine/forward';
import { cloneParams, withKnobs } from '../../src/engine/init';
import { stepJacobian } from '../../src/engine/jacobian';
import { createRng } from '../../src/engine/random';
import { REFERENCE_STEPS, referenceForward, referenceLoss } from '../../src/engine/reference';
import { layerStack, numLayers, type CellKind, type HeadKind, type LayerParams, type ModelParams } from '../../src/engine/types';

/** Random parameters of an N-layer model (weights around 0.5 so gradients stay well above rounding). */
function randomModel(cell: CellKind, N: number, predicts: HeadKind, seed: number, D = 5, H = 7, V = 9, K = 3): ModelParams {
  const rng = createRng(seed);
  const G = CELLS[cell].blocks;
  const fill = (n: number, s = 0.5) => Float64Array.from({ length: n }, () => rng.normal() * s);
  const layer = (In: number): LayerParams => ({
    weightIh: fill(G * H * In), weightHh: fill(G * H * H), biasIh: fill(G * H, 0.2), biasHh: fill(G * H, 0.2),
  });
  const Kout = predicts === 'next-token' ? V : K;
  const p: ModelParams = {
    cell, inputSize: D, hiddenSize: H, vocabSize: V, numClasses: Kout,
    ...layer(D),
    embedding: fill(V * D, 1), headWeight: fill(Kout * H, 0.8), headBias: fill(Kout, 0.2),
  };
  if (N > 1) p.upperLayers = Array.from({ length: N - 1 }, () => layer(H));
  if (predicts === 'next-token') p.predicts = 'next-token';
  return p;
}

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

const IDS = [1, 4, 2, 8, 0, 3, 3, 7, 5, 6, 2];

describe.each(CELL_KINDS.map((cell) => ({ cell })))('$cell stacks', ({ cell }) => {
  for (const N of [2, 3]) {
    for (const predicts of ['label', 'next-token'] as const) {
      it(`${N} layers, ${predicts} head: every layer's h, c, gates and the head's logits equal the reference within 1e-12`, () => {
        const p = randomModel(cell, N, predicts, 10 * N + (predicts === 'label' ? 1 : 2));
        const trace = forward(p, IDS);
        const ref = referenceForward(p, IDS);
        expect(trace.layers.length).toBe(N);
        expect(ref.layers.length).toBe(N);
        ref.layers.forEach((layer, k) => {
          expect(maxRelError(trace.layers[k].h, layer.h.flat())).toBeLessThan(1e-12);
          if (layer.c) expect(maxRelError(trace.layers[k].c!, layer.c.flat())).toBeLessThan(1e-12);
          const names = CELLS[cell].gates;
          const gates = layer.gates.flatMap((g) => names.flatMap((n) => g[n]));
          expect(maxRelError(trace.layers[k].gates, gates)).toBeLessThan(1e-12);
        });
        // The flat arrays are the top layer's, and the layers really differ.
        expect(trace.h).toBe(trace.layers[N - 1].h);
        expect(maxRelError(trace.layers[1].h, trace.layers[0].h)).toBeGreaterThan(1e-3);
        expect(maxRelError(trace.logitsPerStep, ref.logitsPerStep.flat())).toBeLessThan(1e-12);
      });

      it(`${N} layers, ${predicts} head: the loss and every layer's parameter gradients match central differences of the reference loss`, () => {
        const p = randomModel(cell, N, predicts, 100 * N + (predicts === 'label' ? 1 : 2));
        const target = 1;
        const trace = forward(p, IDS);
        const grads = backward(p, trace, target);
        expect(grads.loss).toBeCloseTo(referenceLoss(p, IDS, target), 12);
        const rng = createRng(7);
        const eps = 1e-6;
        const check = (arr: Float64Array, grad: Float64Array, what: string) => {
          for (let n = 0; n < 6; n++) {
            const i = Math.floor(rng.next() * arr.length);
            const keep = arr[i];
            arr[i] = keep + eps;
            const up = referenceLoss(p, IDS, target);
            arr[i] = keep - eps;
            const down = referenceLoss(p, IDS, target);
            arr[i] = keep;
            const fd = (up - down) / (2 * eps);
            if (!(Math.abs(fd - grad[i]) <= 1e-7 + 1e-6 * Math.abs(fd))) expect.fail(`${what}[${i}]: backward ${grad[i]}, central difference ${fd}`);
          }
        };
        const stack = layerStack(p);
        const gstack = layerStack(grads.params);
        expect(gstack.length).toBe(N);
        stack.forEach((w, k) => {
          check(w.weightIh, gstack[k].weightIh, `layer ${k} weightIh`);
          check(w.weightHh, gstack[k].weightHh, `layer ${k} weightHh`);
          check(w.biasIh, gstack[k].biasIh, `layer ${k} biasIh`);
          check(w.biasHh, gstack[k].biasHh, `layer ${k} biasHh`);
        });
        check(p.embedding, grads.params.embedding, 'embedding');
        check(p.headWeight, grads.params.headWeight, 'headWeight');
        check(p.headBias, grads.params.headBias, 'headBias');
      });
    }
  }

  it('a next-token loss at one step matches central differences, and no gradient reaches the steps after it', () => {
    const p = randomModel(cell, 2, 'next-token', 77);
    const k = 4;
    const trace = forward(p, IDS);
    const grads = backward(p, trace, -1, { lossStep: k });
    expect(grads.lossStep).toBe(k);
    expect(grads.loss).toBeCloseTo(-Math.log(trace.probsPerStep[k * p.numClasses + IDS[k + 1]]), 13);
    for (const layer of grads.layers) {
      for (let t = k + 1; t < IDS.length; t++) expect(layer.dhNorm[t]).toBe(0);
      for (let t = 0; t <= k; t++) expect(layer.dhNorm[t]).toBeGreaterThan(0);
    }
    const eps = 1e-6;
    const w = p.upperLayers![0].weightHh;
    for (const i of [0, 5, 17]) {
      const keep = w[i];
      w[i] = keep + eps;
      const up = referenceLoss(p, IDS, -1, k);
      w[i] = keep - eps;
      const down = referenceLoss(p, IDS, -1, k);
      w[i] = keep;
      expect(grads.params.upperLayers![0].weightHh[i]).toBeCloseTo((up - down) / (2 * eps), 7);
    }
  });

  it('the lean paths give bit-identical stacks: prefix reuse, the projection cache, paramGrads false and lazy dx', () => {
    const p = randomModel(cell, 3, 'next-token', 5);
    const full = forward(p, IDS);
    const edited = [...IDS.slice(0, 9), 1, 1];
    const cache = createInputProjections();
    forward(p, IDS, { inputProjections: cache });
    const again = forward(p, edited, { inputProjections: cache, prior: { params: p, trace: full } });
    const fresh = forward(p, edited);
    fresh.layers.forEach((layer, k) => {
      expect(Array.from(again.layers[k].h)).toEqual(Array.from(layer.h));
      expect(Array.from(again.layers[k].gates)).toEqual(Array.from(layer.gates));
    });
    expect(Array.from(again.logitsPerStep)).toEqual(Array.from(fresh.logitsPerStep));
    const all = backward(p, fresh, -1);
    const lean = backward(p, fresh, -1, { paramGrads: false, inputGrads: 'on-read' });
    lean.layers.forEach((layer, k) => expect(Array.from(layer.dh)).toEqual(Array.from(all.layers[k].dh)));
    expect(Array.from(lean.dx)).toEqual(Array.from(all.dx));
    expect(lean.loss).toBe(all.loss);
  });

  it("each layer's one-step Jacobian matches central differences of that layer's reference step", () => {
    const p = randomModel(cell, 3, 'label', 31);
    const trace = forward(p, IDS);
    const H = p.hiddenSize;
    const stack = layerStack(p);
    const t = 5;
    for (let k = 0; k < 3; k++) {
      const J = new Float64Array(H * H);
      stepJacobian(p, trace, t, J, k);
      const layer = { ...stack[k], inputSize: k === 0 ? p.inputSize : H, hiddenSize: H };
      const below = k === 0 ? trace.x : trace.layers[k - 1].h;
      const width = layer.inputSize;
      const x = Array.from(below.subarray(t * width, (t + 1) * width));
      const hPrev = Array.from(trace.layers[k].h.subarray((t - 1) * H, t * H));
      const cPrev = trace.layers[k].c ? Array.from(trace.layers[k].c!.subarray((t - 1) * H, t * H)) : new Array<number>(H).fill(0);
      const eps = 1e-6;
      for (const j of [0, 3, 6]) {
        const up = hPrev.slice();
        up[j] += eps;
        const down = hPrev.slice();
        down[j] -= eps;
        const hu = REFERENCE_STEPS[cell](layer, x, { h: up, c: cPrev }).h;
        const hd = REFERENCE_STEPS[cell](layer, x, { h: down, c: cPrev }).h;
        for (let i = 0; i < H; i++) expect(J[i * H + j]).toBeCloseTo((hu[i] - hd[i]) / (2 * eps), 7);
      }
    }
  });
});

describe('a stack in the parameter helpers', () => {
  it('withKnobs turns every layer and cloneParams copies every layer', () => {
    const p = randomModel('lstm', 3, 'label', 3);
    const knobbed = withKnobs(p, { recurrentScale: 0.5, forgetBias: 2 });
    expect(numLayers(knobbed)).toBe(3);
    layerStack(knobbed).forEach((w, k) => {
      const src = layerStack(p)[k];
      expect(w.weightHh[4]).toBe(src.weightHh[4] * 0.5);
      expect(w.biasHh[7 + 3]).toBe(src.biasHh[7 + 3] + 2);
      expect(w.weightIh).toBe(src.weightIh);
    });
    const copy = cloneParams(p);
    copy.upperLayers![1].weightHh[0] += 1;
    expect(copy.upperLayers![1].weightHh[0]).not.toBe(p.upperLayers![1].weightHh[0]);
  });

  it('refuses a loss step on a label model, out of range, and a next-token text of one token', () => {
    const label = randomModel('rnn', 2, 'label', 1);
    expect(() => backward(label, forward(label, IDS), 0, { lossStep: 1 })).toThrow(/lossStep: only a next-token model/);
    const lm = randomModel('rnn', 2, 'next-token', 1);
    expect(() => backward(lm, forward(lm, IDS), -1, { lossStep: IDS.length - 1 })).toThrow(/lossStep: expected a step in \[0, 9\]/);
    expect(() => backward(lm, forward(lm, [3]), -1)).toThrow(/needs at least 2 tokens/);
  });
});
