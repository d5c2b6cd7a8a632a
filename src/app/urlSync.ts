/**
 * Keeps the URL hash and one visualizer store in step: state changes write the hash (a new history
 * entry when the sentence, cell or model changes, a replacement otherwise), and back/forward or an
 * edited hash restore the state. Returns a function that stops syncing.
 */

import type { StoreApi } from 'zustand';
import { DEFAULT_SETTINGS, type VisState } from '../state/store';
import { HASH_FIELDS, HISTORY_FIELDS, parseHash, settingsOf, toHash } from '../state/url';

/** Typing a sentence adds one history entry per pause, not one per keystroke. */
const TYPING_PAUSE_MS = 1200;

export interface SyncOptions {
  /**
   * Replacements (step, unit, knobs, typing) are written once changes have paused this long: a
   * history call costs 1 to 2 ms in Chromium (and browsers throttle them), so stepping, typing and
   * knob drags must not make one per frame. 0 writes at once. Leaving the page writes a pending one.
   */
  replaceDelayMs?: number;
}

export function restoreFromHash(store: StoreApi<VisState>, hash: string): void {
  const { settings, problems } = parseHash(hash);
  store.getState().applySettings({ ...DEFAULT_SETTINGS, ...settings }, problems);
}

export function syncUrl(store: StoreApi<VisState>, win: Window = window, options: SyncOptions = {}): () => void {
  const replaceDelay = options.replaceDelayMs ?? 150;
  let lastSentencePush = 0;
  let lastPushed = settingsOf(store.getState());
  // While restoring from the URL, writes only canonicalise the hash; they never add history.
  let restoring = false;
  let pending: ReturnType<typeof setTimeout> | null = null;

  const replaceNow = (): void => {
    if (pending !== null) clearTimeout(pending);
    pending = null;
    const hash = toHash(settingsOf(store.getState()));
    if (hash !== win.location.hash) win.history.replaceState(null, '', hash);
  };

  const write = (state: VisState, prev: VisState): void => {
    // Most updates (a new trace, hover, refined norms) touch no setting: nothing to encode.
    if (HASH_FIELDS.every((f) => state[f.field] === prev[f.field])) return;
    const next = settingsOf(state);
    const changed = HISTORY_FIELDS.filter((k) => next[k] !== lastPushed[k]);
    // Model loading swaps in the task's example sentence by itself: not a step the student took.
    const automatic = restoring || state.library !== prev.library;
    let push = changed.length > 0 && !automatic;
    if (push && changed.length === 1 && changed[0] === 'sentence') {
      const now = Date.now();
      if (now - lastSentencePush < TYPING_PAUSE_MS) push = false;
      lastSentencePush = now;
    }
    if (push) {
      const hash = toHash(next);
      if (hash === win.location.hash && pending === null) return;
      // The entry being left keeps the view as it was just before this change.
      if (pending !== null) {
        clearTimeout(pending);
        pending = null;
        const before = toHash(settingsOf(prev));
        if (before !== win.location.hash) win.history.replaceState(null, '', before);
      }
      win.history.pushState(null, '', hash);
      lastPushed = next;
      return;
    }
    if (automatic || changed.length === 0) lastPushed = next;
    // A replacement is encoded when it is written (replaceNow), not on every key press.
    if (replaceDelay <= 0) replaceNow();
    else {
      // Restarted by every change: the write lands in a pause, not between two key presses.
      if (pending !== null) clearTimeout(pending);
      pending = setTimeout(replaceNow, replaceDelay);
    }
  };

  const unsubscribe = store.subscribe(write);
  const onNavigate = () => {
    if (pending !== null) clearTimeout(pending);
    pending = null;
    if (win.location.hash === toHash(settingsOf(store.getState()))) return;
    restoring = true;
    try {
      restoreFromHash(store, win.location.hash);
    } finally {
      restoring = false;
    }
    lastPushed = settingsOf(store.getState());
  };
  // Leaving or hiding the page writes a pending replacement, so a reload shows the last step.
  const onHide = () => {
    if (pending !== null) replaceNow();
  };
  win.addEventListener('popstate', onNavigate);
  win.addEventListener('hashchange', onNavigate);
  win.addEventListener('pagehide', onHide);
  win.addEventListener('visibilitychange', onHide);
  // Write the full hash once so a copied link is exact from the start.
  win.history.replaceState(null, '', toHash(settingsOf(store.getState())));
  return () => {
    onHide();
    unsubscribe();
    win.removeEventListener('popstate', onNavigate);
    win.removeEventListener('hashchange', onNavigate);
    win.removeEventListener('pagehide', onHide);
    win.removeEventListener('visibilitychange', onHide);
  };
}
