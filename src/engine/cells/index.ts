/**
 * The cells by kind. Adding a kind means one descriptor file here (see cell.ts), its name in the
 * `CellKind` union (types.ts), a plain step in ../reference.ts and a view entry in
 * src/charts/cellViews; the `Record<CellKind, ...>` tables make the compiler point at each.
 * The tables below that other code imports (through types.ts) are read off the descriptors.
 */
import type { CellKind } from '../types';
import type { CellDescriptor } from './cell';
import { gru } from './gru';
import { lstm } from './lstm';
import { rnn } from './rnn';

export type { BackState, CellDescriptor, StepState, StepValues } from './cell';

/** Every cell kind's descriptor; the order is the order the page lists them in. */
export const CELLS: Record<CellKind, CellDescriptor> = { rnn, lstm, gru };

/** The cell kinds, in CELLS order. */
export const CELL_KINDS: readonly CellKind[] = Object.keys(CELLS) as CellKind[];

/** One property of every descriptor, keyed by kind. */
function byKind<T>(pick: (cell: CellDescriptor) => T): Record<CellKind, T> {
  return Object.fromEntries(CELL_KINDS.map((k) => [k, pick(CELLS[k])])) as Record<CellKind, T>;
}

/** Each cell's name as the page writes it. */
export const CELL_LABEL: Record<CellKind, string> = byKind((c) => c.label);

/**
 * Gate names per cell, in the order their blocks are stacked in the weight matrices:
 * lstm i, f, g, o; gru r, z, n; rnn none (its single block is the pre-activation of h).
 */
export const GATE_NAMES: Record<CellKind, readonly string[]> = byKind((c) => c.gates);

/** Number of stacked blocks G in weight_ih / weight_hh: rnn 1, lstm 4, gru 3. */
export const BLOCKS: Record<CellKind, number> = byKind((c) => c.blocks);
