/**
 * Word-level sentiment with negation and contrast: short review sentences about everyday things
 * ("the soup was not bad", "i expected the film to be dull, but it was gripping").
 *
 * Sentences come from frames (sentence skeletons) filled with clauses. A clause pairs a noun with an
 * adjective (or a verb such as "loved"), optionally negated and intensified. The label is the
 * sentiment of the deciding clause: the only clause for plain and negation frames, the clause after
 * "but" / "however" / "although ..., " for contrast frames.
 *
 * Train and test are kept apart by construction, twice over:
 * - frames: every frame belongs to exactly one split; the test frames recombine train wording in new
 *   ways ("though" alone, a distractor sentence before a negated clause, ...);
 * - word pairs: about one noun-word pair in five (by hash) is held out; train sentences never use a
 *   held-out pair, and the deciding clause of every test sentence uses one.
 * So no test sentence can appear in train, and every test word still occurs in train.
 */
import type { Rng } from '../random';
import type { TokenizerSpec } from '../types';
import { chance, fnv1a, pick, type Example, type Split, type Task } from './task';

type Category = 'media' | 'food' | 'place' | 'people' | 'product' | 'outing';
const CATEGORIES: readonly Category[] = ['media', 'food', 'place', 'people', 'product', 'outing'];

const words = (s: string): string[] => s.split(' ').filter((w) => w.length > 0);

const NOUNS: Record<Category, string[]> = {
  media: words('movie film show series book novel story plot ending acting script soundtrack album song concert play game'),
  food: words('meal food dinner lunch breakfast pizza burger soup salad coffee cake dessert bread pasta'),
  place: words('restaurant hotel room cafe park museum beach bar shop apartment'),
  people: words('service staff waiter teacher guide driver host crew'),
  product: words('phone laptop camera screen app car bike printer speaker keyboard'),
  outing: words('trip tour flight class course lecture party wedding festival weekend match'),
};

interface Adjective {
  word: string;
  positive: boolean;
  /** strong adjectives take "absolutely"/"truly", mild ones "very"/"quite" */
  strong: boolean;
}

interface AdjectiveGroup {
  mild: string;
  strong: string;
}

const POSITIVE: Record<Category | 'any', AdjectiveGroup> = {
  any: {
    mild: 'good nice decent solid pleasant enjoyable',
    strong: 'great wonderful excellent amazing fantastic brilliant superb perfect outstanding terrific lovely',
  },
  media: { mild: 'funny clever charming fun', strong: 'gripping moving memorable stunning beautiful exciting' },
  food: { mild: 'tasty fresh satisfying', strong: 'delicious' },
  place: { mild: 'cozy clean quiet comfortable relaxing charming', strong: 'beautiful' },
  people: { mild: 'friendly helpful polite kind attentive', strong: '' },
  product: { mild: 'fast reliable sleek useful sturdy', strong: '' },
  outing: { mild: 'fun relaxing', strong: 'exciting memorable unforgettable' },
};

const NEGATIVE: Record<Category | 'any', AdjectiveGroup> = {
  any: { mild: 'bad poor mediocre disappointing unpleasant weak', strong: 'awful terrible horrible dreadful lousy pathetic' },
  media: { mild: 'boring dull predictable confusing pointless forgettable tedious silly', strong: '' },
  food: { mild: 'bland stale greasy cold salty soggy overpriced', strong: 'disgusting' },
  place: { mild: 'dirty noisy crowded ugly cramped shabby', strong: '' },
  people: { mild: 'rude slow unhelpful careless sloppy', strong: '' },
  product: { mild: 'broken slow useless flimsy clunky unreliable', strong: '' },
  outing: { mild: 'boring tiring stressful exhausting chaotic', strong: 'miserable' },
};

function adjectivesFor(category: Category, positive: boolean): Adjective[] {
  const table = positive ? POSITIVE : NEGATIVE;
  const out: Adjective[] = [];
  for (const group of [table.any, table[category]]) {
    for (const word of words(group.mild)) out.push({ word, positive, strong: false });
    for (const word of words(group.strong)) out.push({ word, positive, strong: true });
  }
  return out;
}

const MILD_INTENSIFIERS = words('very really quite pretty so extremely incredibly rather');
const STRONG_INTENSIFIERS = words('absolutely truly really simply');
const VERB_ADVERBS = words('really truly absolutely');

