/**
 * Character-level bracket depth: texts such as "(a(bc)(d" made of brackets and letters; the label is
 * the nesting depth at the end (0..4). Depth never goes below 0 or above MAX_DEPTH. To answer, the
 * network has to keep a running count, and one hidden unit usually ends up holding it: its value
 * rises at "(" and falls at ")", which a student can read off the heatmap.
 *
 * A text belongs to the test split when its hash is 0 mod 4, so train and test never share a text.
 */
import type { Rng } from '../random';
import type { TokenizerSpec } from '../types';
import { fnv1a, pick, type Example, type Split, type Task } from './task';

export const BRACKETS_MAX_DEPTH = 4;
export const BRACKETS_LETTERS = ['a', 'b', 'c', 'd', 'e'];
export const BRACKETS_MIN_LENGTH = 8;
export const BRACKETS_MAX_LENGTH = 40;

export const bracketsTokenizer: TokenizerSpec = {
  kind: 'char',
  lowercase: false,
  unk: '?',
  vocab: ['?', '(', ')', ...BRACKETS_LETTERS],
};

/** Nesting depth after each character: T values for a text of T characters. */
export function bracketDepths(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    out.push(depth);
  }
  return out;
}

export function bracketsSplitOf(text: string): Split {
  return fnv1a(text) % 4 === 0 ? 'test' : 'train';
}

/**
 * One text of `length` characters that ends at depth `target`: each character is drawn among the
 * moves from which `target` is still reachable in the characters left.
 */
function walk(rng: Rng, length: number, target: number): string {
  let depth = 0;
  let text = '';
  for (let k = 0; k < length; k++) {
    const left = length - k - 1;
    const moves: string[] = [];
    if (depth < BRACKETS_MAX_DEPTH && Math.abs(depth + 1 - target) <= left) moves.push('(', '(');
    if (depth > 0 && Math.abs(depth - 1 - target) <= left) moves.push(')', ')');
    if (Math.abs(depth - target) <= left) moves.push('*');
    const move = pick(rng, moves);
    if (move === '(') depth++;
    else if (move === ')') depth--;
    text += move === '*' ? pick(rng, BRACKETS_LETTERS) : move;
  }
  return text;
}

/** n texts of one split, the final depth drawn uniformly in 0..MAX_DEPTH. Tags: 'length:<T>'. */
export function generateBrackets(rng: Rng, split: Split, n: number): Example[] {
  const out: Example[] = [];
  while (out.length < n) {
    const label = rng.int(BRACKETS_MAX_DEPTH + 1);
    const length = Math.max(label, BRACKETS_MIN_LENGTH + rng.int(BRACKETS_MAX_LENGTH - BRACKETS_MIN_LENGTH + 1));
    const text = walk(rng, length, label);
    if (bracketsSplitOf(text) !== split) continue;
    out.push({ text, label, tags: [`length:${length}`] });
  }
  return out;
}

export const bracketsTask: Task = {
  id: 'brackets',
  title: 'Bracket depth',
  description: 'Count how deeply the brackets are nested; one hidden unit becomes the counter.',
  tokenizer: bracketsTokenizer,
  labels: ['depth 0', 'depth 1', 'depth 2', 'depth 3', 'depth 4'],
  generate: generateBrackets,
};
