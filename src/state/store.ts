/**
 * One visualizer's store: a framework-free zustand store of six slices, composed here once.
 *
 *   settings      what a URL carries, limits and defaults, URL problems        (settings.ts)
 *   model source  catalogue, loaded files, the user's model, pending requests  (modelSource.ts)
 *   derived run   model, tokens, trace, gradients, Jacobian norms: `derive`    (derived.ts)
 *   refinement    quick Jacobian norms made precise after a pause             (refinement.ts)
 *   playback      hover, forward and backward playback                         (playback.ts)
 *   story         the first screen's RNN / LSTM / GRU gradients, by sentence    (story.ts)
 *
 * Every write is a named action. The expensive derivation runs only in `recompute`, when one of its
 * inputs changed; stepping, hovering and selecting a unit never touch the engine. React reads the
 * store through src/state/context.tsx.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import { CELL_LABEL } from '../engine';
import { createDerivedSlice, type DerivedSlice } from './derived';
import type { FetchText } from './models';
import { createModelSourceSlice, type ModelSourceSlice } from './modelSource';
import { createPlaybackSlice, type PlaybackSlice } from './playback';
import { createRefinementSlice, type RefinementSlice } from './refinement';
import { DEFAULT_ENGINE, type Engine } from './run';
import { RunCache } from './runCache';
import { createStorySlice, type StorySlice } from './story';
import { createSettingsSlice, startingSettings, type Settings, type SettingsSlice } from './settings';
import { createTimers } from './timers';

export type { CellRun, Derived } from './derived';
export { STORY_FORGET_BIAS, STORY_PAD, decade, productPaths, storySentence, whyCaption, type WhyNumbers, type Story, type StoryCurve, type StoryRun, type StoryView } from './story';
export type { Library, Loaded, UserModel, UserModelMeta } from './modelSource';
export { ALL_PANELS, DEFAULT_PANELS, PANEL_TITLE, type PanelId } from './panels';
export type { ModelInfo } from './resolveModel';
export { MAX_VIEW_TOKENS, type Engine } from './run';
export { JACOBIAN_PRECISE, JACOBIAN_QUICK } from './runCache';
export { COLOR_BY, DEFAULT_SETTINGS, LIMITS, clamp, type ColorBy, type KnobName, type Settings } from './settings';

/** Each cell's name as the page writes it (the engine's table, re-exported for the views). */
export { CELL_LABEL };

/** The whole state: every slice's fields and actions, plus `dispose`. */
export interface VisState extends SettingsSlice, ModelSourceSlice, DerivedSlice, RefinementSlice, PlaybackSlice, StorySlice {
  /** Stops timers; call when the visualizer unmounts. */
  dispose(): void;
}

export interface VisStoreOptions {
  engine?: Engine;
  /** When given, the store loads models/index.json and the model files through it. */
  fetchText?: FetchText;
  /**
   * When set, recomputation uses quick Jacobian norms and refines them this many ms after the
   * inputs stop changing (the app sets it so typing and dragging stay within a frame).
   * Unset: precise norms at once.
   */
  refineJacobianMs?: number;
}

/**
 * Creates one visualizer's store. `initial` settings override the defaults (a URL hash, an embed's
 * attributes); options inject the engine (tests) and the model loader (the app).
 */
export function createVisStore(initial: Partial<Settings> = {}, options: VisStoreOptions = {}): StoreApi<VisState> {
  const cache = new RunCache(options.engine ?? DEFAULT_ENGINE, options.refineJacobianMs !== undefined);
  const timers = createTimers();
  // The story's runs keep their own cache and the real engine: an injected engine counts the main derivation's calls.
  const storyCache = new RunCache(DEFAULT_ENGINE, false);
  const store = createStore<VisState>()((...a) => {
    const settings = createSettingsSlice(startingSettings(initial), timers)(...a);
    const source = createModelSourceSlice(initial, options.fetchText)(...a);
    return {
      ...settings,
      ...source,
      // After the settings: the first derivation clamps their step and unit.
      ...createDerivedSlice({ ...settings, ...source }, cache, timers)(...a),
      ...createRefinementSlice(cache, timers, options.refineJacobianMs)(...a),
      ...createPlaybackSlice(timers)(...a),
      ...createStorySlice({ ...settings, ...source }, storyCache)(...a),
      dispose() {
        timers.play.stop();
        timers.backward.stop();
        timers.refine.stop();
      },
    };
  });
  // The story reruns only when its sentence, task or models change: a step or a hover costs a key compare.
  store.subscribe((now, prev) => {
    if (now.sentence !== prev.sentence || now.model !== prev.model || now.libraryVersion !== prev.libraryVersion) now.refreshStory();
  });
  const s = store.getState();
  if (!s.jacPrecise) s.scheduleRefine();
  s.loadLibrary();
  return store;
}
