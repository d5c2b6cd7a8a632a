import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/random';
import { bracketDepths, bracketsTask, generateBrackets } from '../../src/engine/tasks/brackets';
import { TASKS, TASK_IDS } from '../../src/engine/tasks/index';
import { generateLongRange, longRangeTask } from '../../src/engine/tasks/longRange';
import { accuracyByTag, strongestUnit } from '../../src/engine/tasks/metrics';
import { scheduledLearningRate } from '../../src/engine/tasks/recipes';
import { FRAMES, generateSentiment, isHeldOutPair, SENTIMENT_NOUNS, sentimentTask } from '../../src/engine/tasks/sentiment';
import { tokenize } from '../../src/engine/tokenizer';

describe('every task', () => {
  for (const id of TASK_IDS) {
    const task = TASKS[id];
    it(`${id}: gives the same examples for the same seed and different ones for another seed`, () => {
      const a = task.generate(createRng(42), 'train', 200);
      const b = task.generate(createRng(42), 'train', 200);
      const c = task.generate(createRng(43), 'train', 200);
      expect(a).toEqual(b);
      expect(a.map((e) => e.text)).not.toEqual(c.map((e) => e.text));
    });

    it(`${id}: never puts a test text in the train split`, () => {
      const train = new Set(task.generate(createRng(1), 'train', 20000).map((e) => e.text));
      const test = task.generate(createRng(2), 'test', 3000);
      expect(test).toHaveLength(3000);
      expect(test.filter((e) => train.has(e.text))).toEqual([]);
    });

    it(`${id}: uses only vocabulary tokens and labels within range`, () => {
      for (const split of ['train', 'test'] as const) {
        for (const e of task.generate(createRng(5), split, 2000)) {
          const tok = tokenize(e.text, task.tokenizer);
          expect(tok.unknown.some(Boolean), e.text).toBe(false);
          expect(tok.ids.length).toBeGreaterThan(0);
          expect(Number.isInteger(e.label) && e.label >= 0 && e.label < task.labels.length).toBe(true);
        }
      }
    });

    it(`${id}: draws every label in both splits`, () => {
      for (const split of ['train', 'test'] as const) {
        const labels = new Set(task.generate(createRng(9), split, 1000).map((e) => e.label));
        expect(labels.size).toBe(task.labels.length);
      }
    });
  }
});

// An independent labeller for the sentiment sentences: find the clause that decides (after the last
// contrast word, or after the comma of a leading "although"), take its last sentiment word, and flip
// it when a negator precedes it in that clause.
const POSITIVE = new Set(
  ('good nice decent solid pleasant enjoyable great wonderful excellent amazing fantastic brilliant superb perfect ' +
    'outstanding terrific lovely funny clever charming fun gripping moving memorable stunning beautiful exciting tasty ' +
    'fresh satisfying delicious cozy clean quiet comfortable relaxing friendly helpful polite kind attentive fast ' +
    'reliable sleek useful sturdy unforgettable liked like loved love enjoyed enjoy adored adore appreciated appreciate').split(' '),
);
const NEGATIVE = new Set(
  ('bad poor mediocre disappointing unpleasant weak awful terrible horrible dreadful lousy pathetic boring dull ' +
    'predictable confusing pointless forgettable tedious silly bland stale greasy cold salty soggy overpriced disgusting ' +
    'dirty noisy crowded ugly cramped shabby rude slow unhelpful careless sloppy broken useless flimsy clunky unreliable ' +
    'tiring stressful exhausting chaotic miserable hated hate disliked dislike').split(' '),
);
const NEGATORS = new Set(['not', 'never', 'nothing', 'far', "wasn't", "isn't", "didn't"]);

function oracleLabel(text: string): number {
  const tokens = text.split(/\s+|(?=[,.])/).filter((t) => t.length > 0);
  const tail = tokens.slice(-3).join(' ');
  // "i thought the soup would be bland, but it was not" / "... and it was": the expectation decides.
  if (tail === 'it was not' || tail.endsWith("it wasn't") || tail === 'and it was') {
    const valence = tokens.find((t) => POSITIVE.has(t) || NEGATIVE.has(t)) as string;
    const positive = POSITIVE.has(valence);
    return (text.endsWith('and it was') ? positive : !positive) ? 1 : 0;
  }
  let start = 0;
  tokens.forEach((t, i) => {
    if (t === 'but' || t === 'however' || t === 'yet') start = i + 1;
  });
  if (start === 0 && (tokens[0] === 'although' || tokens[0] === 'though' || tokens[1] === 'though')) {
    start = tokens.indexOf(',') + 1;
  }
  let valenceAt = -1;
  for (let i = start; i < tokens.length; i++) if (POSITIVE.has(tokens[i]) || NEGATIVE.has(tokens[i])) valenceAt = i;
  let clauseStart = start;
  for (let i = start; i < valenceAt; i++) if (tokens[i] === ',' || tokens[i] === '.' || tokens[i] === 'and') clauseStart = i + 1;
  const negated = tokens.slice(clauseStart, valenceAt).some((t) => NEGATORS.has(t)) && tokens[clauseStart] !== 'not';
  const positive = POSITIVE.has(tokens[valenceAt]);
  return positive !== negated ? 1 : 0;
}

