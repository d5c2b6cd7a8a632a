/**
 * The settings slice: what a URL can carry (sentence, cell, model, step, unit, knobs, panels and
 * the collapsed ones, compare, colouring), their limits and defaults, and the problems found reading a URL. A change
 * of an input of the derivation goes through `recompute` (derived.ts); step, unit, panels and
 * colouring never touch the engine.
 */

import type { StateCreator } from 'zustand/vanilla';
import { CELL_KINDS, type CellKind } from '../engine';
import { BUILTIN_SENTENCE } from './models';
import { exampleSentence } from './modelSource';
import { DEFAULT_PANELS, normalizePanels, type PanelId } from './panels';
import type { VisState } from './store';
import type { StoreTimers } from './timers';

export type ColorBy = 'none' | 'unit' | 'saliency';
export const COLOR_BY: readonly ColorBy[] = ['none', 'unit', 'saliency'];

export interface Settings {
  sentence: string;
  cell: CellKind;
  /** task id, e.g. 'sentiment', or 'random' */
  model: string;
  /** 0-based current token */
  step: number;
  /** selected hidden unit */
  unit: number;
  recurrentScale: number;
  forgetBias: number;
  /** pad the sentence to at least this many tokens, 0 = off */
  padTo: number;
  seed: number;
  panels: PanelId[];
  /** panels shown only as their heading (the full page's collapse toggles); they render nothing else */
  collapsed: PanelId[];
  compare: boolean;
  colorBy: ColorBy;
}

/** Allowed ranges of the numeric settings; the URL codec and the knobs use the same table. */
export const LIMITS = {
  recurrentScale: { min: 0, max: 4 },
  forgetBias: { min: -10, max: 10 },
  // 256: the longest sentence the interface budget (issue 6) promises to keep interactive.
  padTo: { min: 0, max: 256 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  step: { min: 0, max: 100_000 },
  unit: { min: 0, max: 100_000 },
} as const;

export const DEFAULT_SETTINGS: Settings = {
  sentence: BUILTIN_SENTENCE,
  cell: 'lstm',
  model: 'sentiment',
  step: 0,
  unit: 0,
  recurrentScale: 1,
  forgetBias: 0,
  padTo: 0,
  seed: 1,
  panels: [...DEFAULT_PANELS],
  collapsed: [],
  compare: false,
  colorBy: 'unit',
};

export type KnobName = 'recurrentScale' | 'forgetBias' | 'padTo' | 'seed';

/** `v` limited to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** `v` rounded and limited to [lo, hi]; not-a-number counts as `lo`. */
export function clampInt(v: number, lo: number, hi: number): number {
  return clamp(Math.round(Number.isFinite(v) ? v : lo), lo, hi);
}

/** The defaults with `initial` over them, the panel lists copied so the defaults are never shared. */
export function startingSettings(initial: Partial<Settings>): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...initial,
    panels: [...(initial.panels ?? DEFAULT_SETTINGS.panels)],
    collapsed: normalizePanels(initial.collapsed ?? DEFAULT_SETTINGS.collapsed),
  };
}

export interface SettingsSlice extends Settings {
  /** problems found while reading the URL hash (or an embed's attributes), shown once to the student */
  urlProblems: string[];
  setSentence(sentence: string): void;
  setStep(step: number): void;
  stepBy(delta: number): void;
  setUnit(unit: number): void;
  setCell(cell: CellKind): void;
  /** Switches the task; a task with an example sentence shows it (it usually has another vocabulary). */
  setModel(task: string): void;
  setKnob(name: KnobName, value: number): void;
  setPanels(panels: PanelId[]): void;
  /** Collapses a panel to its heading (it stops rendering) or opens it again. */
  setPanelCollapsed(id: PanelId, collapsed: boolean): void;
  setCompare(compare: boolean): void;
  setColorBy(colorBy: ColorBy): void;
  /** Applies many settings at once (URL restore) with one recompute; `urlProblems` replace the shown ones. */
  applySettings(settings: Partial<Settings>, urlProblems?: string[]): void;
  /** Shows these problems with the URL (or the embed's attributes), replacing any shown. */
  setUrlProblems(problems: string[]): void;
  /** Adds problems to those shown, each once. */
  addUrlProblems(problems: string[]): void;
  /** The student closed the list of URL problems. */
  dismissUrlProblems(): void;
}

