/**
 * Lines over token positions on a linear y axis (probabilities by default), with the current step
 * marked. D3 computes the scales, ticks and paths; React renders them. Props only.
 */

import { line, scaleLinear } from 'd3';
import { useId, useMemo, type MouseEvent } from 'react';
import { SIZES } from './theme';
import { tokenAxis } from './tokenAxisGeometry';
import { stepAtPointer, TokenAxis } from './TokenAxis';

export interface LineSeries {
  key: string;
  label: string;
  /** one value per token */
  values: ArrayLike<number>;
  color: string;
  dash?: string;
}

export interface LineChartProps {
  /** accessible name of the chart image */
  label: string;
  tokens: readonly string[];
  padded?: readonly boolean[];
  series: readonly LineSeries[];
  step: number;
  width: number;
  height?: number;
  yDomain?: readonly [number, number];
  yLabel?: string;
  /** called with the step nearest to a click */
  onSelectStep?: (step: number) => void;
}

const M = { top: 10, right: 12, bottom: 46, left: 40 };

export function LineChart({ label, tokens, padded, series, step, width, height = SIZES.lineChartHeight, yDomain = [0, 1], yLabel, onSelectStep }: LineChartProps) {
  const clipId = useId();
  const T = tokens.length;
  const plotW = Math.max(40, width - M.left - M.right);
  const plotH = height - M.top - M.bottom;
  const [y0, y1] = yDomain;
  // Scales, axes, lines and labels depend on the data and the size only: memoised, a step change
  // re-renders just the step line and the dots.
  const axis = useMemo(() => tokenAxis(tokens, plotW, M.left), [tokens, plotW]);
  const y = useMemo(() => scaleLinear().domain([y0, y1]).range([plotH, 0]), [y0, y1, plotH]);
  const x = axis.x;
  const cur = T === 0 ? 0 : x(Math.min(Math.max(0, step), T - 1));

  const axes = useMemo(
    () => (
      <>
        {y.ticks(4).map((v) => (
          <g key={v} transform={`translate(0,${y(v)})`}>
            <line className="grid" x2={plotW} />
            <text className="tick" x={-6} dominantBaseline="middle" textAnchor="end">
              {y1 === 1 && y0 === 0 ? `${Math.round(v * 100)}%` : v}
            </text>
          </g>
        ))}
        {yLabel ? (
          <text className="axis-label" transform={`translate(${-32},${plotH / 2}) rotate(-90)`} textAnchor="middle">
            {yLabel}
          </text>
        ) : null}
      </>
    ),
    [y, y0, y1, plotW, plotH, yLabel],
  );

  const lines = useMemo(() => {
    // Non-finite values (an overflowing model) leave a gap instead of a NaN path.
    const path = line<number>()
      .defined((v) => Number.isFinite(v))
      .x((_, t) => x(t))
      .y((v) => y(v));
    return series.map((s) => (
      <path key={s.key} d={path(Array.from(s.values)) ?? ''} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash || undefined} />
    ));
  }, [series, x, y]);

  const pick = (e: MouseEvent<SVGRectElement>) => {
    const t = stepAtPointer(axis, e);
    if (t != null) onSelectStep?.(t);
  };

  return (
    <svg className="line-chart" width={width} height={height} role="img" aria-label={label}>
      <defs>
        <clipPath id={clipId}>
          <rect x={-4} y={-4} width={plotW + 8} height={plotH + 8} />
        </clipPath>
      </defs>
      <TokenAxis axis={axis} y={M.top + plotH} padded={padded} />
      <g transform={`translate(${M.left},${M.top})`}>
        {axes}
        <line className="mark-step-line" x1={cur} x2={cur} y1={0} y2={plotH} />
        <g clipPath={`url(#${clipId})`}>
          {lines}
          {series.map((s) => {
            const now = s.values[Math.min(step, T - 1)];
            return Number.isFinite(now) ? <circle key={s.key} cx={cur} cy={y(now)} r={4} fill={s.color} stroke="var(--gs-panel-bg)" strokeWidth={1.5} /> : null;
          })}
        </g>
        {onSelectStep ? <rect className="hit" width={plotW} height={plotH} onClick={pick} /> : null}
      </g>
    </svg>
  );
}
