// Hostile model files beyond malformed fields: nesting a million levels deep, arrays far past the
// size limits, prototype keys everywhere, and random text. Each must end in a ModelFileError (with
// a one-line message) in bounded time, never a RangeError, a hang or a polluted prototype.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_LIMITS, ModelFileError, parseModelText } from '../../src/engine/modelFile';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/lstm-pytorch.json'), 'utf8');

/** Runs `parse` on `text`; returns the ModelFileError it threw and how long it took. */
function rejection(text: string): { err: ModelFileError; ms: number } {
  const t0 = performance.now();
  let thrown: unknown = null;
  try {
    parseModelText(text);
  } catch (e) {
    thrown = e;
  }
  const ms = performance.now() - t0;
  expect(thrown, 'the file is rejected').toBeInstanceOf(ModelFileError);
  expect((thrown as Error).message).not.toMatch(/\n/);
  return { err: thrown as ModelFileError, ms };
}

/** The fixture's text with the value at `path` replaced by raw JSON text `junk`. */
function withJunk(path: string[], junk: string): string {
  const file = JSON.parse(FIXTURE);
  let obj = file;
  for (const key of path.slice(0, -1)) obj = obj[key];
  obj[path[path.length - 1]] = '@@JUNK@@';
  return JSON.stringify(file).replace('"@@JUNK@@"', junk);
}

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

// Generous bounds: the machine is shared; a hang or a quadratic blow-up is orders of magnitude above.
const QUICK_MS = 5000;

describe('deeply nested junk', () => {
  it('rejects a file that is an array nested a million levels deep, without a stack overflow', () => {
    const { err, ms } = rejection(deepArray(1_000_000));
    expect(err.field).toBe('(root)');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it('rejects a file that is an object nested a million levels deep, without a stack overflow', () => {
    const { err, ms } = rejection(deepObject(1_000_000));
    expect(err.field).toBe('format');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it.each([
    [['weights', 'weight_ih'], 'weights.weight_ih'],
    [['weights', 'bias_hh'], 'weights.bias_hh'],
    [['embedding'], 'embedding'],
    [['tokenizer', 'vocab'], 'tokenizer.vocab[0]'],
    [['tokenizer', 'kind'], 'tokenizer.kind'],
    [['head', 'labels'], 'head.labels[0]'],
    [['head', 'weight'], 'head.weight'],
    [['cell'], 'cell'],
    [['name'], 'name'],
  ])('names %j when 100,000 levels of nesting stand in for it', (path, field) => {
    for (const junk of [deepArray(100_000), deepObject(100_000)]) {
      const { err, ms } = rejection(withJunk(path, junk));
      expect(err.field.startsWith(field.replace(/\[0\]$/, ''))).toBe(true);
      expect(ms).toBeLessThan(QUICK_MS);
    }
  });
});

describe('enormous arrays', () => {
  it('rejects a vocabulary past the limit by its length, naming tokenizer.vocab', () => {
    const vocab = JSON.stringify(Array.from({ length: MODEL_LIMITS.vocabSize * 4 }, (_, i) => `w${i}`));
    const { err, ms } = rejection(withJunk(['tokenizer', 'vocab'], vocab));
    expect(err.field).toBe('tokenizer.vocab');
    expect(err.message).toMatch(/more than the limit of 50000/);
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it('rejects a two-million-number weight matrix by its shape, naming it', () => {
    const { err, ms } = rejection(withJunk(['weights', 'weight_hh'], `[[${Array(2_000_000).fill('0.5').join(',')}]]`));
    expect(err.field).toBe('weights.weight_hh');
    expect(err.message).toMatch(/found 1 x 2000000/);
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it('rejects 100,000 unexpected keys by naming the first', () => {
    const keys = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const { err } = rejection(withJunk(['weights'], keys));
    expect(err.field).toMatch(/^weights\./);
  });

  it('rejects a declared hidden size past the limit before reading any matrix', () => {
    const { err } = rejection(withJunk(['hiddenSize'], String(1e9)));
    expect(err.field).toBe('hiddenSize');
  });
});

describe('prototype keys', () => {
  const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
  const OBJECT_PATHS = [[], ['weights'], ['tokenizer'], ['head']];

  it('never pollutes Object.prototype, whichever object of the file carries them', () => {
    for (const key of PROTO_KEYS) {
      for (const path of OBJECT_PATHS) {
        const file = JSON.parse(FIXTURE);
        let obj = file;
        for (const k of path) obj = obj[k];
        obj['@@KEY@@'] = '@@VALUE@@';
        const text = JSON.stringify(file).replace('"@@KEY@@":"@@VALUE@@"', `"${key}":{"polluted":true,"cell":"gru","toString":1}`);
        try {
          const model = parseModelText(text);
          // Accepted (an unknown top-level key is ignored): the model is the fixture's, unchanged.
          expect(model.params.cell).toBe('lstm');
        } catch (e) {
          expect(e).toBeInstanceOf(ModelFileError);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(typeof ({} as { toString: unknown }).toString).toBe('function');
      }
    }
  });
});

describe('random text', () => {
  it('either parses or throws a ModelFileError for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json({ maxDepth: 6 })), (text) => {
        try {
          parseModelText(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelFileError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('either parses or throws a ModelFileError when the fixture text is cut or has a byte changed anywhere', () => {
    fc.assert(
      fc.property(fc.nat({ max: FIXTURE.length - 1 }), fc.string({ unit: 'binary', maxLength: 3 }), fc.boolean(), (at, insert, cut) => {
        const text = cut ? FIXTURE.slice(0, at) : FIXTURE.slice(0, at) + insert + FIXTURE.slice(at + 1);
        try {
          parseModelText(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelFileError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