/** Verb clauses: "we loved the concert" / "i did not enjoy the tour". */
const VERBS: { past: string; base: string; positive: boolean }[] = [
  { past: 'liked', base: 'like', positive: true },
  { past: 'loved', base: 'love', positive: true },
  { past: 'enjoyed', base: 'enjoy', positive: true },
  { past: 'adored', base: 'adore', positive: true },
  { past: 'appreciated', base: 'appreciate', positive: true },
  { past: 'hated', base: 'hate', positive: false },
  { past: 'disliked', base: 'dislike', positive: false },
];
const VERB_SUBJECTS: string[][] = [['i'], ['we'], ['everyone'], ['my', 'friends'], ['my', 'family']];

/** Copulas and their negated forms, as token lists. */
const COPULAS: { plain: string[]; negated: string[][] }[] = [
  { plain: ['was'], negated: [['was', 'not'], ["wasn't"], ['was', 'never']] },
  { plain: ['is'], negated: [['is', 'not'], ["isn't"], ['is', 'never']] },
  { plain: ['seemed'], negated: [['did', 'not', 'seem'], ["didn't", 'seem'], ['never', 'seemed']] },
  { plain: ['felt'], negated: [['did', 'not', 'feel'], ["didn't", 'feel'], ['never', 'felt']] },
  { plain: ['looked'], negated: [['did', 'not', 'look'], ["didn't", 'look'], ['never', 'looked']] },
];
const VERB_NEGATORS: string[][] = [['did', 'not'], ["didn't"], ['never']];
const DETERMINERS = words('the the the this that our');

const OPENERS: string[][] = [
  ['overall', ','],
  ['honestly', ','],
  ['in', 'the', 'end', ','],
  ['to', 'be', 'honest', ','],
  ['i', 'think'],
  ['all', 'in', 'all', ','],
];

const DAYS = words('monday tuesday wednesday thursday friday saturday sunday');
const RELATIVES = words('sister brother mom dad friend cousin aunt uncle roommate boss');
const TIMES = words('six seven eight nine noon');
const NUMBERS = words('two three four');

/** Neutral clauses that carry no sentiment; the model must learn to ignore them. */
function distractor(rng: Rng): string[] {
  switch (rng.int(10)) {
    case 0: return ['we', 'went', 'on', pick(rng, DAYS)];
    case 1: return ['i', 'went', 'there', 'with', 'my', pick(rng, RELATIVES)];
    case 2: return ['we', 'saw', 'it', 'on', pick(rng, DAYS)];
    case 3: return ['my', pick(rng, RELATIVES), 'picked', 'it'];
    case 4: return ['we', 'got', 'there', 'at', pick(rng, TIMES)];
    case 5: return ['it', 'was', 'my', 'first', 'time'];
    case 6: return ['we', 'stayed', 'for', pick(rng, NUMBERS), 'hours'];
    case 7: return ['my', pick(rng, RELATIVES), 'said', 'we', 'should', 'go'];
    case 8: return ['i', 'heard', 'about', 'it', 'from', 'my', pick(rng, RELATIVES)];
    default: return ['we', 'booked', 'it', 'on', pick(rng, DAYS)];
  }
}

// Literal words used by the frames below; the vocabulary test catches any that are missing.
const FRAME_WORDS = words(
  'but although even though however yet i expected to be thought would it at first then not only too ' +
    'there nothing about far from all and everyone said',
);

const NOUN_CATEGORY = new Map<string, Category>();
for (const category of CATEGORIES) for (const noun of NOUNS[category]) NOUN_CATEGORY.set(noun, category);
const ALL_NOUNS = CATEGORIES.flatMap((c) => NOUNS[c]);
/** Every noun a sentence can be about. */
export const SENTIMENT_NOUNS: readonly string[] = ALL_NOUNS;

/** A noun-word pair ("soup|bland", "concert|love") is held out for test when its hash is 0 mod 5. */
export function isHeldOutPair(noun: string, word: string): boolean {
  return fnv1a(`${noun}|${word}`) % 5 === 0;
}

/** How a clause's noun-word pair must relate to the held-out set. */
type PairRule = 'train' | 'heldout' | 'any';

/** Thrown when a constrained choice has no candidate; the sentence is then drawn again. */
class Redraw extends Error {}

interface Ctx {
  rng: Rng;
  split: Split;
}

// The deciding clause of a test sentence must use a held-out pair; train never uses one.
const decidingRule = (ctx: Ctx): PairRule => (ctx.split === 'train' ? 'train' : 'heldout');
const otherRule = (ctx: Ctx): PairRule => (ctx.split === 'train' ? 'train' : 'any');

