/**
 * The URL hash codec: a readable `key=value&...` form of the settings, driven by one typed schema
 * table. Parsing never throws: a bad value falls back to that key's default and adds a problem
 * message that names the key and what was wrong.
 */

import { CELL_KINDS } from '../engine';
import { isModelPath } from './models';
import { ALL_PANELS, type PanelId } from './panels';
import { COLOR_BY, DEFAULT_SETTINGS, LIMITS, type Settings } from './settings';

type Parsed<T> = { ok: true; value: T; problem?: string } | { ok: false; problem: string };

export interface HashField<K extends keyof Settings = keyof Settings> {
  /** the key in the hash */
  key: string;
  /** the setting it carries */
  field: K;
  parse(raw: string): Parsed<Settings[K]>;
  serialize(value: Settings[K]): string;
  default: Settings[K];
}

/** Longest sentence a link may carry; longer ones are cut with a problem. */
export const MAX_SENTENCE_CHARS = 2000;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function show(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
}

function numberField<K extends 'step' | 'unit' | 'recurrentScale' | 'forgetBias' | 'padTo' | 'seed'>(
  key: string,
  field: K,
  integer: boolean,
): HashField<K> {
  const { min, max } = LIMITS[field];
  return {
    key,
    field,
    default: DEFAULT_SETTINGS[field],
    parse(raw) {
      const n = NUMBER.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { ok: false, problem: `${key}: expected a number, found ${show(raw)}` };
      if (integer && !Number.isInteger(n)) return { ok: false, problem: `${key}: expected a whole number, found ${show(raw)}` };
      if (n < min || n > max) return { ok: false, problem: `${key}: ${n} is outside ${min}..${max}` };
      // -0 and 0 mean the same setting; keep the canonical one.
      return { ok: true, value: (n === 0 ? 0 : n) as Settings[K] };
    },
    serialize: (v) => String(v),
  };
}

function enumField<K extends 'cell' | 'colorBy'>(key: string, field: K, allowed: readonly string[]): HashField<K> {
  return {
    key,
    field,
    default: DEFAULT_SETTINGS[field],
    parse(raw) {
      const v = raw.trim().toLowerCase();
      if (allowed.includes(v)) return { ok: true, value: v as Settings[K] };
      return { ok: false, problem: `${key}: expected one of ${allowed.join(', ')}, found ${show(raw)}` };
    },
    serialize: (v) => String(v),
  };
}

/** The schema: one row per setting, in the order the hash lists them. */
export const HASH_FIELDS: readonly HashField[] = [
  {
    key: 'sentence',
    field: 'sentence',
    default: DEFAULT_SETTINGS.sentence,
    parse(raw) {
      if (raw.length > MAX_SENTENCE_CHARS) {
        return { ok: true, value: raw.slice(0, MAX_SENTENCE_CHARS), problem: `sentence: longer than ${MAX_SENTENCE_CHARS} characters, cut` };
      }
      return { ok: true, value: raw };
    },
    serialize: (v) => String(v),
  } satisfies HashField<'sentence'>,
  enumField('cell', 'cell', CELL_KINDS),
  {
    key: 'model',
    field: 'model',
    default: DEFAULT_SETTINGS.model,
    parse(raw) {
      if (/^[A-Za-z0-9_.-]{1,64}$/.test(raw) || isModelPath(raw)) return { ok: true, value: raw };
      return { ok: false, problem: `model: expected a model name of letters, digits, '-', '_' or '.', or a model file's path, found ${show(raw)}` };
    },
    serialize: (v) => String(v),
  } satisfies HashField<'model'>,
  numberField('step', 'step', true),
  numberField('unit', 'unit', true),
  numberField('scale', 'recurrentScale', false),
  numberField('fbias', 'forgetBias', false),
  numberField('pad', 'padTo', true),
  numberField('seed', 'seed', true),
  {
    key: 'panels',
    field: 'panels',
    default: DEFAULT_SETTINGS.panels,
    parse(raw) {
      const names = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const bad = names.filter((p) => !ALL_PANELS.includes(p as PanelId));
      const value = ALL_PANELS.filter((p) => names.includes(p));
      if (bad.length > 0) {
        return { ok: true, value, problem: `panels: unknown panel ${bad.map(show).join(', ')} ignored (known: ${ALL_PANELS.join(', ')})` };
      }
      return { ok: true, value };
    },
    serialize: (v) => (v as PanelId[]).join(','),
  } satisfies HashField<'panels'>,
  {
    key: 'compare',
    field: 'compare',
    default: DEFAULT_SETTINGS.compare,
    parse(raw) {
      const v = raw.trim().toLowerCase();
      if (v === '1' || v === 'true') return { ok: true, value: true };
      if (v === '0' || v === 'false') return { ok: true, value: false };
      return { ok: false, problem: `compare: expected 1 or 0, found ${show(raw)}` };
    },
    serialize: (v) => (v ? '1' : '0'),
  } satisfies HashField<'compare'>,
  enumField('color', 'colorBy', COLOR_BY),
  // Last, so the links written before it existed read the same up to here.
  {
    key: 'collapsed',
    field: 'collapsed',
    default: DEFAULT_SETTINGS.collapsed,
    parse(raw) {
      const names = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const bad = [...new Set(names.filter((p) => !ALL_PANELS.includes(p as PanelId)))];
      const value = ALL_PANELS.filter((p) => names.includes(p));
      if (bad.length > 0) {
        // A junk link can name thousands: a few are enough to recognise it.
        const named = bad.slice(0, 3).map(show).join(', ') + (bad.length > 3 ? ` and ${bad.length - 3} more` : '');
        return { ok: true, value, problem: `collapsed: unknown panel ${named} ignored (known: ${ALL_PANELS.join(', ')})` };
      }
      return { ok: true, value };
    },
    serialize: (v) => (v as PanelId[]).join(','),
  } satisfies HashField<'collapsed'>,
] as HashField[];

