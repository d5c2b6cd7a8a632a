/**
 * The view side of the cell descriptor: one entry per cell kind with its equations (Equations.tsx)
 * and its diagram's parts and schematic (CellDiagram.tsx); the label and gate names come from the
 * engine's descriptor. `Record<CellKind, CellView>` makes the compiler ask a new kind for its view.
 */
import type { ReactNode } from 'react';
import { CELL_LABEL, type CellKind } from '../../engine';
import { gruView } from './gru';
import { lstmView } from './lstm';
import type { CellStepValues, DiagramKit, Equation, EquationContext, PartInfo } from './shared';
import { rnnView } from './rnn';

export type { BoxProps, CellStepValues, DiagramKit, Equation, EquationContext, PartInfo, Scale } from './shared';
export { formatValue, Sym } from './shared';

export interface CellView {
  /** the name the page writes ('LSTM'): the engine descriptor's label */
  label: string;
  /** the cell's equations, each with its live form for one unit at one step */
  equations(ctx: EquationContext): Equation[];
  /** the diagram's explainable parts at one step, by id */
  parts(v: CellStepValues): Record<string, PartInfo>;
  /** the diagram's schematic, drawn with CellDiagram's kit */
  diagram(kit: DiagramKit): ReactNode;
  /** "What to notice" of the cell diagram panel and of the heatmaps panel for this cell */
  notice: { diagram: string; heatmaps: string };
}

/** A view entry with the label of the engine's descriptor. */
const labelled = (cell: CellKind, view: Omit<CellView, 'label'>): CellView => ({ label: CELL_LABEL[cell], ...view });

/** Each cell kind's view. */
export const CELL_VIEWS: Record<CellKind, CellView> = {
  rnn: labelled('rnn', rnnView),
  lstm: labelled('lstm', lstmView),
  gru: labelled('gru', gruView),
};
