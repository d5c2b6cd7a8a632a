/**
 * Text -> token ids, for the two tokenizers a model file can name.
 *
 * word: the text is lowercased first when `lowercase` is set; tokens are maximal runs of Unicode
 *   letters (\p{L}), decimal digits (\p{Nd}) and ASCII apostrophes ('), and every other
 *   non-whitespace character is a token on its own. Combining marks (\p{M}) that follow such a run
 *   stay in it, so a decomposed "cafe\u0301" is one token and not "cafe" + a lone accent; a mark
 *   with no run before it (start of text, after a space or a symbol) is a token on its own.
 *   The text is not Unicode-normalized: "caf\u00e9" and "cafe\u0301" are different tokens, so a
 *   vocabulary built from NFC text needs NFC input.
 * char: one token per Unicode code point, whitespace included (lowercased first when set).
 *
 * Tokens not in the vocabulary map to the id of `unk`, which must be in the vocabulary.
 */

import type { TokenizerSpec } from './types';

/** Longest sequence the engine is asked to run; longer texts are cut and flagged `truncated`. */
export const MAX_TOKENS = 2048;

export interface Tokenized {
  /** T pieces after lowercasing and before the vocabulary lookup */
  tokens: string[];
  /** T vocabulary ids (unknown pieces carry the id of `unk`) */
  ids: Int32Array;
  /** T flags: true where the piece was not in the vocabulary */
  unknown: boolean[];
  /** true when the text had more than MAX_TOKENS tokens and only the first MAX_TOKENS are kept */
  truncated: boolean;
}

/** Thrown for a tokenizer spec that cannot be used (unknown kind, unk missing from the vocabulary). */
export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

// A word run starts with a letter, digit or apostrophe and may carry combining marks after that;
// anything else that is not whitespace (JS \s plus Unicode White_Space, e.g. U+0085) stands alone.
const WORD_PIECE = /[\p{L}\p{Nd}'][\p{L}\p{M}\p{Nd}']*|[^\s\p{White_Space}]/gu;

// Vocabularies are treated as immutable, so their lookup map is built once per array (a Map, so
// entries such as "__proto__" or "constructor" are plain keys).
const lookupCache = new WeakMap<readonly string[], { length: number; map: Map<string, number> }>();

function vocabLookup(vocab: readonly string[]): Map<string, number> {
  const cached = lookupCache.get(vocab);
  if (cached !== undefined && cached.length === vocab.length) return cached.map;
  const map = new Map<string, number>();
  // The first occurrence wins, so a duplicated entry still maps to one stable id.
  for (let i = vocab.length - 1; i >= 0; i--) map.set(vocab[i], i);
  lookupCache.set(vocab, { length: vocab.length, map });
  return map;
}

function splitPieces(text: string, kind: TokenizerSpec['kind'], limit: number): { pieces: string[]; truncated: boolean } {
  const pieces: string[] = [];
  if (kind === 'char') {
    // for..of walks code points, so an astral character (emoji, CJK ext.) is one token.
    for (const ch of text) {
      if (pieces.length === limit) return { pieces, truncated: true };
      pieces.push(ch);
    }
    return { pieces, truncated: false };
  }
  for (const match of text.matchAll(WORD_PIECE)) {
    if (pieces.length === limit) return { pieces, truncated: true };
    pieces.push(match[0]);
  }
  return { pieces, truncated: false };
}

/**
 * Splits `text` into tokens and maps them to vocabulary ids.
 * Returns T tokens, T ids and T unknown flags, T <= maxTokens (default MAX_TOKENS).
 * Throws TokenizerError when the spec's kind is unknown or its `unk` is not in the vocabulary.
 */
export function tokenize(text: string, spec: TokenizerSpec, maxTokens: number = MAX_TOKENS): Tokenized {
  if (spec.kind !== 'word' && spec.kind !== 'char') {
    throw new TokenizerError(`unknown tokenizer kind ${JSON.stringify(String(spec.kind))} (expected "word" or "char")`);
  }
  const lookup = vocabLookup(spec.vocab);
  const unkId = lookup.get(spec.unk);
  if (unkId === undefined) {
    throw new TokenizerError(`the unknown-token marker ${JSON.stringify(spec.unk)} is not in the vocabulary`);
  }
  const source = spec.lowercase ? text.toLowerCase() : text;
  const { pieces, truncated } = splitPieces(source, spec.kind, Math.max(0, Math.floor(maxTokens)));
  const ids = new Int32Array(pieces.length);
  const unknown = new Array<boolean>(pieces.length);
  for (let t = 0; t < pieces.length; t++) {
    const id = lookup.get(pieces[t]);
    unknown[t] = id === undefined;
    ids[t] = id ?? unkId;
  }
  return { tokens: pieces, ids, unknown, truncated };
}
