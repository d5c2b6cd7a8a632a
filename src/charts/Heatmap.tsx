/**
 * A units x tokens heatmap: a canvas at data resolution (one pixel per value, scaled up with
 * image-rendering: pixelated) under an SVG overlay that draws the axes, the current-step column,
 * the selected-unit row and the hovered cell. D3 computes the scales and ticks; React renders.
 * Props only: the caller owns step, unit and hover.
 */

import { scaleLinear } from 'd3';
import { memo, useEffect, useId, useMemo, useRef, useState, type MouseEvent, type Ref } from 'react';
import { SIZES, colorTable, colorFor, type ColorKind } from './theme';
import { tokenAxis, type TokenAxisGeometry } from './tokenAxisGeometry';
import { stepAtPointer, TokenAxis } from './TokenAxis';
import { tokenLabel } from './tokenLabel';
import { ValuesTable } from './ValuesTable';

export interface HeatCell {
  step: number;
  unit: number;
}

export interface HeatmapProps {
  /** what the map shows, e.g. "Hidden state h"; used in labels and the table caption */
  name: string;
  /** T rows of `stride` numbers; the value of (t, u) is values[t * stride + offset + u] */
  values: Float64Array;
  T: number;
  H: number;
  offset: number;
  stride: number;
  kind: ColorKind;
  domain: readonly [number, number];
  tokens: readonly string[];
  padded?: readonly boolean[];
  step: number;
  unit: number;
  hover: HeatCell | null;
  /** CSS px available for the whole chart */
  width: number;
  /**
   * False while the chart is out of view: its canvas is then not painted. Chromium gives every
   * painted canvas a compositing layer of its own, and with six of them the layerization of every
   * frame, wherever the student is on the page, took 2 to 3 ms more (BENCHMARKS.md).
   */
  shown?: boolean;
  /** the plot's box (canvas and axes, not the legend), for a caller that watches whether it is in view */
  plotRef?: Ref<HTMLDivElement>;
  onHover: (cell: HeatCell | null) => void;
  onSelect: (cell: HeatCell) => void;
}

const MARGIN = { top: 6, right: 6, left: SIZES.heatmapMarginLeft, bottom: SIZES.heatmapMarginBottom };

export function valueAt(p: Pick<HeatmapProps, 'values' | 'stride' | 'offset'>, t: number, u: number): number {
  return p.values[t * p.stride + p.offset + u];
}

export function formatValue(v: number): string {
  // NaN here only comes from Infinity - Infinity, so it reads as overflow too (never "NaN" text).
  if (!Number.isFinite(v)) return v < 0 ? '-overflow' : 'overflow';
  return v.toFixed(4);
}

