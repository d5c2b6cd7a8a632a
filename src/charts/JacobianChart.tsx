/**
 * The one-step Jacobian norms ||dh_t/dh_{t-1}|| (and ||dc_t/dc_{t-1}|| = max forget gate for the
 * LSTM) at every token, on a log axis with a line at 1: the gradient reaching a token is bounded by
 * the product of these, so a run of values below 1 shrinks it geometrically.
 */
import { useMemo } from 'react';
import type { CellKind } from '../engine';
import { cellSeries } from './GradientChart';
import { NormChart, type NormChartProps, type NormSeries } from './NormChart';

/** One cell's Jacobian norms; arrays have one entry per token. */
export interface CellJacobian {
  cell: CellKind;
  h: ArrayLike<number>;
  /** lstm only */
  c?: ArrayLike<number> | null;
}

export const JH_LABEL = '||dh_t/dh_(t-1)||';
export const JC_LABEL = '||dc_t/dc_(t-1)||';

export function jacobianSeries(cells: CellJacobian[]): NormSeries[] {
  return cellSeries(cells, JH_LABEL, JC_LABEL);
}

/** The norm chart's own props, with the series built from each cell's Jacobian norms. */
export type JacobianChartProps = Omit<NormChartProps, 'title' | 'yLabel' | 'series' | 'reference' | 'children'> & {
  cells: CellJacobian[];
};

const REFERENCE = { value: 1, label: '1: below 1 shrinks the gradient at every step' };

export function JacobianChart({ cells, ...rest }: JacobianChartProps) {
  const series = useMemo(() => jacobianSeries(cells), [cells]);
  return <NormChart title="One-step Jacobian norms" yLabel="one-step norm (log scale)" series={series} reference={REFERENCE} {...rest} />;
}