function allowed(rule: PairRule, noun: string, word: string): boolean {
  if (rule === 'any') return true;
  return isHeldOutPair(noun, word) === (rule === 'heldout');
}

function chooseFrom<T>(rng: Rng, items: T[], ok: (item: T) => boolean): T {
  const candidates = items.filter(ok);
  if (candidates.length === 0) throw new Redraw();
  return pick(rng, candidates);
}

function chooseAdjective(ctx: Ctx, noun: string, positive: boolean, rule: PairRule): Adjective {
  const category = NOUN_CATEGORY.get(noun) as Category;
  return chooseFrom(ctx.rng, adjectivesFor(category, positive), (a) => allowed(rule, noun, a.word));
}

function adjectivePhrase(ctx: Ctx, adj: Adjective): string[] {
  if (!chance(ctx.rng, 0.35)) return [adj.word];
  return [pick(ctx.rng, adj.strong ? STRONG_INTENSIFIERS : MILD_INTENSIFIERS), adj.word];
}

function nounPhrase(ctx: Ctx, noun: string): string[] {
  return [pick(ctx.rng, DETERMINERS), noun];
}

interface ClauseOptions {
  /** sentiment the clause expresses (1 positive, 0 negative) */
  label: number;
  negated: boolean;
  rule: PairRule;
  /** the thing talked about; drawn when absent */
  noun?: string;
  /** refer to the noun as "it" (it was ... / we loved it) */
  pronoun?: boolean;
}

/** A clause expressing `label`; when negated, the word carries the opposite sentiment. */
function clause(ctx: Ctx, opts: ClauseOptions): string[] {
  const { rng } = ctx;
  const wordPositive = (opts.label === 1) !== opts.negated;
  const noun = opts.noun ?? pick(rng, ALL_NOUNS);
  if (chance(rng, 0.3)) {
    // Verb clause: subject verb object.
    const verb = chooseFrom(rng, VERBS, (v) => v.positive === wordPositive && allowed(opts.rule, noun, v.base));
    const object = opts.pronoun ? ['it'] : nounPhrase(ctx, noun);
    const subject = pick(rng, VERB_SUBJECTS);
    if (opts.negated) {
      const negator = pick(rng, VERB_NEGATORS);
      // "never" takes the past tense (we never liked it), "did not" the base form (we did not like it).
      const form = negator[0] === 'never' ? verb.past : verb.base;
      const adverb = negator[0] !== 'never' && chance(rng, 0.25) ? ['really'] : [];
      return [...subject, ...negator, ...adverb, form, ...object];
    }
    const adverb = chance(rng, 0.3) ? [pick(rng, VERB_ADVERBS)] : [];
    return [...subject, ...adverb, verb.past, ...object];
  }
  const adj = chooseAdjective(ctx, noun, wordPositive, opts.rule);
  const copula = pick(rng, COPULAS);
  const subject = opts.pronoun ? ['it'] : nounPhrase(ctx, noun);
  const verb = opts.negated ? pick(rng, copula.negated) : copula.plain;
  return [...subject, ...verb, ...adjectivePhrase(ctx, adj)];
}

type Family = 'plain' | 'negation' | 'contrast' | 'not-only';

interface Built {
  tokens: string[];
  /** the deciding clause is negated (adds the 'negation' tag) */
  negated: boolean;
}

interface Frame {
  id: string;
  family: Family;
  split: Split;
  build(ctx: Ctx, label: number): Built;
}

const opener = (ctx: Ctx): string[] => pick(ctx.rng, OPENERS);

// Negated-only deciding clauses that are not "subject + negated copula + adjective".
function nothingAbout(ctx: Ctx, label: number): string[] {
  const noun = pick(ctx.rng, ALL_NOUNS);
  const adj = chooseAdjective(ctx, noun, label === 0, decidingRule(ctx));
  return ['there', 'was', 'nothing', adj.word, 'about', ...nounPhrase(ctx, noun)];
}

function farFrom(ctx: Ctx, label: number): string[] {
  const noun = pick(ctx.rng, ALL_NOUNS);
  const adj = chooseAdjective(ctx, noun, label === 0, decidingRule(ctx));
  return [...nounPhrase(ctx, noun), pick(ctx.rng, [['was'], ['is']]), 'far', 'from', adj.word].flat();
}

function notAtAll(ctx: Ctx, label: number): string[] {
  return [...clause(ctx, { label, negated: true, rule: decidingRule(ctx) }), 'at', 'all'];
}