export function Heatmap(props: HeatmapProps) {
  const { name, values, T, H, offset, stride, kind, domain, tokens, padded, step, unit, hover, width, onHover, onSelect, shown = true, plotRef } = props;
  const plotW = Math.max(40, width - MARGIN.left - MARGIN.right);
  const plotH = SIZES.heatmapPlotHeight;
  // The token axis depends on the sentence and the width only: a hover or a step keeps it.
  const axis = useMemo(() => tokenAxis(tokens, plotW, MARGIN.left), [tokens, plotW]);
  const cellW = axis.band;
  const rowH = plotH / H;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [pointerInside, setPointerInside] = useState(false);
  const summaryId = useId();

  // Redraw the pixels only when the data change, never on hover or step.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    // No 2D context (jsdom, a browser out of canvas memory): the SVG overlay and tables still work.
    const ctx = typeof ImageData === 'undefined' ? null : canvas.getContext('2d');
    if (!ctx) return;
    const table = colorTable(kind);
    const img = ctx.createImageData(T, H);
    const [lo, hi] = domain;
    const span = hi - lo || 1;
    for (let t = 0; t < T; t++) {
      for (let u = 0; u < H; u++) {
        const v = values[t * stride + offset + u];
        const q = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, (v - lo) / span)) * 255) : 128;
        const p = (u * T + t) * 4;
        img.data[p] = table[q * 3];
        img.data[p + 1] = table[q * 3 + 1];
        img.data[p + 2] = table[q * 3 + 2];
        img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [values, T, H, offset, stride, kind, domain]);

  const cellAt = (e: MouseEvent<SVGRectElement>): HeatCell => {
    const box = e.currentTarget.getBoundingClientRect();
    const u = Math.floor(((e.clientY - box.top) / (box.height || plotH)) * H);
    return { step: stepAtPointer(axis, e) ?? 0, unit: Math.min(H - 1, Math.max(0, u)) };
  };

  // An H-long loop: cheaper than memoising it.
  const summary = stepSummary(props);

  const showTip = pointerInside && hover !== null && hover.step < T && hover.unit < H;
  const tipLeft = hover ? MARGIN.left + (hover.step + 1) * cellW + 8 : 0;
  const tipFlip = tipLeft > width - 150;

  return (
    <div className="heatmap" style={{ width }}>
      <p id={summaryId} className="visually-hidden">
        {summary}
      </p>
      <div ref={plotRef} className="heatmap-plot" style={{ height: plotH + MARGIN.top + MARGIN.bottom }}>
        {/* The picture's name lives on the box, so hiding the canvas never hides it from screen readers. */}
        <div
          className="heatmap-canvas"
          role="img"
          aria-label={`${name}: ${H} units by ${T} tokens`}
          aria-describedby={summaryId}
          style={{ left: MARGIN.left, top: MARGIN.top, width: plotW, height: plotH }}
        >
          <canvas ref={canvasRef} width={T} height={H} style={shown ? undefined : { visibility: 'hidden' }} />
        </div>
        <svg width={width} height={plotH + MARGIN.top + MARGIN.bottom} aria-hidden="true">
          <HeatmapAxes axis={axis} H={H} padded={padded} plotH={plotH} />
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <rect className="mark-row" x={-4} y={unit * rowH} width={plotW + 4} height={Math.max(rowH, 1.5)} />
            <path className="mark-row-tip" d={`M${-10},${(unit + 0.5) * rowH - 4}l6,4l-6,4z`} />
            <rect className="mark-step-halo" x={axis.start(step)} y={0} width={cellW} height={plotH} />
            <rect className="mark-step" x={axis.start(step)} y={0} width={cellW} height={plotH} />
            {hover && hover.step < T && hover.unit < H ? (
              <rect className="mark-hover" x={axis.start(hover.step)} y={hover.unit * rowH} width={cellW} height={Math.max(rowH, 2)} />
            ) : null}
            <rect
              className="hit"
              width={plotW}
              height={plotH}
              onMouseEnter={() => setPointerInside(true)}
              onMouseMove={(e) => onHover(cellAt(e))}
              onMouseLeave={() => {
                setPointerInside(false);
                onHover(null);
              }}
              onClick={(e) => onSelect(cellAt(e))}
            />
          </g>
        </svg>
        {showTip && hover ? (
          <div
            className="tooltip"
            role="presentation"
            style={{
              top: MARGIN.top + Math.min(hover.unit * rowH, plotH - 40),
              left: tipFlip ? undefined : tipLeft,
              right: tipFlip ? width - (MARGIN.left + hover.step * cellW) + 8 : undefined,
            }}
          >
            <div>
              unit {hover.unit} · {padded?.[hover.step] ? 'padding ' : ''}“{tokenLabel(tokens[hover.step] ?? '', 20)}” (step {hover.step + 1})
            </div>
            <div className="tooltip-value">{formatValue(valueAt(props, hover.step, hover.unit))}</div>
          </div>
        ) : null}
      </div>
      <Legend kind={kind} domain={domain} width={Math.min(220, plotW)} />
      <StepTable {...props} />
    </div>
  );
}

