/**
 * Where the visualizer's models come from: the shipped catalogue (public/models/index.json and its
 * model files, fetched same-origin) or, when that is missing, seeded random weights over a small
 * built-in vocabulary. Everything here is plain data + functions; the store decides when to call it.
 */

import { initParams } from '../engine';
import { parseModelText } from '../engine';
import { CELL_KINDS, type CellKind, type Model, type TokenizerSpec } from '../engine';

/** One row of public/models/index.json. */
export interface ModelEntry {
  id: string;
  file: string;
  task: string;
  cell: CellKind;
  testAccuracy: number | null;
  description: string;
  sentence: string;
}

/** Reads a text resource; the app passes a same-origin fetch, tests pass a map lookup. */
export type FetchText = (url: string) => Promise<string>;

/** The task id that means "no trained model, seeded random weights". */
export const RANDOM_TASK = 'random';

/** The task id of a model the user brought (a loaded file, a `model=` path, or live training). */
export const USER_TASK = 'user';

export const INDEX_URL = './models/index.json';

/**
 * True when a model setting names a model file (`model=./models/my.json`, `model=my.json`) rather
 * than a task id. Whether it may be fetched (same site only) is decided where it is loaded.
 */
export function isModelPath(model: string): boolean {
  return model.length <= 1000 && /^[^\s"'<>`\\]+\.json$/i.test(model);
}

/** Sizes of the random fallback model: small enough to read, big enough to show structure. */
export const RANDOM_SIZES = { inputSize: 16, hiddenSize: 32 } as const;

/** Labels of the random model: sentiment-like, so the default sentence reads naturally. */
export const RANDOM_LABELS = ['negative', 'positive'];

// ~60 everyday words for the untrained fallback, so a typed sentence mostly lands in the vocabulary.
const BUILTIN_WORDS = (
  '<unk> . , ! the a an and but or not no never very really quite too so it this that was is ' +
  'are were be i you we they movie film plot story acting ending music actors good great ' +
  'wonderful fun love loved like best bad awful terrible boring worst hate hated weak dull ' +
  'at all only also expected to of in'
).split(' ');

export const BUILTIN_TOKENIZER: TokenizerSpec = {
  kind: 'word',
  lowercase: true,
  unk: '<unk>',
  vocab: BUILTIN_WORDS,
};

export const BUILTIN_SENTENCE = 'the movie was not good at all';

/**
 * Seeded random weights for `cell`. With `like`, the random model copies its tokenizer, labels and
 * sizes so it can stand in for a missing trained cell of the same task.
 */
export function randomModel(cell: CellKind, seed: number, like?: Model): Model {
  const tokenizer = like?.tokenizer ?? BUILTIN_TOKENIZER;
  const labels = like?.labels ?? RANDOM_LABELS;
  const params = initParams({
    cell,
    inputSize: like?.params.inputSize ?? RANDOM_SIZES.inputSize,
    hiddenSize: like?.params.hiddenSize ?? RANDOM_SIZES.hiddenSize,
    vocabSize: tokenizer.vocab.length,
    numClasses: labels.length,
    seed,
  });
  return { name: 'random weights (untrained)', params, tokenizer, labels };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates index.json. Bad rows are skipped with a problem that names the row and field, so one
 * broken entry does not hide the others.
 */
export function parseIndex(value: unknown): { entries: ModelEntry[]; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(value) || !Array.isArray(value.models)) {
    return { entries: [], problems: ['models/index.json: expected an object with a "models" array'] };
  }
  const entries: ModelEntry[] = [];
  value.models.forEach((row: unknown, i: number) => {
    const where = `models/index.json models[${i}]`;
    if (!isRecord(row)) {
      problems.push(`${where}: not an object`);
      return;
    }
    for (const key of ['id', 'file', 'task'] as const) {
      if (typeof row[key] !== 'string' || row[key] === '') {
        problems.push(`${where}: "${key}" must be a non-empty string`);
        return;
      }
    }
    if (!CELL_KINDS.includes(row.cell as CellKind)) {
      problems.push(`${where}: "cell" must be one of ${CELL_KINDS.join(', ')}`);
      return;
    }
    const file = row.file as string;
    // Same-origin only: a model file is a relative path inside models/.
    if (/^[a-z][a-z0-9+.-]*:/i.test(file) || file.startsWith('/') || file.includes('..')) {
      problems.push(`${where}: "file" must be a relative path inside models/`);
      return;
    }
    entries.push({
      id: row.id as string,
      file,
      task: row.task as string,
      cell: row.cell as CellKind,
      testAccuracy: typeof row.testAccuracy === 'number' && Number.isFinite(row.testAccuracy) ? row.testAccuracy : null,
      description: typeof row.description === 'string' ? row.description : '',
      sentence: typeof row.sentence === 'string' ? row.sentence : '',
    });
  });
  return { entries, problems };
}

/** The task ids of a catalogue, in first-seen order. */
export function taskIds(entries: readonly ModelEntry[]): string[] {
  return [...new Set(entries.map((e) => e.task))];
}

export function modelUrl(entry: ModelEntry): string {
  return `./models/${entry.file.replace(/^\.\//, '')}`;
}

export async function loadIndex(fetchText: FetchText): Promise<{ entries: ModelEntry[]; problems: string[] }> {
  let text: string;
  try {
    text = await fetchText(INDEX_URL);
  } catch (err) {
    return { entries: [], problems: [`models/index.json could not be loaded (${errorText(err)})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { entries: [], problems: [`models/index.json is not valid JSON (${errorText(err)})`] };
  }
  return parseIndex(json);
}

export async function loadModelFile(entry: ModelEntry, fetchText: FetchText): Promise<Model> {
  const text = await fetchText(modelUrl(entry));
  return parseModelText(text);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The browser's same-origin fetch as a FetchText that fails on HTTP errors. */
export const browserFetchText: FetchText = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
};
