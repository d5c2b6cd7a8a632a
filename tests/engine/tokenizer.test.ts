import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TOKENS, tokenize, TokenizerError } from '../../src/engine/tokenizer';
import type { TokenizerSpec } from '../../src/engine/types';

const VOCAB = ['<unk>', 'the', 'movie', "wasn't", 'good', '!', 'café', 'cafe\u0301', '__proto__', 'constructor'];
const word = (lowercase = true, vocab = VOCAB): TokenizerSpec => ({ kind: 'word', lowercase, unk: '<unk>', vocab });
const char = (lowercase = false, vocab = ['<unk>', 'a', 'b', ' ']): TokenizerSpec => ({ kind: 'char', lowercase, unk: '<unk>', vocab });

const WHITESPACE = /[\s\p{White_Space}]/u;

describe('word tokenizer', () => {
  it('lowercases, keeps apostrophes inside words and splits punctuation off', () => {
    const out = tokenize("The movie WASN'T good!", word());
    expect(out.tokens).toEqual(['the', 'movie', "wasn't", 'good', '!']);
    expect(Array.from(out.ids)).toEqual([1, 2, 3, 4, 5]);
    expect(out.unknown).toEqual([false, false, false, false, false]);
    expect(out.truncated).toBe(false);
  });

  it('keeps the original case when lowercasing is off, so capitalised words become unknown', () => {
    const out = tokenize('The movie', word(false));
    expect(out.tokens).toEqual(['The', 'movie']);
    expect(Array.from(out.ids)).toEqual([0, 2]);
    expect(out.unknown).toEqual([true, false]);
  });

  it('maps pieces missing from the vocabulary to unk while tokens keep the piece itself', () => {
    const out = tokenize('the wonderful movie', word());
    expect(out.tokens).toEqual(['the', 'wonderful', 'movie']);
    expect(Array.from(out.ids)).toEqual([1, 0, 2]);
    expect(out.unknown).toEqual([false, true, false]);
  });

  it('makes every non-whitespace character outside letters, digits and apostrophes its own token', () => {
    expect(tokenize('hi!!  a-b 3.14 (x)', word()).tokens).toEqual(['hi', '!', '!', 'a', '-', 'b', '3', '.', '14', '(', 'x', ')']);
    expect(tokenize('r2d2 isn\'t 50%', word()).tokens).toEqual(['r2d2', "isn't", '50', '%']);
  });

  it('treats letters and decimal digits of every script as word characters', () => {
    expect(tokenize('Ünïcödé 日本語 Привет ٣٤', word()).tokens).toEqual(['ünïcödé', '日本語', 'привет', '٣٤']);
  });

  it('splits number-like symbols that are not decimal digits (Roman numerals, fractions) off one by one', () => {
    expect(tokenize('ⅻ½', word()).tokens).toEqual(['ⅻ', '½']);
  });

  it('keeps an astral character such as an emoji whole instead of splitting its surrogate pair', () => {
    expect(tokenize('good😀!', word()).tokens).toEqual(['good', '😀', '!']);
  });

  it('separates on every kind of Unicode whitespace and never emits it', () => {
    const text = 'a\tb\nc\u00a0d\u3000e\u0085f\u2028g\ufeffh';
    expect(tokenize(text, word()).tokens).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('keeps combining marks attached to the word they follow, without normalizing', () => {
    const decomposed = tokenize('CAFE\u0301 café', word());
    expect(decomposed.tokens).toEqual(['cafe\u0301', 'café']);
    // The two spellings are distinct vocabulary entries: no NFC/NFD folding happens.
    expect(Array.from(decomposed.ids)).toEqual([7, 6]);
  });

  it('makes a combining mark with no word before it a token of its own', () => {
    expect(tokenize('\u0301a !\u0301', word()).tokens).toEqual(['\u0301', 'a', '!', '\u0301']);
  });

  it('keeps a letter whose lowercase form gains a combining dot as one token', () => {
    // "İ" lowercases to "i" + U+0307; the mark stays in the word.
    expect(tokenize('İstanbul', word()).tokens).toEqual(['i\u0307stanbul']);
  });

  it('returns no tokens for empty or whitespace-only text', () => {
    expect(tokenize('', word()).tokens).toEqual([]);
    expect(tokenize(' \n\t ', word()).ids.length).toBe(0);
  });

  it('looks up vocabulary entries named like object properties as plain strings', () => {
    const out = tokenize('constructor toString hasOwnProperty', word());
    expect(Array.from(out.ids)).toEqual([9, 0, 0]);
    const proto = tokenize('__proto__', { kind: 'char', lowercase: false, unk: '__proto__', vocab: ['__proto__', '_'] });
    expect(Array.from(proto.ids)).toEqual([1, 1, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('splits on underscores, which are connector punctuation and not letters', () => {
    expect(tokenize('snake_case', word()).tokens).toEqual(['snake', '_', 'case']);
  });
});

describe('char tokenizer', () => {
  it('gives one token per code point, whitespace included', () => {
    const out = tokenize('ab a', char());
    expect(out.tokens).toEqual(['a', 'b', ' ', 'a']);
    expect(Array.from(out.ids)).toEqual([1, 2, 3, 1]);
  });

  it('keeps an astral character as one token and maps unseen characters to unk', () => {
    const out = tokenize('a😀\n', char());
    expect(out.tokens).toEqual(['a', '😀', '\n']);
    expect(Array.from(out.ids)).toEqual([1, 0, 0]);
    expect(out.unknown).toEqual([false, true, true]);
  });

  it('lowercases before splitting when asked to', () => {
    expect(tokenize('AB', char(true)).tokens).toEqual(['a', 'b']);
    expect(tokenize('AB', char(false)).unknown).toEqual([true, true]);
  });
});

describe('tokenizer limits and errors', () => {
  it('keeps the first MAX_TOKENS tokens of a longer text and flags it as truncated', () => {
    const out = tokenize('the '.repeat(MAX_TOKENS + 7), word());
    expect(out.tokens.length).toBe(MAX_TOKENS);
    expect(out.ids.length).toBe(MAX_TOKENS);
    expect(out.truncated).toBe(true);
  });

  it('does not flag a text of exactly MAX_TOKENS tokens as truncated', () => {
    const out = tokenize('ab'.repeat(MAX_TOKENS / 2), char());
    expect(out.tokens.length).toBe(MAX_TOKENS);
    expect(out.truncated).toBe(false);
  });

  it('throws a TokenizerError when unk is not in the vocabulary', () => {
    expect(() => tokenize('the', { kind: 'word', lowercase: true, unk: '<oov>', vocab: ['the'] })).toThrow(TokenizerError);
    expect(() => tokenize('the', { kind: 'word', lowercase: true, unk: '<oov>', vocab: ['the'] })).toThrow(/<oov>/);
  });

  it('throws a TokenizerError for an unknown tokenizer kind', () => {
    const spec = { kind: 'bpe', lowercase: false, unk: '<unk>', vocab: ['<unk>'] } as unknown as TokenizerSpec;
    expect(() => tokenize('x', spec)).toThrow(TokenizerError);
  });
});

// Any code point, plus lone surrogate halves, which JavaScript strings can hold.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\u0301', "'", '!', '\ud800', '\udc00', '\u00a0', '7', '😀', 'İ'), maxLength: 60 }),
);

describe('tokenizer properties', () => {
  it('covers every non-whitespace character of the (lowercased) text, in order, with whitespace-free tokens', () => {
    fc.assert(fc.property(anyText, fc.boolean(), (text, lowercase) => {
      const out = tokenize(text, word(lowercase));
      const source = lowercase ? text.toLowerCase() : text;
      for (const token of out.tokens) {
        expect(token.length).toBeGreaterThan(0);
        expect(WHITESPACE.test(token)).toBe(false);
      }
      expect(out.tokens.join('')).toBe(Array.from(source).filter((ch) => !WHITESPACE.test(ch)).join(''));
      expect(out.ids.length).toBe(out.tokens.length);
      expect(out.unknown.length).toBe(out.tokens.length);
    }), { numRuns: 300 });
  });

  it('gives one char token per code point of the (lowercased) text', () => {
    fc.assert(fc.property(anyText, fc.boolean(), (text, lowercase) => {
      const out = tokenize(text, char(lowercase));
      const source = lowercase ? text.toLowerCase() : text;
      expect(out.tokens.length).toBe(Array.from(source).length);
      expect(out.tokens.join('')).toBe(source);
    }), { numRuns: 300 });
  });

  it('either returns ids inside the vocabulary or throws a TokenizerError, for any spec', () => {
    const specArb = fc.record({
      kind: fc.constantFrom('word', 'char', 'bpe'),
      lowercase: fc.boolean(),
      unk: fc.string({ maxLength: 3 }),
      vocab: fc.array(fc.string({ maxLength: 3 }), { maxLength: 8 }),
    });
    fc.assert(fc.property(anyText, specArb, (text, spec) => {
      try {
        const out = tokenize(text, spec as TokenizerSpec);
        for (const id of out.ids) expect(id >= 0 && id < spec.vocab.length).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(TokenizerError);
      }
    }), { numRuns: 300 });
  });
});
