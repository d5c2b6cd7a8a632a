/**
 * The model source slice: where models come from and what has arrived. The catalogue
 * (models/index.json), the model files loaded so far, the user's own model, and the bits of
 * history that decide what the page shows while they load (has the student typed? is a link's
 * step waiting for its model?). All of it is state, so what the derivation reads is visible.
 */

import type { StateCreator } from 'zustand/vanilla';
import type { Model } from '../engine';
import { USER_TASK, errorText, loadIndex, loadModelFile, taskIds, type FetchText, type ModelEntry } from './models';
import type { Settings } from './settings';
import type { VisState } from './store';

export interface Library {
  /** idle: no loader (tests, embeds); loading: index.json on its way; ready: index known (maybe empty) */
  status: 'idle' | 'loading' | 'ready';
  entries: ModelEntry[];
  tasks: string[];
  problems: string[];
}

/** One catalogue model file: on its way, arrived, or failed with a message. */
export type Loaded = { state: 'loading' } | { state: 'ok'; model: Model } | { state: 'failed'; message: string };

/** Where a user model came from, for its label. */
export interface UserModelMeta {
  /** e.g. "my-lstm.json" or "training step 120" */
  label: string;
  source: 'file' | 'url' | 'training';
  /** the `model=` path it was loaded from: the model setting keeps it, so a link loads it again */
  path?: string;
}

export interface UserModel {
  model: Model;
  meta: UserModelMeta;
}

/** What choosing a model reads (resolveModel.ts). */
export interface ModelSource {
  library: Library;
  /** catalogue files by entry id; read with `loadedEntry` (ids are arbitrary strings) */
  loaded: Readonly<Record<string, Loaded>>;
  userModel: UserModel | null;
  /** bumped whenever a model arrives or is handed over: part of the derivation's key */
  libraryVersion: number;
}

export interface ModelSourceSlice extends ModelSource {
  /** the student has typed (or a link set the sentence): the catalogue's example no longer replaces it */
  sentenceTouched: boolean;
  /** the student is in the sentence box: the example that arrives with the catalogue waits */
  sentenceFocused: boolean;
  /** a step and unit asked for by a URL before the model that gives them meaning has loaded */
  wanted: { step: number; unit: number } | null;
  /**
   * The student is in the sentence box (true on focus, false on blur). While they are, the example
   * sentence that arrives with the model library does not replace the box's text under their caret.
   */
  setSentenceFocus(focused: boolean): void;
  /**
   * Shows a model the user brought (a loaded file, a `model=` path, live training): switches the
   * model setting to USER_TASK and the cell to the model's, keeps the sentence. Calling it again
   * (e.g. with newer trained weights) replaces the model and recomputes.
   */
  loadUserModel(model: Model, meta: UserModelMeta): void;
  /** Starts loading the catalogue (the store calls it once when it has a loader). */
  loadLibrary(): void;
  /** Starts loading every model file of `task` that is not loaded yet; each arrival recomputes. */
  loadTask(task: string): void;
}

/** The loaded file of catalogue entry `id`, if any. */
export function loadedEntry(loaded: Readonly<Record<string, Loaded>>, id: string): Loaded | undefined {
  return Object.hasOwn(loaded, id) ? loaded[id] : undefined;
}

/** `loaded` with entry `id` set, as a new object without a prototype (an id may be "__proto__"). */
function withLoaded(loaded: Readonly<Record<string, Loaded>>, id: string, value: Loaded): Record<string, Loaded> {
  return Object.assign(Object.create(null) as Record<string, Loaded>, loaded, { [id]: value });
}

/** The first example sentence the catalogue gives for `task`, or null. */
export function exampleSentence(entries: readonly ModelEntry[], task: string): string | null {
  const found = entries.find((e) => e.task === task && e.sentence !== '');
  return found ? found.sentence : null;
}

/** The model source slice; with `fetchText` it loads the catalogue and model files through it. */
export function createModelSourceSlice(initial: Partial<Settings>, fetchText: FetchText | undefined): StateCreator<VisState, [], [], ModelSourceSlice> {
  return (set, get) => ({
    library: { status: fetchText ? 'loading' : 'idle', entries: [], tasks: [], problems: [] },
    loaded: Object.create(null) as Record<string, Loaded>,
    userModel: null,
    libraryVersion: 0,
    // Until the student types, the sentence follows the chosen task's example sentence.
    sentenceTouched: initial.sentence !== undefined,
    sentenceFocused: false,
    wanted: initial.step !== undefined || initial.unit !== undefined ? { step: initial.step ?? 0, unit: initial.unit ?? 0 } : null,

    setSentenceFocus(focused) {
      if (focused !== get().sentenceFocused) set({ sentenceFocused: focused });
    },
    loadUserModel(model, meta) {
      const s = get();
      s.recompute({
        userModel: { model, meta },
        // The version is part of the recompute key and of the stand-in cache key.
        libraryVersion: s.libraryVersion + 1,
        model: meta.path ?? USER_TASK,
        cell: model.params.cell,
        // A link's step and unit were asked for this model: keep them until it is shown.
        ...(meta.source !== 'url' ? { wanted: null } : {}),
      });
    },
    loadLibrary() {
      if (!fetchText) return;
      void loadIndex(fetchText).then(({ entries, problems }) => {
        const s = get();
        const patch: Partial<VisState> = {
          library: { status: 'ready', entries, tasks: taskIds(entries), problems },
          libraryVersion: s.libraryVersion + 1,
        };
        if (!s.sentenceTouched && !s.sentenceFocused) {
          const example = exampleSentence(entries, s.model);
          if (example !== null) patch.sentence = example;
        }
        s.recompute(patch);
        get().loadTask(get().model);
      });
    },
    loadTask(task) {
      const s = get();
      if (!fetchText || s.library.status !== 'ready') return;
      let loaded = s.loaded;
      const starting: ModelEntry[] = [];
      for (const entry of s.library.entries) {
        if (entry.task !== task || loadedEntry(loaded, entry.id)) continue;
        loaded = withLoaded(loaded, entry.id, { state: 'loading' });
        starting.push(entry);
      }
      if (starting.length === 0) return;
      set({ loaded });
      for (const entry of starting) {
        void loadModelFile(entry, fetchText)
          .then(
            (model): Loaded => ({ state: 'ok', model }),
            (err: unknown): Loaded => ({ state: 'failed', message: errorText(err) }),
          )
          .then((result) => {
            const now = get();
            now.recompute({ loaded: withLoaded(now.loaded, entry.id, result), libraryVersion: now.libraryVersion + 1 });
          });
      }
    },
  });
}
