/**
 * What a training task is: a tokenizer with a fixed vocabulary, the head's labels, and a seeded
 * generator of labelled texts whose train and test splits are kept apart by construction.
 */
import type { Rng } from '../random';
import type { TokenizerSpec } from '../types';

export type Split = 'train' | 'test';

/** One labelled text. `tags` name what kind of case it is (e.g. 'negation', 'distance:30'). */
export interface Example {
  text: string;
  label: number;
  tags?: string[];
}

export type TaskId = 'sentiment' | 'long-range' | 'brackets';

export interface Task {
  id: TaskId;
  title: string;
  /** One sentence a student reads in the model picker. */
  description: string;
  tokenizer: TokenizerSpec;
  /** K label names, index = class id */
  labels: string[];
  /** n examples from `split`; the same rng state gives the same examples. */
  generate(rng: Rng, split: Split, n: number): Example[];
}

/** 32-bit FNV-1a hash of a string; used to assign texts and word pairs to a split by construction. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Picks one element of a non-empty array uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}