describe('sentiment task', () => {
  it('labels every sentence as an independent clause-by-clause reading does', () => {
    for (const split of ['train', 'test'] as const) {
      const wrong = generateSentiment(createRng(17), split, 4000).filter((e) => oracleLabel(e.text) !== e.label);
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it('labels the examples from the issue as a reader would', () => {
    expect(oracleLabel('the movie was not good')).toBe(0);
    expect(oracleLabel('i expected the film to be bad, but it was wonderful')).toBe(1);
    expect(oracleLabel('not only was the plot weak, the acting was terrible too')).toBe(0);
  });

  it('keeps held-out noun-word pairs out of train and puts one in every test sentence', () => {
    // Verb pairs are keyed by the base form ("concert|love" for "loved the concert").
    const base: Record<string, string> = {
      liked: 'like', loved: 'love', enjoyed: 'enjoy', adored: 'adore', appreciated: 'appreciate', hated: 'hate', disliked: 'dislike',
    };
    const pairsIn = (text: string): boolean => {
      const words = text.replace(/[,.]/g, ' ').split(/\s+/);
      const nouns = words.filter((w) => SENTIMENT_NOUNS.includes(w));
      const valence = words.filter((w) => POSITIVE.has(w) || NEGATIVE.has(w)).map((w) => base[w] ?? w);
      return nouns.some((noun) => valence.some((w) => isHeldOutPair(noun, w)));
    };
    const train = generateSentiment(createRng(3), 'train', 3000);
    // A train sentence may contain a held-out pair only across clauses (noun of one, word of another).
    const test = generateSentiment(createRng(4), 'test', 3000);
    expect(test.every((e) => pairsIn(e.text))).toBe(true);
    const single = train.filter((e) => !/but|however|although|though|yet|and|not only|\./.test(e.text));
    expect(single.length).toBeGreaterThan(200);
    expect(single.filter((e) => pairsIn(e.text)).map((e) => e.text)).toEqual([]);
  });

  it('draws train and test sentences from disjoint frames and uses every test word in train', () => {
    const trainFrames = new Set(FRAMES.filter((f) => f.split === 'train').map((f) => f.id));
    const testFrames = FRAMES.filter((f) => f.split === 'test').map((f) => f.id);
    expect(testFrames.filter((id) => trainFrames.has(id))).toEqual([]);
    const frameOf = (tags: string[] | undefined): string => (tags ?? []).find((t) => t.startsWith('frame:'))?.slice(6) ?? '';
    expect(generateSentiment(createRng(6), 'test', 500).every((e) => testFrames.includes(frameOf(e.tags)))).toBe(true);
    expect(generateSentiment(createRng(6), 'train', 500).every((e) => trainFrames.has(frameOf(e.tags)))).toBe(true);

    const seen = new Set<string>();
    for (const e of generateSentiment(createRng(7), 'train', 20000)) for (const t of tokenize(e.text, sentimentTask.tokenizer).tokens) seen.add(t);
    const unseen = new Set<string>();
    for (const e of generateSentiment(createRng(8), 'test', 3000)) {
      for (const t of tokenize(e.text, sentimentTask.tokenizer).tokens) if (!seen.has(t)) unseen.add(t);
    }
    expect([...unseen]).toEqual([]);
  });

  it('has a vocabulary of a few hundred words and tags negation and contrast cases', () => {
    expect(sentimentTask.tokenizer.vocab.length).toBeGreaterThan(200);
    expect(sentimentTask.tokenizer.vocab.length).toBeLessThan(500);
    const tags = generateSentiment(createRng(1), 'test', 1000).map((e) => e.tags ?? []);
    expect(tags.filter((t) => t.includes('negation')).length).toBeGreaterThan(200);
    expect(tags.filter((t) => t.includes('contrast')).length).toBeGreaterThan(200);
  });
});

describe('long-range task', () => {
  it('labels by the first character and tags the number of distractors after it', () => {
    for (const e of generateLongRange(createRng(1), 'train', 500)) {
      expect(e.label).toBe(e.text[0] === 'a' ? 0 : 1);
      const distance = Number((e.tags ?? [])[0].split(':')[1]);
      expect(e.text.length).toBe(distance + 1);
      expect(distance).toBeGreaterThanOrEqual(10);
      expect(distance).toBeLessThanOrEqual(60);
    }
  });

  it('generates a fixed distance when asked, including 50', () => {
    const texts = generateLongRange(createRng(2), 'test', 100, { minDistance: 50, maxDistance: 50 });
    expect(texts).toHaveLength(100);
    expect(texts.every((e) => e.text.length === 51)).toBe(true);
    expect(longRangeTask.labels).toHaveLength(2);
  });
});

describe('brackets task', () => {
  it('labels each text by its final nesting depth, counted independently', () => {
    for (const e of generateBrackets(createRng(1), 'train', 500)) {
      let depth = 0;
      let max = 0;
      for (const ch of e.text) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
        max = Math.max(max, depth);
      }
      expect(e.label).toBe(depth);
      expect(max).toBeLessThanOrEqual(4);
    }
    expect(bracketsTask.labels).toHaveLength(5);
  });

  it('reports the depth after every character', () => {
    expect(bracketDepths('((a)(b')).toEqual([1, 2, 2, 1, 2, 2]);
  });
});

describe('metrics', () => {
  it('counts accuracy per tag', () => {
    const byTag = accuracyByTag([{ tags: ['x', 'y'] }, { tags: ['x'] }, {}], [true, false, true]);
    expect(byTag).toEqual({ x: { accuracy: 0.5, count: 2 }, y: { accuracy: 1, count: 1 } });
  });

  it('finds the unit with the largest absolute correlation, skipping NaN', () => {
    expect(strongestUnit(Float64Array.from([0.2, Number.NaN, -0.9, 0.5]))).toEqual({ unit: 2, correlation: -0.9 });
  });

  it('lowers the learning rate from its peak to a tenth along a cosine', () => {
    expect(scheduledLearningRate(0.01, 0, 101)).toBeCloseTo(0.01, 12);
    expect(scheduledLearningRate(0.01, 50, 101)).toBeCloseTo(0.0055, 12);
    expect(scheduledLearningRate(0.01, 100, 101)).toBeCloseTo(0.001, 12);
  });
});