const decide = (ctx: Ctx, label: number, negated: boolean): string[] =>
  clause(ctx, { label, negated, rule: decidingRule(ctx) });
const other = (ctx: Ctx, label: number, negated = false): string[] =>
  clause(ctx, { label, negated, rule: otherRule(ctx) });

/** Contrast clauses: the first one opposes the label, each may be negated. */
function contrastPair(ctx: Ctx, label: number): { first: string[]; second: string[]; negated: boolean } {
  const negated = chance(ctx.rng, 0.3);
  return { first: other(ctx, 1 - label, chance(ctx.rng, 0.3)), second: decide(ctx, label, negated), negated };
}

/** "i expected the film to be dull" + a clause about "it"; the clause after the contrast decides. */
function expectation(ctx: Ctx, label: number, phrase: 'expected' | 'thought' | 'everyone'): { lead: string[]; noun: string } {
  const noun = pick(ctx.rng, ALL_NOUNS);
  const adj = chooseAdjective(ctx, noun, label === 0, otherRule(ctx));
  const np = nounPhrase(ctx, noun);
  const ap = adjectivePhrase(ctx, adj);
  if (phrase === 'expected') return { lead: ['i', 'expected', ...np, 'to', 'be', ...ap], noun };
  if (phrase === 'thought') return { lead: ['i', 'thought', ...np, 'would', 'be', ...ap], noun };
  return { lead: ['everyone', 'said', ...np, 'was', ...ap], noun };
}

function afterExpectation(ctx: Ctx, label: number, noun: string): { tokens: string[]; negated: boolean } {
  const negated = chance(ctx.rng, 0.25);
  return { tokens: clause(ctx, { label, negated, rule: decidingRule(ctx), noun, pronoun: true }), negated };
}

/** "i thought the soup would be bland, but it was not": the answer flips the expectation. */
function expectationAnswer(ctx: Ctx, label: number, phrase: 'expected' | 'thought', flip: boolean): string[] {
  const noun = pick(ctx.rng, ALL_NOUNS);
  const expectedPositive = flip ? label === 0 : label === 1;
  const adj = chooseAdjective(ctx, noun, expectedPositive, decidingRule(ctx));
  const np = nounPhrase(ctx, noun);
  const ap = adjectivePhrase(ctx, adj);
  const lead = phrase === 'expected' ? ['i', 'expected', ...np, 'to', 'be', ...ap] : ['i', 'thought', ...np, 'would', 'be', ...ap];
  if (flip) return [...lead, ...pick(ctx.rng, [[',', 'but'], ['but']]), 'it', ...pick(ctx.rng, [['was', 'not'], ["wasn't"]])];
  return [...lead, 'and', 'it', 'was'];
}

function notOnly(ctx: Ctx, label: number, joiner: string[]): string[] {
  const noun = pick(ctx.rng, ALL_NOUNS);
  const adj = chooseAdjective(ctx, noun, label === 1, otherRule(ctx));
  const second = decide(ctx, label, false);
  return ['not', 'only', 'was', ...nounPhrase(ctx, noun), ...adjectivePhrase(ctx, adj), ...joiner, ...second, 'too'];
}

const plainBuilt = (tokens: string[]): Built => ({ tokens, negated: false });
const negBuilt = (tokens: string[]): Built => ({ tokens, negated: true });

