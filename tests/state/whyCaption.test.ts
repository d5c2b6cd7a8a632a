import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backward, forgetProducts, forward, jacobianNorms, parseModelText, tokenize } from '../../src/engine';
import { productPaths, whyCaption } from '../../src/state/story';

interface Entry {
  id: string;
  file: string;
  sentence: string;
}
const index = JSON.parse(readFileSync(resolve('public/models/index.json'), 'utf8')) as { models: Entry[] };

/** Every "about 10^k" the caption says, in order. */
const powers = (text: string) => [...text.matchAll(/about 10\^(-?\d+)/g)].map((m) => Number(m[1]));

describe('the "why" caption on every shipped model and its example sentence', () => {
  for (const entry of index.models) {
    it(`says only what the numbers show for ${entry.id}`, () => {
      const model = parseModelText(readFileSync(resolve('public/models', entry.file), 'utf8'));
      const tok = tokenize(entry.sentence, model.tokenizer, 256);
      const trace = forward(model.params, tok.ids);
      const g = backward(model.params, trace, trace.predicted, { paramGrads: false });
      const T = trace.T;
      const product = productPaths(model.params, trace).h;
      const gradient = g.dhNorm.map((v) => v / g.dhNorm[T - 1]);
      const forget = forgetProducts(trace, 0);
      const oneStep = jacobianNorms(model.params, trace).h;
      const text = whyCaption({ cell: model.params.cell, tokens: tok.tokens, product, gradient, forgetMax: forget?.max ?? null, oneStep });
      // "never more than the product allows": at every token, not only the first.
      for (let t = 0; t < T; t++) expect(gradient[t]).toBeLessThanOrEqual(product[t] * (1 + 1e-9));
      const [p, q, f] = powers(text);
      expect(p).toBe((Math.round(Math.log10(product[0]))) || 0);
      expect(q).toBe((Math.round(Math.log10(gradient[0]))) || 0);
      if (forget) expect(f).toBe((Math.round(Math.log10(forget.max[0]))) || 0);
      else expect(text).not.toContain('forget');
      const range = /lie between (\S+) and (\S+):/.exec(text);
      const steps = Array.from(oneStep.subarray(1));
      expect(Number(range?.[1])).toBeCloseTo(Math.min(...steps), 1);
      expect(Number(range?.[2])).toBeCloseTo(Math.max(...steps), 1);
      expect(text).toContain(`“${tok.tokens[0]}”`);
    });
  }
});
