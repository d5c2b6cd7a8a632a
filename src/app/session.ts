/**
 * The last session (sentence and settings) kept in localStorage, so a reload of a bare link or a
 * closed tab comes back to what the student was doing. The stored form is the URL hash itself, so
 * it is read by the same codec and the same garbage checks as a link. A link's hash wins over the
 * stored session. Storage may be missing (sandboxed iframe, blocked cookies), full, or hold
 * anything: every access is guarded, and a failure only means nothing is remembered.
 */

import type { StoreApi } from 'zustand';
import { USER_TASK } from '../state/models';
import type { Settings, VisState } from '../state/store';
import { HASH_FIELDS, parseHash, settingsOf, toHash } from '../state/url';

export const SESSION_KEY = 'gatescope:session';
const VERSION = 1;

/** The part of Web Storage this module uses (tests pass a fake). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** window.localStorage, or null where reading the property itself throws (a sandboxed frame). */
export function browserStorage(win: Window = window): StorageLike | null {
  try {
    const storage = win.localStorage;
    return storage ?? null;
  } catch {
    return null;
  }
}

/**
 * The stored session's settings; {} when there is none, storage fails, or it holds garbage (which
 * is then removed). Bad keys inside a well-formed entry are dropped like bad keys in a link.
 */
export function readSession(storage: StorageLike | null): Partial<Settings> {
  if (!storage) return {};
  let raw: string | null;
  try {
    raw = storage.getItem(SESSION_KEY);
  } catch {
    return {};
  }
  if (raw === null) return {};
  try {
    const entry: unknown = JSON.parse(raw);
    if (typeof entry === 'object' && entry !== null && (entry as { v?: unknown }).v === VERSION) {
      const hash = (entry as { hash?: unknown }).hash;
      if (typeof hash === 'string') return parseHash(hash).settings;
    }
  } catch {
    // Not JSON: fall through and forget it.
  }
  try {
    storage.removeItem(SESSION_KEY);
  } catch {
    // Nothing more to do: the entry will be overwritten by the next save.
  }
  return {};
}

/** Stores the settings; false when storage is missing, full or refuses. Never throws. */
export function writeSession(storage: StorageLike | null, settings: Settings): boolean {
  if (!storage) return false;
  // A model brought from a file is not kept across reloads, so the session keeps the task instead.
  const parts = toHash(settings).slice(1).split('&');
  const hash = `#${(settings.model === USER_TASK ? parts.filter((p) => !p.startsWith('model=')) : parts).join('&')}`;
  try {
    storage.setItem(SESSION_KEY, JSON.stringify({ v: VERSION, hash }));
    return true;
  } catch {
    return false;
  }
}

/**
 * The settings to start with: the link's hash when it has one (with its problems), else the stored
 * session. `source` says which (for tests and logs).
 */
export function startSettings(hash: string, storage: StorageLike | null): { settings: Partial<Settings>; problems: string[]; source: 'link' | 'session' | 'none' } {
  if (hash.replace(/^#/, '') !== '') return { ...parseHash(hash), source: 'link' };
  const settings = readSession(storage);
  return { settings, problems: [], source: Object.keys(settings).length > 0 ? 'session' : 'none' };
}

/**
 * Saves the store's settings a moment after they change (and at once when the page is hidden).
 * Returns a function that stops saving.
 */
export function persistSession(store: StoreApi<VisState>, storage: StorageLike | null, win: Window = window, delayMs = 400): () => void {
  if (!storage) return () => {};
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = '';
  const save = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const settings = settingsOf(store.getState());
    const key = toHash(settings);
    if (key === last) return;
    last = key;
    writeSession(storage, settings);
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (HASH_FIELDS.every((f) => s[f.field] === prev[f.field])) return;
    if (timer === null) timer = setTimeout(save, delayMs);
  });
  const onHide = (): void => {
    if (timer !== null) save();
  };
  win.addEventListener('pagehide', onHide);
  win.addEventListener('visibilitychange', onHide);
  return () => {
    onHide();
    unsubscribe();
    win.removeEventListener('pagehide', onHide);
    win.removeEventListener('visibilitychange', onHide);
  };
}
