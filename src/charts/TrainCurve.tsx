/**
 * The live training curve: batch loss on top, accuracy below (training batches faint, held-out
 * examples bold with a dot per measurement, chance as a dashed line), sharing one step axis.
 * D3 computes the scales, ticks and paths; React renders them. Props only.
 */

import { line, scaleLinear } from 'd3';
import { cssVar, labelColor } from './theme';

export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

export interface AccuracyPoint {
  step: number;
  accuracy: number;
}

export interface TrainCurveProps {
  /** accessible name of the chart image (a sentence summarising the curve) */
  label: string;
  points: readonly CurvePoint[];
  evals: readonly AccuracyPoint[];
  /** the x axis runs from 0 to this */
  totalSteps: number;
  /** accuracy of guessing, drawn as a dashed line (e.g. 0.5 for two labels) */
  chance?: number;
  width: number;
  height?: number;
}

const M = { top: 14, right: 14, bottom: 30, left: 48 };
/** vertical space between the loss plot and the accuracy plot */
const GAP = 26;

// Okabe-Ito through the theme, so dark mode gets its lighter variants.
const COLORS = { loss: labelColor(1), batch: labelColor(2), heldOut: labelColor(0) };

export function TrainCurve({ label, points, evals, totalSteps, chance, width, height = 280 }: TrainCurveProps) {
  const plotW = Math.max(60, width - M.left - M.right);
  const plotH = (height - M.top - M.bottom - GAP) / 2;
  const x = scaleLinear()
    .domain([0, Math.max(1, totalSteps)])
    .range([0, plotW]);
  let maxLoss = 0;
  for (const p of points) if (p.loss > maxLoss) maxLoss = p.loss;
  const yLoss = scaleLinear()
    .domain([0, maxLoss > 0 ? maxLoss * 1.05 : 1])
    .range([plotH, 0])
    .nice(4);
  const yAcc = scaleLinear().domain([0, 1]).range([plotH, 0]);
  const lossPath = line<CurvePoint>()
    .x((p) => x(p.step))
    .y((p) => yLoss(p.loss))(points as CurvePoint[]);
  // Step 0 is measured on held-out texts, not a batch; the batch line starts at the first batch.
  const batch = points.filter((p) => p.step > 0);
  const batchPath = line<CurvePoint>()
    .x((p) => x(p.step))
    .y((p) => yAcc(p.accuracy))(batch);
  const evalPath = line<AccuracyPoint>()
    .x((p) => x(p.step))
    .y((p) => yAcc(p.accuracy))(evals as AccuracyPoint[]);
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
          <path d={lossPath ?? ''} fill="none" stroke={COLORS.loss} strokeWidth={2} />
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
            accuracy
          </text>
          {chance !== undefined ? (
            <g>
              <line x1={0} x2={plotW} y1={yAcc(chance)} y2={yAcc(chance)} stroke={cssVar('muted')} strokeDasharray="4 4" />
              <text className="tick" x={plotW - 2} y={yAcc(chance) - 4} textAnchor="end">
                chance
              </text>
            </g>
          ) : null}
          <path d={batchPath ?? ''} fill="none" stroke={COLORS.batch} strokeWidth={1.5} strokeDasharray="5 3" />
          <path d={evalPath ?? ''} fill="none" stroke={COLORS.heldOut} strokeWidth={2.5} />
          {evals.map((p) => (
            <circle key={p.step} cx={x(p.step)} cy={yAcc(p.accuracy)} r={3} fill={COLORS.heldOut} />
          ))}
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

/** The legend entries of the curve, for the panel to show next to it. */
export const TRAIN_CURVE_LEGEND = [
  { key: 'loss', label: 'loss on training batches', color: COLORS.loss, dash: '' },
  { key: 'batch', label: 'accuracy on training batches', color: COLORS.batch, dash: '5 3' },
  { key: 'heldOut', label: 'accuracy on held-out examples', color: COLORS.heldOut, dash: '' },
] as const;