const BY_KEY = new Map(HASH_FIELDS.map((f) => [f.key, f]));

/** Replaces lone UTF-16 surrogates (which encodeURIComponent rejects) with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function encode(value: string): string {
  // Commas, colons and slashes are safe inside a hash value and keep the link readable.
  return encodeURIComponent(wellFormed(value)).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/** The settings a state (or any object holding them) carries: the hash fields, picked out. */
export function settingsOf(s: Settings): Settings {
  const out = {} as Record<string, unknown>;
  for (const f of HASH_FIELDS) out[f.field] = s[f.field];
  return out as unknown as Settings;
}

/** The settings as a hash string starting with '#', every key listed so a link is exact. */
export function toHash(settings: Settings): string {
  const parts = HASH_FIELDS.map((f) => `${f.key}=${encode(f.serialize(settings[f.field] as never))}`);
  return `#${parts.join('&')}`;
}

/**
 * Reads a hash (with or without the leading '#'). Returns the settings it names and one problem
 * message per bad key; a bad key is left out of `settings` so the caller's default stands.
 */
export function parseHash(hash: string): { settings: Partial<Settings>; problems: string[] } {
  const settings: Partial<Settings> = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  const body = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? null : part.slice(eq + 1);
    let key: string;
    try {
      key = decodeURIComponent(rawKey);
    } catch {
      problems.push(`${show(rawKey)}: broken percent-encoding in a key, ignored`);
      continue;
    }
    const field = BY_KEY.get(key);
    if (!field) {
      problems.push(`unknown setting ${show(key)} ignored`);
      continue;
    }
    if (rawValue === null) {
      problems.push(`${key}: no value given (expected ${key}=...), using the default`);
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(rawValue);
    } catch {
      problems.push(`${key}: broken percent-encoding in ${show(rawValue)}, using the default`);
      continue;
    }
    if (seen.has(key)) problems.push(`${key}: given more than once, the last one counts`);
    seen.add(key);
    const parsed = field.parse(value);
    if (parsed.ok) {
      (settings as Record<string, unknown>)[field.field] = parsed.value;
      if (parsed.problem) problems.push(parsed.problem);
    } else {
      delete (settings as Record<string, unknown>)[field.field];
      problems.push(`${parsed.problem}, using the default`);
    }
  }
  return { settings, problems: capProblems(problems) };
}

/**
 * Each problem once, at most MAX_PROBLEMS of them (a junk link can name thousands of bad keys);
 * when some must go, the ones about real settings are kept before the unknown keys.
 */
function capProblems(problems: string[]): string[] {
  const unique = Array.from(new Set(problems));
  if (unique.length <= MAX_PROBLEMS) return unique;
  const isUnknown = (p: string) => p.startsWith('unknown setting ');
  const kept = [...unique.filter((p) => !isUnknown(p)), ...unique.filter(isUnknown)].slice(0, MAX_PROBLEMS - 1);
  kept.push(`... and ${unique.length - kept.length} more problems`);
  return kept;
}

/** Most problem messages `parseHash` returns; the last one counts those left out. */
export const MAX_PROBLEMS = 12;

/** The keys whose change should add a browser history entry (the rest replace the current one). */
export const HISTORY_FIELDS: readonly (keyof Settings)[] = ['sentence', 'cell', 'model'];
