/**
 * The training curves of one or more runs: batch loss on top, held-out accuracy below (a marker
 * per measurement, chance as a grey dashed line), sharing one step axis. Each run has its own
 * colour, dash and marker shape, so runs differ without colour too. D3 computes the scales, ticks,
 * paths and marker shapes; React renders them. Props only.
 */

import { line, scaleLinear, symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye } from 'd3';
import { LABEL_DASHES, cssVar, labelColor } from './theme';

export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

export interface AccuracyPoint {
  step: number;
  accuracy: number;
}

/** One run's curve and how to draw it. */
export interface CurveRun {
  /** stable across renders and picks the run's style (curveStyle) */
  id: number;
  /** what the legend says, e.g. "Run 2: RNN, long-range, hidden 16" */
  label: string;
  points: readonly CurvePoint[];
  evals: readonly AccuracyPoint[];
}

export interface TrainCurveProps {
  /** accessible name of the chart image (a sentence summarising the curves) */
  label: string;
  runs: readonly CurveRun[];
  /** the x axis runs from 0 to this */
  totalSteps: number;
  /** accuracies of guessing, each drawn as a dashed line (e.g. 0.5 for two labels) */
  chance?: readonly number[];
  width: number;
  height?: number;
}

const M = { top: 14, right: 14, bottom: 30, left: 48 };
/** vertical space between the loss plot and the accuracy plot */
const GAP = 26;

/** Okabe-Ito through the theme (lighter in dark mode); yellow and black left out, they vanish on one background. */
const RUN_COLORS = 6;
const SYMBOLS = [symbolCircle, symbolSquare, symbolTriangle, symbolDiamond, symbolCross, symbolStar, symbolWye];

/** The colour, dash and marker of run `id` (from 1): all three change from one run to the next. */
export function curveStyle(id: number): { color: string; dash: string; marker: string; markerName: string } {
  const k = Math.max(0, id - 1);
  const s = k % SYMBOLS.length;
  return {
    color: labelColor(k % RUN_COLORS),
    dash: LABEL_DASHES[k % LABEL_DASHES.length],
    marker: symbol(SYMBOLS[s], 36)() ?? '',
    markerName: MARKER_NAMES[s],
  };
}
const MARKER_NAMES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'star', 'wye'];

export function TrainCurve({ label, runs, totalSteps, chance = [], width, height = 280 }: TrainCurveProps) {
  const plotW = Math.max(60, width - M.left - M.right);
  const plotH = (height - M.top - M.bottom - GAP) / 2;
  const x = scaleLinear()
    .domain([0, Math.max(1, totalSteps)])
    .range([0, plotW]);
  let maxLoss = 0;
  for (const r of runs) for (const p of r.points) if (Number.isFinite(p.loss) && p.loss > maxLoss) maxLoss = p.loss;
  const yLoss = scaleLinear()
    .domain([0, maxLoss > 0 ? maxLoss * 1.05 : 1])
    .range([plotH, 0])
    .nice(4);
  const yAcc = scaleLinear().domain([0, 1]).range([plotH, 0]);
  const lossLine = line<CurvePoint>()
    .defined((p) => Number.isFinite(p.loss))
    .x((p) => x(p.step))
    .y((p) => yLoss(p.loss));
  const accLine = line<AccuracyPoint>()
    .x((p) => x(p.step))
    .y((p) => yAcc(p.accuracy));
  const accTop = plotH + GAP;

  return (
    <svg className="train-curve" width={width} height={height} role="img" aria-label={label}>
      <g transform={`translate(${M.left},${M.top})`}>
        <g>
          {yLoss.ticks(4).map((v) => (
            <g key={v} transform={`translate(0,${yLoss(v)})`}>
              <line className="grid" x2={plotW} />
              <text className="tick" x={-6} dominantBaseline="middle" textAnchor="end">
                {v}
              </text>
            </g>
          ))}
          <text className="axis-label" x={0} y={-4}>
            loss (training batches)
          </text>
          {runs.map((r) => {
            const st = curveStyle(r.id);
            return <path key={r.id} className="train-loss" data-run={r.id} d={lossLine(r.points as CurvePoint[]) ?? ''} fill="none" stroke={st.color} strokeWidth={2} strokeDasharray={st.dash || undefined} />;
          })}
        </g>
        <g transform={`translate(0,${accTop})`}>
          {yAcc.ticks(4).map((v) => (
            <g key={v} transform={`translate(0,${yAcc(v)})`}>
              <line className="grid" x2={plotW} />
              <text className="tick" x={-6} dominantBaseline="middle" textAnchor="end">
                {`${Math.round(v * 100)}%`}
              </text>
            </g>
          ))}
          <text className="axis-label" x={0} y={-4}>
            accuracy on held-out examples
          </text>
          {[...new Set(chance)].map((c) => (
            <g key={c}>
              <line x1={0} x2={plotW} y1={yAcc(c)} y2={yAcc(c)} stroke={cssVar('muted')} strokeDasharray="4 4" />
              <text className="tick" x={plotW - 2} y={yAcc(c) - 4} textAnchor="end">
                {`chance ${Math.round(c * 100)}%`}
              </text>
            </g>
          ))}
          {runs.map((r) => {
            const st = curveStyle(r.id);
            return (
              <g key={r.id} className="train-accuracy-run" data-run={r.id}>
                <path d={accLine(r.evals as AccuracyPoint[]) ?? ''} fill="none" stroke={st.color} strokeWidth={2.5} strokeDasharray={st.dash || undefined} />
                {r.evals.map((p) => (
                  <path key={p.step} className="train-marker" d={st.marker} transform={`translate(${x(p.step)},${yAcc(p.accuracy)})`} fill={st.color} stroke={cssVar('panel-bg')} strokeWidth={0.75} />
                ))}
              </g>
            );
          })}
          <g transform={`translate(0,${plotH})`}>
            <line className="axis" x2={plotW} stroke={cssVar('border')} />
            {x.ticks(Math.max(2, Math.floor(plotW / 80))).map((v) => (
              <text key={v} className="tick" x={x(v)} y={14} textAnchor="middle">
                {v}
              </text>
            ))}
            <text className="axis-label" x={plotW} y={27} textAnchor="end">
              step
            </text>
          </g>
        </g>
      </g>
    </svg>
  );
}

/** The runs' legend: each run's colour, dash and marker, then its label. */
export function TrainCurveLegend({ runs }: { runs: readonly Pick<CurveRun, 'id' | 'label'>[] }) {
  if (runs.length === 0) return null;
  return (
    <ul className="series-legend train-legend" aria-label="Runs on the chart">
      {runs.map((r) => {
        const st = curveStyle(r.id);
        return (
          <li key={r.id}>
            <svg width={34} height={12} aria-hidden="true">
              <line x1={1} x2={33} y1={6} y2={6} stroke={st.color} strokeWidth={2.5} strokeDasharray={st.dash || undefined} />
              <path d={st.marker} transform="translate(17,6)" fill={st.color} />
            </svg>
            {r.label}
            <span className="visually-hidden"> ({st.markerName} markers)</span>
          </li>
        );
      })}
    </ul>
  );
}
