/**
 * Long-range memory: the first character ("a" or "b") sets the label, then come 10..60 distractor
 * characters drawn from "abwxyz". The distractors include the keys themselves, so a network cannot
 * just learn to ignore the letters "wxyz": it has to keep the first letter and shut out every later
 * one, which an LSTM does with its gates. The classifier reads only the last hidden state, and the
 * gradient that teaches the network must travel back just as far: at least 10 steps, so there is no
 * short-sequence shortcut.
 *
 * A text belongs to the test split when its hash is 0 mod 4, so train and test never share a text.
 */
import type { Rng } from '../random';
import type { TokenizerSpec } from '../types';
import { fnv1a, pick, type Example, type Split, type Task } from './task';

export const LONG_RANGE_KEYS = ['a', 'b'];
/** Characters that only ever appear as distractors. */
export const LONG_RANGE_FILLERS = ['w', 'x', 'y', 'z'];
const DISTRACTORS = [...LONG_RANGE_KEYS, ...LONG_RANGE_FILLERS];
export const LONG_RANGE_MIN_DISTANCE = 10;
export const LONG_RANGE_MAX_DISTANCE = 60;

export const longRangeTokenizer: TokenizerSpec = {
  kind: 'char',
  lowercase: false,
  unk: '?',
  vocab: ['?', ...LONG_RANGE_KEYS, ...LONG_RANGE_FILLERS],
};

/** The split a long-range text belongs to, fixed by its hash. */
export function longRangeSplitOf(text: string): Split {
  return fnv1a(text) % 4 === 0 ? 'test' : 'train';
}

export interface LongRangeOptions {
  /** distractors after the key, inclusive bounds; default 10..60 */
  minDistance?: number;
  maxDistance?: number;
}

/**
 * n examples of one split. The key is at index 0 and `distance` distractors follow, so T = distance + 1
 * and the deciding token sits `distance` steps before the classifier. Tags: 'distance:<d>'.
 */
export function generateLongRange(rng: Rng, split: Split, n: number, options: LongRangeOptions = {}): Example[] {
  const lo = Math.max(1, Math.floor(options.minDistance ?? LONG_RANGE_MIN_DISTANCE));
  const hi = Math.max(lo, Math.floor(options.maxDistance ?? LONG_RANGE_MAX_DISTANCE));
  const out: Example[] = [];
  // Very short texts have few variants; cap the attempts so a tiny range cannot spin forever.
  let attempts = 0;
  while (out.length < n && attempts < n * 1000) {
    attempts++;
    const label = rng.int(2);
    const distance = lo + rng.int(hi - lo + 1);
    let text = LONG_RANGE_KEYS[label];
    for (let k = 0; k < distance; k++) text += pick(rng, DISTRACTORS);
    if (longRangeSplitOf(text) !== split) continue;
    out.push({ text, label, tags: [`distance:${distance}`] });
  }
  return out;
}

export const longRangeTask: Task = {
  id: 'long-range',
  title: 'Long-range memory',
  description: 'Remember the first letter (a or b) across 10 to 60 distractors: the LSTM can, the plain RNN cannot.',
  tokenizer: longRangeTokenizer,
  labels: ['starts with a', 'starts with b'],
  generate: (rng, split, n) => generateLongRange(rng, split, n),
};
