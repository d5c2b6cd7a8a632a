/**
 * The one-step Jacobian norms ||dh_t/dh_{t-1}|| (and ||dc_t/dc_{t-1}|| = max forget gate for the
 * LSTM) at every token, on a log axis with a line at 1: the gradient reaching a token is bounded by
 * the product of these, so a run of values below 1 shrinks it geometrically.
 */
import { useMemo } from 'react';
import type { CellKind } from '../engine';
import { cellSeries } from './GradientChart';
import { cssVar } from './theme';
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

/** The numbers of the "what decides it" chart for one cell; arrays have one entry per token. */
export interface CellPaths {
  cell: CellKind;
  /** ||dh_T/dh_t|| */
  product: ArrayLike<number>;
  /** ||dL/dh_t|| / ||dL/dh_T|| */
  gradient: ArrayLike<number>;
  /** lstm: the product of forget gates after t, largest over units and for the selected unit, and ||dL/dc_t|| / ||dL/dh_T|| */
  forgetMax?: ArrayLike<number> | null;
  forgetUnit?: ArrayLike<number> | null;
  cellGradient?: ArrayLike<number> | null;
  unit?: number;
}

export function pathSeries(p: CellPaths): NormSeries[] {
  const out: NormSeries[] = [
    { key: 'product', label: '||dh_T/dh_t||', values: p.product, color: cssVar('series-rnn'), marker: 'circle' },
    { key: 'gradient', label: '||dL/dh_t|| / ||dL/dh_T||', values: p.gradient, color: cssVar('series-gru'), dash: '2 3', marker: 'diamond' },
  ];
  if (p.forgetMax) out.push({ key: 'forget-max', label: 'forget product, max over units', values: p.forgetMax, color: cssVar('series-lstm'), dash: '8 4', marker: 'square' });
  if (p.forgetUnit) out.push({ key: 'forget-unit', label: `forget product, unit ${p.unit ?? 0}`, values: p.forgetUnit, color: cssVar('series-lstm'), dash: '1 4', marker: 'square' });
  if (p.cellGradient) out.push({ key: 'dc', label: '||dL/dc_t|| / ||dL/dh_T||', values: p.cellGradient, color: cssVar('series-lstm-c'), dash: '10 3 2 3', marker: 'cross' });
  return out;
}

export type PathChartProps = Omit<NormChartProps, 'title' | 'yLabel' | 'series' | 'reference'> & { paths: CellPaths };

/** What actually decides the gradient: the norm of the product of Jacobians back from the last token (and the LSTM's cell path). */
export function PathChart({ paths, ...rest }: PathChartProps) {
  const series = useMemo(() => pathSeries(paths), [paths]);
  return <NormChart title="Products back from the last token" yLabel="norm (log scale)" series={series} {...rest} />;
}