/** Every frame, each in exactly one split. */
export const FRAMES: readonly Frame[] = [
  // plain: one clause decides, no negation
  { id: 'plain', family: 'plain', split: 'train', build: (c, y) => plainBuilt(decide(c, y, false)) },
  { id: 'opener', family: 'plain', split: 'train', build: (c, y) => plainBuilt([...opener(c), ...decide(c, y, false)]) },
  { id: 'distractor-and', family: 'plain', split: 'train', build: (c, y) => plainBuilt([...distractor(c.rng), 'and', ...decide(c, y, false)]) },
  { id: 'then-distractor', family: 'plain', split: 'train', build: (c, y) => plainBuilt([...decide(c, y, false), '.', ...distractor(c.rng)]) },
  { id: 'double', family: 'plain', split: 'train', build: (c, y) => plainBuilt([...other(c, y), 'and', ...decide(c, y, false)]) },
  { id: 'thought-and', family: 'plain', split: 'train', build: (c, y) => plainBuilt(expectationAnswer(c, y, 'thought', false)) },
  { id: 'opener-then-distractor', family: 'plain', split: 'test', build: (c, y) => plainBuilt([...opener(c), ...decide(c, y, false), '.', ...distractor(c.rng)]) },
  { id: 'distractor-sentence-double', family: 'plain', split: 'test', build: (c, y) => plainBuilt([...distractor(c.rng), '.', ...other(c, y), 'and', ...decide(c, y, false)]) },
  { id: 'expected-and', family: 'plain', split: 'test', build: (c, y) => plainBuilt(expectationAnswer(c, y, 'expected', false)) },

  // negation: the deciding clause is negated
  { id: 'neg', family: 'negation', split: 'train', build: (c, y) => negBuilt(decide(c, y, true)) },
  { id: 'neg-opener', family: 'negation', split: 'train', build: (c, y) => negBuilt([...opener(c), ...decide(c, y, true)]) },
  { id: 'neg-distractor-and', family: 'negation', split: 'train', build: (c, y) => negBuilt([...distractor(c.rng), 'and', ...decide(c, y, true)]) },
  { id: 'neg-at-all', family: 'negation', split: 'train', build: (c, y) => negBuilt(notAtAll(c, y)) },
  { id: 'neg-nothing', family: 'negation', split: 'train', build: (c, y) => negBuilt(nothingAbout(c, y)) },
  { id: 'neg-far-from', family: 'negation', split: 'train', build: (c, y) => negBuilt(farFrom(c, y)) },
  { id: 'neg-nothing-then-distractor', family: 'negation', split: 'train', build: (c, y) => negBuilt([...nothingAbout(c, y), '.', ...distractor(c.rng)]) },
  { id: 'neg-then-distractor', family: 'negation', split: 'test', build: (c, y) => negBuilt([...decide(c, y, true), '.', ...distractor(c.rng)]) },
  { id: 'neg-opener-nothing', family: 'negation', split: 'test', build: (c, y) => negBuilt([...opener(c), ...nothingAbout(c, y)]) },
  { id: 'neg-distractor-far-from', family: 'negation', split: 'test', build: (c, y) => negBuilt([...distractor(c.rng), 'and', ...farFrom(c, y)]) },
  { id: 'neg-opener-at-all', family: 'negation', split: 'test', build: (c, y) => negBuilt([...opener(c), ...notAtAll(c, y)]) },

  // contrast: the clause after the connective decides
  ...contrastFrames(),

  // "not only ... too": both clauses agree, and the "not" negates nothing
  { id: 'not-only', family: 'not-only', split: 'train', build: (c, y) => plainBuilt(notOnly(c, y, [','])) },
  { id: 'not-only-but', family: 'not-only', split: 'test', build: (c, y) => plainBuilt(notOnly(c, y, [',', 'but'])) },
];

function contrastFrames(): Frame[] {
  const pair = (
    id: string,
    split: Split,
    join: (c: Ctx, first: string[], second: string[]) => string[],
  ): Frame => ({
    id,
    family: 'contrast',
    split,
    build: (c, y) => {
      const p = contrastPair(c, y);
      return { tokens: join(c, p.first, p.second), negated: p.negated };
    },
  });
  const expect = (id: string, split: Split, phrase: 'expected' | 'thought' | 'everyone', joiner: string[]): Frame => ({
    id,
    family: 'contrast',
    split,
    build: (c, y) => {
      const { lead, noun } = expectation(c, y, phrase);
      const after = afterExpectation(c, y, noun);
      return { tokens: [...lead, ...joiner, ...after.tokens], negated: after.negated };
    },
  });
  const answer = (id: string, split: Split, phrase: 'expected' | 'thought'): Frame => ({
    id,
    family: 'contrast',
    split,
    build: (c, y) => negBuilt(expectationAnswer(c, y, phrase, true)),
  });
  return [
    pair('but', 'train', (_c, a, b) => [...a, 'but', ...b]),
    pair('comma-but', 'train', (_c, a, b) => [...a, ',', 'but', ...b]),
    pair('although', 'train', (_c, a, b) => ['although', ...a, ',', ...b]),
    pair('even-though', 'train', (_c, a, b) => ['even', 'though', ...a, ',', ...b]),
    pair('however', 'train', (_c, a, b) => [...a, '.', 'however', ',', ...b]),
    pair('yet', 'train', (_c, a, b) => [...a, ',', 'yet', ...b]),
    pair('at-first', 'train', (_c, a, b) => ['at', 'first', ...a, ',', 'but', 'then', ...b]),
    pair('opener-but', 'train', (c, a, b) => [...opener(c), ...a, 'but', ...b]),
    pair('but-then-distractor', 'train', (c, a, b) => [...a, 'but', ...b, '.', ...distractor(c.rng)]),
    expect('expected-but', 'train', 'expected', ['but']),
    expect('thought-but', 'train', 'thought', [',', 'but']),
    answer('thought-but-not', 'train', 'thought'),
    pair('though', 'test', (_c, a, b) => ['though', ...a, ',', ...b]),
    pair('distractor-but', 'test', (c, a, b) => [...distractor(c.rng), 'and', ...a, ',', 'but', ...b]),
    pair('however-then-distractor', 'test', (c, a, b) => [...a, '.', 'however', ',', ...b, '.', ...distractor(c.rng)]),
    expect('everyone-but', 'test', 'everyone', [',', 'but']),
    expect('expected-however', 'test', 'expected', ['.', 'however', ',']),
    answer('expected-but-not', 'test', 'expected'),
  ];
}