interface AxesProps {
  axis: TokenAxisGeometry;
  H: number;
  padded?: readonly boolean[];
  plotH: number;
}

/** Axes change only with the data or the width, so they are memoised away from hover renders. */
const HeatmapAxes = memo(function HeatmapAxes({ axis, H, padded, plotH }: AxesProps) {
  const y = scaleLinear().domain([0, H]).range([0, plotH]);
  const unitTicks = y.ticks(Math.min(5, H)).filter((u) => Number.isInteger(u) && u < H);
  return (
    <g className="axes">
      <TokenAxis axis={axis} y={MARGIN.top + plotH} padded={padded} />
      <g transform={`translate(${MARGIN.left - 12},${MARGIN.top})`}>
        {unitTicks.map((u) => (
          <text key={u} className="tick" x={0} y={y(u + 0.5)} textAnchor="end" dominantBaseline="middle">
            {u}
          </text>
        ))}
      </g>
    </g>
  );
});

/** A colour bar with its domain ticks; memoised, since a step or hover change leaves it as it was. */
export const Legend = memo(function Legend({ kind, domain, width }: { kind: ColorKind; domain: readonly [number, number]; width: number }) {
  const gradId = useId();
  const scale = scaleLinear().domain(domain).range([0, width]);
  const ticks = scale.ticks(kind === 'diverging' ? 5 : 3);
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  const label = kind === 'diverging' ? 'negative ← 0 → positive' : '0 = closed, 1 = open';
  return (
    <figure className="legend" aria-label={`colour scale from ${domain[0]} to ${domain[1]}`}>
      <svg width={width + 28} height={30} aria-hidden="true">
        <defs>
          <linearGradient id={gradId}>
            {stops.map((s) => (
              <stop key={s} offset={`${s * 100}%`} stopColor={colorFor(kind, domain[0] + s * (domain[1] - domain[0]), domain)} />
            ))}
          </linearGradient>
        </defs>
        <g transform="translate(14,0)">
          <rect width={width} height={10} fill={`url(#${gradId})`} rx={2} />
          {ticks.map((t) => (
            <text key={t} className="tick" x={scale(t)} y={24} textAnchor="middle">
              {Math.abs(t) < 1e-12 ? '0' : t}
            </text>
          ))}
        </g>
      </svg>
      <figcaption className="legend-caption">{label}</figcaption>
    </figure>
  );
});

function stepSummary(p: HeatmapProps): string {
  const t = Math.min(Math.max(0, p.step), p.T - 1);
  let maxU = 0;
  let minU = 0;
  let sum = 0;
  for (let u = 0; u < p.H; u++) {
    const v = valueAt(p, t, u);
    sum += v;
    if (v > valueAt(p, t, maxU)) maxU = u;
    if (v < valueAt(p, t, minU)) minU = u;
  }
  return (
    `${p.name} at step ${t + 1} (“${tokenLabel(p.tokens[t] ?? '')}”): mean ${formatValue(sum / p.H)}, ` +
    `highest unit ${maxU} (${formatValue(valueAt(p, t, maxU))}), lowest unit ${minU} (${formatValue(valueAt(p, t, minU))}).`
  );
}

/** The current step's column as a table. */
function StepTable(p: HeatmapProps) {
  const t = Math.min(Math.max(0, p.step), p.T - 1);
  return (
    <ValuesTable
      summary="Show values at this step"
      caption={`${p.name} at step ${t + 1} (“${tokenLabel(p.tokens[t] ?? '')}”), one row per unit`}
      rows={() => (
        <>
          <thead>
            <tr>
              <th scope="col">unit</th>
              <th scope="col">value</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: p.H }, (_, u) => (
              <tr key={u} className={u === p.unit ? 'selected' : undefined}>
                <th scope="row">{u}</th>
                <td>{formatValue(valueAt(p, t, u))}</td>
              </tr>
            ))}
          </tbody>
        </>
      )}
    />
  );
}
