/**
 * Choosing the model for (task, cell): the trained one when it is loaded, the user's own, or
 * labelled random weights, with a notice code saying why (worded in notices.ts). Pure: it reads
 * the model source it is given and makes random stand-ins through the `random` it is handed.
 */

import { CELL_LABEL, type CellKind, type Model } from '../engine';
import { RANDOM_TASK, USER_TASK, isModelPath } from './models';
import { loadedEntry, type ModelSource } from './modelSource';
import { noticeText, type Notice } from './notices';

export interface ModelInfo {
  /** catalogue entry id, or 'random' */
  id: string;
  /** the task the settings asked for ('random' for the built-in model) */
  task: string;
  /** what the page shows next to the picker, e.g. "sentiment LSTM, trained (test accuracy 97%)" */
  label: string;
  trained: boolean;
  cell: CellKind;
  H: number;
  labels: string[];
  description: string;
  testAccuracy: number | null;
}

export interface Resolved {
  model: Model;
  info: ModelInfo;
  notice: Notice | null;
}

/**
 * Makes (or finds) seeded random weights for a cell; with `like`, in the vocabulary and sizes of
 * that model, `like.id` naming it for the cache.
 */
export type RandomModels = (cell: CellKind, seed: number, like?: { id: string; model: Model }) => Model;

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** How the page describes random weights standing in for `task`. */
export function randomInfo(cell: CellKind, task: string, model: Model): ModelInfo {
  return {
    id: RANDOM_TASK,
    task,
    label: 'random weights (untrained)',
    trained: false,
    cell,
    H: model.params.hiddenSize,
    labels: model.labels,
    description: 'Seeded random weights: the gates move, but nothing has been learned.',
    testAccuracy: null,
  };
}

/** The model for (task, cell): the trained one if loaded, the user's, else labelled random weights. */
export function resolveModel(task: string, cell: CellKind, seed: number, source: ModelSource, random: RandomModels): Resolved {
  const builtin = (notice: Notice | null): Resolved => {
    const model = random(cell, seed);
    return { model, info: randomInfo(cell, task, model), notice };
  };
  if (task === RANDOM_TASK) return builtin(null);
  const { userModel, library } = source;
  if (task === USER_TASK || (userModel !== null && task === userModel.meta.path)) {
    if (!userModel) return builtin({ code: 'user-model-gone' });
    const { model, meta } = userModel;
    if (model.params.cell !== cell) {
      // Stand-ins are cached per user model: the version changes with each model handed over.
      const stand = random(cell, seed, { id: `user:${source.libraryVersion}`, model });
      return { model: stand, info: randomInfo(cell, task, stand), notice: { code: 'user-model-other-cell', userCell: model.params.cell, cell } };
    }
    const label = `${meta.label} (${CELL_LABEL[cell]}, ${meta.source === 'training' ? 'training' : 'your model'})`;
    const info: ModelInfo = { id: USER_TASK, task, label, trained: true, cell, H: model.params.hiddenSize, labels: model.labels, description: model.name ?? meta.label, testAccuracy: null };
    return { model, info, notice: null };
  }
  if (isModelPath(task)) return builtin({ code: 'model-file-loading', path: task });
  if (library.status === 'idle') return builtin(null);
  if (library.status === 'loading') return builtin({ code: 'library-loading' });
  const entries = library.entries.filter((e) => e.task === task);
  if (entries.length === 0) return builtin(library.entries.length === 0 ? { code: 'library-empty' } : { code: 'no-such-task', task });

  // A cell without its trained model gets random weights in the vocabulary and sizes of a loaded sibling.
  let like: { id: string; model: Model } | undefined;
  for (const e of entries) {
    const l = loadedEntry(source.loaded, e.id);
    if (l?.state === 'ok') {
      like = { id: e.id, model: l.model };
      break;
    }
  }
  const stand = (notice: Notice): Resolved => {
    const model = random(cell, seed, like);
    return { model, info: randomInfo(cell, task, model), notice };
  };
  const entry = entries.find((e) => e.cell === cell);
  if (!entry) return stand({ code: 'no-such-cell', task, cell });
  const l = loadedEntry(source.loaded, entry.id);
  if (!l || l.state === 'loading') return stand({ code: 'cell-loading', cell });
  if (l.state === 'failed') return stand({ code: 'cell-failed', cell, message: l.message });
  const acc = entry.testAccuracy !== null ? `, test accuracy ${percent(entry.testAccuracy > 1 ? entry.testAccuracy / 100 : entry.testAccuracy)}` : '';
  return {
    model: l.model,
    info: {
      id: entry.id,
      task,
      label: `${task} ${CELL_LABEL[cell]}, trained${acc}`,
      trained: true,
      cell,
      H: l.model.params.hiddenSize,
      labels: l.model.labels,
      description: entry.description,
      testAccuracy: entry.testAccuracy,
    },
    notice: null,
  };
}

/** The notice of a resolved model as the page shows it, or null. */
export function resolvedNotice(r: Resolved): string | null {
  return r.notice ? noticeText(r.notice) : null;
}