const FAMILY_WEIGHTS: Record<Family, number> = { plain: 0.25, negation: 0.3, contrast: 0.35, 'not-only': 0.1 };
const FAMILIES: readonly Family[] = ['plain', 'negation', 'contrast', 'not-only'];

function chooseFamily(rng: Rng): Family {
  let u = rng.next();
  for (const f of FAMILIES) {
    u -= FAMILY_WEIGHTS[f];
    if (u < 0) return f;
  }
  return 'contrast';
}

/** Joins tokens into text with "," and "." attached to the word before, as people write. */
export function detokenize(tokens: readonly string[]): string {
  let text = '';
  for (const tok of tokens) {
    if (text.length === 0) text = tok;
    else if (tok === ',' || tok === '.') text += tok;
    else text += ` ${tok}`;
  }
  return text;
}

function buildVocab(): string[] {
  const set = new Set<string>();
  const add = (list: Iterable<string>): void => {
    for (const w of list) set.add(w);
  };
  add(ALL_NOUNS);
  for (const table of [POSITIVE, NEGATIVE]) {
    for (const group of Object.values(table)) add([...words(group.mild), ...words(group.strong)]);
  }
  add(MILD_INTENSIFIERS);
  add(STRONG_INTENSIFIERS);
  add(VERB_ADVERBS);
  for (const v of VERBS) add([v.past, v.base]);
  add(VERB_SUBJECTS.flat());
  for (const c of COPULAS) add([...c.plain, ...c.negated.flat()]);
  add(VERB_NEGATORS.flat());
  add(DETERMINERS);
  add(OPENERS.flat());
  add([...DAYS, ...RELATIVES, ...TIMES, ...NUMBERS]);
  add(words('we went saw on i there with my picked it got at was first time stayed for hours said should go heard about from booked'));
  add(FRAME_WORDS);
  add([',', '.']);
  return ['<unk>', ...[...set].sort()];
}

export const SENTIMENT_LABELS = ['negative', 'positive'];

export const sentimentTokenizer: TokenizerSpec = { kind: 'word', lowercase: true, unk: '<unk>', vocab: buildVocab() };

/** Frames of one split and family, for tests and the CLI's breakdown. */
export function framesOf(split: Split, family?: Family): Frame[] {
  return FRAMES.filter((f) => f.split === split && (family === undefined || f.family === family));
}

/**
 * n sentences of one split, each label drawn uniformly. Tags: the family
 * ('plain' | 'negation' | 'contrast' | 'not-only'), 'negation' again when a contrast's deciding
 * clause is negated, and 'frame:<id>'.
 */
export function generateSentiment(rng: Rng, split: Split, n: number): Example[] {
  const ctx: Ctx = { rng, split };
  const out: Example[] = [];
  while (out.length < n) {
    const family = chooseFamily(rng);
    const frame = pick(rng, framesOf(split, family));
    const label = rng.int(2);
    let built: Built;
    try {
      built = frame.build(ctx, label);
    } catch (err) {
      if (err instanceof Redraw) continue;
      throw err;
    }
    const tags = new Set<string>([family, `frame:${frame.id}`]);
    if (built.negated) tags.add('negation');
    out.push({ text: detokenize(built.tokens), label, tags: [...tags] });
  }
  return out;
}

export const sentimentTask: Task = {
  id: 'sentiment',
  title: 'Sentiment with negation and contrast',
  description: 'Is a short review positive or negative? Watch "not" flip it and "but" overwrite it.',
  tokenizer: sentimentTokenizer,
  labels: SENTIMENT_LABELS,
  generate: generateSentiment,
};
