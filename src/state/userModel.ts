/**
 * Bringing your own model: the checks that run before a file or a `model=` path reaches the store
 * (size first, then the model file's own validation, then where a path points), and the layout of
 * the loaded file, which the trace download writes its gradients in.
 */

import type { StoreApi } from 'zustand';
import { MODEL_LIMITS, ModelFileError, parseJsonText, parseModelFile, type ModelLayout } from '../engine';
import type { Model } from '../engine';
import { errorText } from './models';
import type { VisState } from './store';

/**
 * Largest model file accepted, checked before a byte is read: parsing and running a bigger one
 * would freeze the tab. 20 MB holds e.g. an LSTM with H = 512 and a 10 000-word vocabulary.
 */
export const MAX_MODEL_FILE_BYTES = 20 * 1024 * 1024;

/** The limits in words, for messages and docs. */
export const MODEL_LIMITS_TEXT =
  `at most ${MAX_MODEL_FILE_BYTES / 1024 / 1024} MB, a vocabulary of ${MODEL_LIMITS.vocabSize.toLocaleString('en')} entries, ` +
  `hidden and input size ${MODEL_LIMITS.hiddenSize}, ${MODEL_LIMITS.numClasses} labels`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A message when a file of `bytes` is over the limit, else null. */
export function fileSizeProblem(bytes: number): string | null {
  if (bytes <= MAX_MODEL_FILE_BYTES) return null;
  return `the file is ${megabytes(bytes)}, more than the limit of ${MAX_MODEL_FILE_BYTES / 1024 / 1024} MB (limits: ${MODEL_LIMITS_TEXT})`;
}

export type ModelRead =
  | { ok: true; model: Model; layout: ModelLayout }
  /** field: the JSON path at fault, e.g. "weights.weight_hh" or "(json)"; null when it is not one field */
  | { ok: false; field: string | null; message: string };

/** Validates a model file's text; never throws. */
export function readModelText(text: string): ModelRead {
  const tooBig = fileSizeProblem(text.length);
  if (tooBig) return { ok: false, field: null, message: tooBig };
  try {
    const { model, layout } = parseModelFile(parseJsonText(text));
    return { ok: true, model, layout };
  } catch (err) {
    if (err instanceof ModelFileError) return { ok: false, field: err.field, message: `${err.field}: ${err.problem}` };
    return { ok: false, field: null, message: errorText(err) };
  }
}

export type UrlCheck =
  | { ok: true; url: string }
  /** url: the resolved address when it is a web address on another site (the user may confirm it), else null */
  | { ok: false; url: string | null; reason: string };

/**
 * Whether a `model=` value may be fetched without asking: only paths on the page's own site
 * (`./models/my.json`, `my.json`, `/course/my.json`). Another site (`http://other/...`,
 * `//other/...`) needs the user's confirmation; any other scheme (`javascript:`, `data:`) is refused.
 */
export function checkModelUrl(path: string, pageUrl: string): UrlCheck {
  let resolved: URL;
  let page: URL;
  try {
    page = new URL(pageUrl);
    resolved = new URL(path, page);
  } catch {
    return { ok: false, url: null, reason: `"${path}" is not a valid path` };
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:' && resolved.protocol !== page.protocol) {
    return { ok: false, url: null, reason: `"${path}" is a ${resolved.protocol} address; only model files on this site can be loaded` };
  }
  if (resolved.origin !== page.origin || resolved.protocol !== page.protocol) {
    const web = resolved.protocol === 'http:' || resolved.protocol === 'https:';
    return { ok: false, url: web ? resolved.href : null, reason: `"${path}" is on another site (${resolved.host || resolved.protocol})` };
  }
  return { ok: true, url: resolved.href };
}

/** Fetches and validates a model file, refusing an over-limit one before reading it when the size is known. */
export async function fetchModel(url: string, fetchImpl: typeof fetch = fetch): Promise<ModelRead> {
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (err) {
    return { ok: false, field: null, message: `could not fetch ${url} (${errorText(err)})` };
  }
  if (!res.ok) return { ok: false, field: null, message: `could not fetch ${url} (HTTP ${res.status})` };
  const declared = Number(res.headers.get('content-length'));
  const tooBig = Number.isFinite(declared) ? fileSizeProblem(declared) : null;
  if (tooBig) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, field: null, message: tooBig };
  }
  return readModelText(await res.text());
}

// The layout of each store's loaded file, so its trace download names gradients the file's way.
const layouts = new WeakMap<StoreApi<VisState>, ModelLayout>();

export function setUserModelLayout(store: StoreApi<VisState>, layout: ModelLayout): void {
  layouts.set(store, layout);
}

/** The layout of the loaded file; 'pytorch' (the shipped models' layout) otherwise. */
export function userModelLayout(store: StoreApi<VisState>): ModelLayout {
  return layouts.get(store) ?? 'pytorch';
}
