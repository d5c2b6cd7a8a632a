// The tokenizer under hostile text: any limit is respected exactly (the kept tokens are the first
// ones and `truncated` says whether any were dropped), and huge or pathological texts finish in
// bounded time because splitting stops at the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, TokenizerError } from '../../src/engine/tokenizer';
import type { TokenizerSpec } from '../../src/engine/types';

const WORD: TokenizerSpec = { kind: 'word', lowercase: true, unk: '<unk>', vocab: ['<unk>', 'the', 'movie', 'not', 'good'] };
const CHAR: TokenizerSpec = { kind: 'char', lowercase: false, unk: '?', vocab: ['?', 'a', 'b', ' '] };

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom('the', ' ', 'movie', '😀', '\u0301', "'", '\u0000', '\u202e', 'שלום', '这', '\n', '.'), maxLength: 80 }),
);

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

describe('tokenizer limits under fuzzing', () => {
  it('keeps exactly the first min(T, limit) tokens and flags truncation only when tokens were dropped', () => {
    fc.assert(
      fc.property(hostileText, fc.nat({ max: 40 }), fc.constantFrom(WORD, CHAR), (text, limit, spec) => {
        const all = tokenize(text, spec, Number.MAX_SAFE_INTEGER);
        const cut = tokenize(text, spec, limit);
        expect(cut.tokens).toEqual(all.tokens.slice(0, limit));
        expect(Array.from(cut.ids)).toEqual(Array.from(all.ids).slice(0, limit));
        expect(cut.truncated).toBe(all.tokens.length > limit);
        for (const id of cut.ids) expect(id >= 0 && id < spec.vocab.length).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('either tokenizes or throws a TokenizerError for specs with hostile vocabularies', () => {
    const spec = fc.record({
      kind: fc.constantFrom('word', 'char', 'bpe', '__proto__', ''),
      lowercase: fc.boolean(),
      unk: fc.constantFrom('<unk>', '__proto__', 'constructor', '', '😀'),
      vocab: fc.array(fc.constantFrom('<unk>', '__proto__', 'constructor', 'toString', '', '😀', 'the'), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(hostileText, spec, (text, s) => {
        try {
          const r = tokenize(text, s as TokenizerSpec, 64);
          expect(r.tokens.length).toBe(r.ids.length);
        } catch (e) {
          expect(e).toBeInstanceOf(TokenizerError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('tokenizer time on huge text', () => {
  it('stops at the limit: a million words take about as long as a few hundred', () => {
    const text = 'the movie was not good '.repeat(200_000);
    const { value, ms } = timed(() => tokenize(text, WORD, 256));
    expect(value.tokens).toHaveLength(256);
    expect(value.truncated).toBe(true);
    expect(ms).toBeLessThan(500);
  });

  it('splits pathological runs (a million combining marks, apostrophes or symbols) in linear time', () => {
    for (const text of ['a' + '\u0301'.repeat(1_000_000), "'".repeat(1_000_000), '!'.repeat(1_000_000), '\u200b'.repeat(1_000_000)]) {
      const { value, ms } = timed(() => tokenize(text, WORD, 256));
      expect(value.tokens.length).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2000);
    }
  });
});