/** The settings slice; `initial` overrides the defaults, `timers` lets a URL restore stop playback. */
export function createSettingsSlice(initial: Settings, timers: StoreTimers): StateCreator<VisState, [], [], SettingsSlice> {
  return (set, get) => ({
    ...initial,
    urlProblems: [],
    setSentence(sentence) {
      if (sentence === get().sentence) return;
      get().recompute({ sentence, sentenceTouched: true, wanted: null });
    },
    setStep(step) {
      const s = get();
      const next = clampInt(step, 0, Math.max(0, s.trace.T - 1));
      const patch: Partial<VisState> = {};
      if (s.wanted !== null) patch.wanted = null;
      if (next !== s.step) patch.step = next;
      if (patch.wanted !== undefined || patch.step !== undefined) set(patch);
    },
    stepBy(delta) {
      get().setStep(get().step + delta);
    },
    setUnit(unit) {
      const s = get();
      const next = clampInt(unit, 0, Math.max(0, s.trace.H - 1));
      const patch: Partial<VisState> = {};
      // A link's step may still wait for its model: the unit picked now is the one kept when it arrives.
      if (s.wanted !== null) patch.wanted = { ...s.wanted, unit: next };
      if (next !== s.unit) patch.unit = next;
      if (patch.wanted !== undefined || patch.unit !== undefined) set(patch);
    },
    setCell(cell) {
      if (cell === get().cell || !CELL_KINDS.includes(cell)) return;
      get().recompute({ cell, wanted: null });
    },
    setModel(task) {
      if (task === get().model) return;
      const example = exampleSentence(get().library.entries, task);
      // A new task usually has another vocabulary (or reads characters): show its example sentence.
      const patch: Partial<VisState> = example !== null ? { model: task, sentence: example, step: 0, wanted: null } : { model: task, wanted: null };
      get().recompute(patch);
      get().loadTask(task);
    },
    setKnob(name, value) {
      const lim = LIMITS[name];
      const integer = name === 'padTo' || name === 'seed';
      if (!Number.isFinite(value)) return;
      const v = integer ? clampInt(value, lim.min, lim.max) : clamp(value, lim.min, lim.max);
      if (v === get()[name]) return;
      get().recompute({ [name]: v });
    },
    setPanels(panels) {
      set({ panels: normalizePanels(panels) });
    },
    setPanelCollapsed(id, collapsed) {
      const now = get().collapsed;
      if (now.includes(id) === collapsed) return;
      set({ collapsed: normalizePanels(collapsed ? [...now, id] : now.filter((p) => p !== id)) });
    },
    setCompare(compare) {
      if (compare === get().compare) return;
      get().recompute({ compare });
    },
    setColorBy(colorBy) {
      if (COLOR_BY.includes(colorBy)) set({ colorBy });
    },
    applySettings(settings, urlProblems = []) {
      const s = get();
      const patch: Partial<VisState> = { urlProblems };
      for (const [k, v] of Object.entries(settings)) {
        if (v !== undefined) (patch as Record<string, unknown>)[k] = v;
      }
      if (patch.panels) patch.panels = normalizePanels(patch.panels);
      if (patch.collapsed) patch.collapsed = normalizePanels(patch.collapsed);
      if (settings.sentence !== undefined) patch.sentenceTouched = true;
      // Kept until the model that gives them meaning is shown (it may still be loading).
      patch.wanted = { step: patch.step ?? s.step, unit: patch.unit ?? s.unit };
      timers.play.stop();
      get().recompute({ ...patch, playing: false });
      get().loadTask(get().model);
    },
    setUrlProblems(problems) {
      if (problems.length === 0 && get().urlProblems.length === 0) return;
      set({ urlProblems: [...problems] });
    },
    addUrlProblems(problems) {
      if (problems.length === 0) return;
      set({ urlProblems: [...new Set([...get().urlProblems, ...problems])] });
    },
    dismissUrlProblems() {
      if (get().urlProblems.length > 0) set({ urlProblems: [] });
    },
  });
}
