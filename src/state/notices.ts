/**
 * Every sentence the page says about which model is shown and why, and about input it could not
 * run, in one table. Choosing the model (resolveModel.ts) returns a code; this module words it.
 */

import { CELL_LABEL, type CellKind } from '../engine';

/** Why the model shown is not the one asked for (null in state when it is). */
export type Notice =
  | { code: 'user-model-gone' }
  | { code: 'user-model-other-cell'; userCell: CellKind; cell: CellKind }
  | { code: 'model-file-loading'; path: string }
  | { code: 'library-loading' }
  | { code: 'library-empty' }
  | { code: 'no-such-task'; task: string }
  | { code: 'no-such-cell'; task: string; cell: CellKind }
  | { code: 'cell-loading'; cell: CellKind }
  | { code: 'cell-failed'; cell: CellKind; message: string };

type NoticeOf<C extends Notice['code']> = Extract<Notice, { code: C }>;

const NOTICE_TEXT: { [C in Notice['code']]: (n: NoticeOf<C>) => string } = {
  'user-model-gone': () => 'The loaded model is not available any more (it is not kept across reloads); showing random weights.',
  'user-model-other-cell': (n) => `Your model is ${CELL_LABEL[n.userCell]}; this ${CELL_LABEL[n.cell]} has random weights with its vocabulary and sizes.`,
  'model-file-loading': (n) => `Loading the model file ${n.path}; showing random weights until it arrives.`,
  'library-loading': () => 'Loading the trained models; showing random weights until they arrive.',
  'library-empty': () => 'No trained models are available, so the model has seeded random weights.',
  'no-such-task': (n) => `There is no trained model for "${n.task}"; showing random weights.`,
  'no-such-cell': (n) =>
    `There is no trained ${CELL_LABEL[n.cell]} for "${n.task}"; this ${CELL_LABEL[n.cell]} has random weights with the same vocabulary and sizes.`,
  'cell-loading': (n) => `Loading the trained ${CELL_LABEL[n.cell]}; showing random weights until it arrives.`,
  'cell-failed': (n) => `The trained ${CELL_LABEL[n.cell]} could not be loaded (${n.message}); showing random weights.`,
};

/** The notice as the page shows it. */
export function noticeText(notice: Notice): string {
  return (NOTICE_TEXT[notice.code] as (n: Notice) => string)(notice);
}

/** The problems with a run the student should see, worded. */
export const RUN_PROBLEM = {
  truncated: (maxTokens: number) => `Only the first ${maxTokens} tokens are shown.`,
  empty: 'The sentence is empty: type at least one word to see the model read it.',
  failed: (message: string) => `The model could not run on this sentence (${message}); showing random weights instead.`,
} as const;
