/**
 * ||dL/dh_t|| (and ||dL/dc_t|| for the LSTM) at every token on a log axis, for the loss at the last
 * token; with several cells (compare mode) one line per cell, told apart by colour, dash and marker.
 */
import { useMemo } from 'react';
import { CELL_LABEL, type CellKind } from '../engine';
import { cssVar } from './theme';
import { NormChart, type MarkerShape, type NormChartProps, type NormSeries } from './NormChart';

export { CELL_LABEL };

/**
 * Okabe-Ito colours (distinguishable with every common colour-vision deficiency), each with its own
 * dash and marker so the lines differ without colour too; the theme retunes them for dark mode.
 */
export const SERIES_STYLE: Record<CellKind | 'lstmC', { color: string; dash?: string; marker: MarkerShape }> = {
  rnn: { color: cssVar('series-rnn'), marker: 'circle' },
  lstm: { color: cssVar('series-lstm'), dash: '8 4', marker: 'square' },
  gru: { color: cssVar('series-gru'), dash: '2 3', marker: 'diamond' },
  lstmC: { color: cssVar('series-lstm-c'), dash: '10 3 2 3', marker: 'cross' },
};

/** The gradient norms of one cell on the sentence. Arrays have one entry per token. */
export interface CellGradient {
  cell: CellKind;
  dhNorm: ArrayLike<number>;
  /** lstm only */
  dcNorm?: ArrayLike<number> | null;
}

export const DH_LABEL = '||dL/dh||';
export const DC_LABEL = '||dL/dc||';

/**
 * One line per cell (plus the LSTM's cell-state line), labelled plainly for one cell and with the
 * cell's name in front when comparing. Shared by the gradient and the Jacobian charts.
 */
export function cellSeries(
  cells: { cell: CellKind; h: ArrayLike<number>; c?: ArrayLike<number> | null }[],
  hLabel: string,
  cLabel: string,
): NormSeries[] {
  const compare = cells.length > 1;
  const out: NormSeries[] = [];
  for (const g of cells) {
    const prefix = compare ? CELL_LABEL[g.cell] + ' ' : '';
    out.push({ key: `${g.cell}-h`, label: prefix + hLabel, values: g.h, ...SERIES_STYLE[g.cell] });
    // The cell-state line, for a cell that keeps one (the LSTM).
    if (g.c) out.push({ key: `${g.cell}-c`, label: prefix + cLabel, values: g.c, ...SERIES_STYLE.lstmC });
  }
  return out;
}

/** The chart's series: unprefixed labels for one cell, "RNN ||dL/dh||" etc. when comparing. */
export function gradientSeries(cells: CellGradient[]): NormSeries[] {
  return cellSeries(cells.map((g) => ({ cell: g.cell, h: g.dhNorm, c: g.dcNorm })), DH_LABEL, DC_LABEL);
}

/** The norm chart's own props, with the series built from one cell's (or, comparing, every cell's) gradients. */
export type GradientChartProps = Omit<NormChartProps, 'title' | 'yLabel' | 'series' | 'reference' | 'children'> & {
  /** one entry, or one per cell in compare mode */
  cells: CellGradient[];
};

export function GradientChart({ cells, ...rest }: GradientChartProps) {
  const series = useMemo(() => gradientSeries(cells), [cells]);
  return <NormChart title="Gradient norms" yLabel="gradient norm (log scale)" series={series} {...rest} />;
}
