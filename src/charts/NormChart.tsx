/**
 * A per-token line chart of norms on a log y axis, with its data table. GradientChart and
 * JacobianChart are thin wrappers over it. D3 computes scales and paths; React renders them.
 * Exact zeros sit on the axis floor with a hollow down-triangle; Infinity/NaN sit above the top
 * with a filled up-triangle and read "overflow"; neither ever reaches the log scale itself.
 */
import { Fragment, memo, useId, useMemo, type MouseEvent, type ReactNode } from 'react';
import { useAfterPaint } from './useAfterPaint';
import { line } from 'd3';
import { classifyNorm, decadeTicks, formatDecade, formatNorm, logDomain, makeLogScale } from './logScale';
import { cssVar } from './theme';
import { tokenAxis } from './tokenAxisGeometry';
import { stepAtPointer, TokenAxis } from './TokenAxis';
import { tokenLabel } from './tokenLabel';
import { useWidth } from './useWidth';

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'cross';

/** One line on the chart and one column in its table. */
export interface NormSeries {
  key: string;
  /** legend text and table column header, e.g. "LSTM ||dL/dh||" */
  label: string;
  /** one value per token; shorter arrays leave the remaining cells empty */
  values: ArrayLike<number>;
  color: string;
  /** SVG stroke-dasharray; undefined = solid */
  dash?: string;
  marker: MarkerShape;
}

export interface NormChartProps {
  /** the table's caption and the chart's accessible name */
  title: string;
  tokens: string[];
  series: NormSeries[];
  /** current step, marked with a band */
  step: number;
  /** step an animation has reached: steps before it are drawn faded */
  reached?: number | null;
  hoverStep?: number | null;
  onHoverStep?: (step: number | null) => void;
  /** mouse shortcut only; the Time step slider is the keyboard route */
  onSelectStep?: (step: number) => void;
  /** which steps are padding (drawn in a lighter label colour) */
  padded?: boolean[];
  /** a horizontal reference line, e.g. 1 for Jacobian norms */
  reference?: { value: number; label: string };
  /** short y-axis title */
  yLabel: string;
  height?: number;
  /** optional extra content under the legend (e.g. an explanation) */
  children?: ReactNode;
  /** when set, the table of every value sits in a closed disclosure with this summary (a compact first screen) */
  tableSummary?: string;
}

const MARGIN = { top: 30, right: 12, bottom: 64, left: 52 };
// Above the plot area, where overflowed values are drawn.
const OVERFLOW_Y = -16;
const MAX_MARKER_STEPS = 80;

/** How a marker shape is painted: the cross is stroked, the other shapes are filled. */
function markerStyle(shape: MarkerShape, color: string, opacity = 1) {
  return shape === 'cross' ? { fill: 'none', stroke: color, strokeWidth: 2, opacity } : { fill: color, opacity };
}

/** An SVG marker centred on (0,0): the shape markersPath draws for a whole series. */
export function Marker({ shape, color, size = 3.5 }: { shape: MarkerShape; color: string; size?: number }) {
  return <path d={markersPath(shape, size, [[0, 0]])} style={markerStyle(shape, color)} />;
}

/** A triangle pointing down at the floor: the norm is exactly 0 (underflow). Points relative to its centre. */
const ZERO_GLYPH: readonly [number, number][] = [[-5, -4], [5, -4], [0, 4]];
const ZERO_STYLE = (color: string) => ({ fill: cssVar('panel-bg'), stroke: color, strokeWidth: 1.5 });
/** A triangle pointing up above the top: the norm overflowed. */
const OVERFLOW_GLYPH: readonly [number, number][] = [[-5, 4], [5, 4], [0, -4]];
const OVERFLOW_STYLE = (color: string) => ({ fill: color, stroke: color });

/** One path drawing the closed polygon `glyph` centred on each point. */
function glyphsPath(glyph: readonly [number, number][], points: readonly [number, number][]): string {
  const f = (v: number) => +v.toFixed(2);
  let out = '';
  for (const [px, py] of points) out += glyph.map(([gx, gy], i) => `${i === 0 ? 'M' : 'L'}${f(px + gx)},${f(py + gy)}`).join('') + 'Z';
  return out;
}

function ZeroMarker({ color }: { color: string }) {
  return <path d={glyphsPath(ZERO_GLYPH, [[0, 0]])} style={ZERO_STYLE(color)} />;
}

function OverflowMarker({ color }: { color: string }) {
  return <path d={glyphsPath(OVERFLOW_GLYPH, [[0, 0]])} style={OVERFLOW_STYLE(color)} />;
}

/** A legend swatch holding one marker glyph, centred. */
function GlyphSwatch({ children }: { children: ReactNode }) {
  return (
    <svg width={14} height={12} aria-hidden="true">
      <g transform="translate(7,6)">{children}</g>
    </svg>
  );
}

/** A small legend swatch: the series' dash pattern and marker. */
function Swatch({ s }: { s: Pick<NormSeries, 'color' | 'dash' | 'marker'> }) {
  return (
    <svg width={34} height={12} aria-hidden="true" className="norm-swatch">
      <line x1={1} x2={33} y1={6} y2={6} style={{ stroke: s.color, strokeWidth: 2, strokeDasharray: s.dash }} />
      <g transform="translate(17,6)">
        <Marker shape={s.marker} color={s.color} size={3} />
      </g>
    </svg>
  );
}

export function NormChart(props: NormChartProps) {
  const { title, tokens, series, step, reached = null, hoverStep = null, onHoverStep, onSelectStep, padded, reference, yLabel, tableSummary } =
    props;
  const height = props.height ?? 260;
  const [boxRef, width] = useWidth<HTMLDivElement>(560);
  const captionId = useId();
  const T = tokens.length;
  const innerW = Math.max(40, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(40, height - MARGIN.top - MARGIN.bottom);

  // The x axis depends on the sentence and the width only: a knob move or a step keeps it (and the token labels).
  const axis = useMemo(() => tokenAxis(tokens, innerW, MARGIN.left), [tokens, innerW]);
  const { band: bw, x: cx } = axis;

  const layout = useMemo(() => {
    const all: number[] = [];
    for (const s of series) for (let t = 0; t < Math.min(T, s.values.length); t++) all.push(s.values[t]);
    const domain = logDomain(all, reference ? [reference.value] : []);
    // A little headroom so points on the top decade are not cut by the frame.
    const y = makeLogScale(domain, innerH, 6);
    const hasZero = all.some((v) => classifyNorm(v) === 'zero');
    const hasOverflow = all.some((v) => classifyNorm(v) === 'overflow');
    return { domain, y, hasZero, hasOverflow, ticks: decadeTicks(domain, Math.max(3, Math.floor(innerH / 36))) };
  }, [series, T, innerH, reference]);

  const { y } = layout;

  const paths = useMemo(
    () =>
      series.map((s) => {
        const n = Math.min(T, s.values.length);
        const idx = Array.from({ length: n }, (_, t) => t);
        const positive = (t: number) => classifyNorm(s.values[t]) === 'positive';
        const gen = line<number>()
          .x((t) => cx(t))
          .y((t) => y(s.values[t]));
        const full = gen.defined(positive)(idx) ?? '';
        const ahead = reached == null ? full : (gen.defined((t) => positive(t) && t >= reached)(idx) ?? '');
        return { key: s.key, full, ahead };
      }),
    [series, T, cx, y, reached],
  );

  const pointer = (e: MouseEvent<SVGRectElement>): number | null => stepAtPointer(axis, e);

  const readoutStep = hoverStep != null && hoverStep < T ? hoverStep : step < T ? step : null;
  const drawMarkers = T <= MAX_MARKER_STEPS;
  // The chart's text alternative: every value, one row per token.
  const table = (
    <div className="norm-table" tabIndex={0} role="group" aria-labelledby={captionId}>
      <table aria-labelledby={captionId}>
        <caption id={captionId}>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <NormRows tokens={tokens} padded={padded} series={series} step={step} reached={reached} />
      </table>
    </div>
  );

  return (
    <figure className="norm-chart">
      <ul className="norm-legend" aria-label={`${title} legend`}>
        {series.map((s) => (
          <li key={s.key}>
            <Swatch s={s} /> {s.label}
          </li>
        ))}
        {reference && (
          <li>
            <Swatch s={{ color: 'currentColor', dash: '5 4', marker: 'cross' }} /> {reference.label}
          </li>
        )}
        {layout.hasZero && (
          <li>
            <GlyphSwatch>
              <ZeroMarker color="currentColor" />
            </GlyphSwatch>{' '}
            exactly 0 (underflow), drawn at the floor
          </li>
        )}
        {layout.hasOverflow && (
          <li>
            <GlyphSwatch>
              <OverflowMarker color="currentColor" />
            </GlyphSwatch>{' '}
            overflow, drawn above the top
          </li>
        )}
      </ul>
      {props.children}
      <div ref={boxRef} className="norm-plot">
        <svg width={width} height={height} role="img" aria-label={`${title} chart on a log scale; the table below lists every value`}>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <text x={-MARGIN.left + 2} y={-MARGIN.top + 11} className="axis-title" style={{ fontSize: 11, fill: 'currentColor' }}>
              {yLabel}
            </text>
            {layout.ticks.map((v) => (
              <g key={v} transform={`translate(0,${y(v)})`}>
                <line x2={innerW} style={{ stroke: 'currentColor', strokeOpacity: 0.12 }} />
                <text x={-6} dy="0.32em" textAnchor="end" style={{ fontSize: 11, fill: 'currentColor' }}>
                  {formatDecade(v)}
                </text>
              </g>
            ))}
            {layout.hasOverflow && (
              <text x={-6} y={OVERFLOW_Y} dy="0.32em" textAnchor="end" style={{ fontSize: 10, fill: 'currentColor' }}>
                overflow
              </text>
            )}
            {step < T && (
              <rect className="current-step" x={cx(step) - bw / 2} width={Math.max(bw, 2)} y={OVERFLOW_Y - 6} height={innerH - OVERFLOW_Y + 6}
                style={{ fill: 'currentColor', fillOpacity: 0.1 }} />
            )}
            {hoverStep != null && hoverStep < T && hoverStep !== step && (
              <rect x={cx(hoverStep) - bw / 2} width={Math.max(bw, 2)} y={0} height={innerH} style={{ fill: 'currentColor', fillOpacity: 0.05 }} />
            )}
            {reached != null && reached < T && (
              <g className="reached" transform={`translate(${cx(reached)},0)`}>
                <line y1={OVERFLOW_Y} y2={innerH} style={{ stroke: cssVar('accent'), strokeWidth: 2 }} />
                <text x={reached > T / 2 ? -4 : 4} y={OVERFLOW_Y + 2} textAnchor={reached > T / 2 ? 'end' : 'start'}
                  style={{ fontSize: 11, fill: cssVar('accent'), fontWeight: 600 }}>
                  gradient here
                </text>
              </g>
            )}
            {reference && (
              <line x2={innerW} y1={y(reference.value)} y2={y(reference.value)}
                style={{ stroke: 'currentColor', strokeDasharray: '5 4', strokeWidth: 1.5, opacity: 0.8 }} />
            )}
            <line y1={0} y2={innerH} style={{ stroke: 'currentColor', strokeOpacity: 0.5 }} />
            <line x2={innerW} y1={innerH} y2={innerH} style={{ stroke: 'currentColor', strokeOpacity: 0.5 }} />
            <SeriesMarks series={series} paths={paths} T={T} cx={cx} y={y} innerH={innerH} reached={reached} drawMarkers={drawMarkers} />
            {step < T && (
              // The current step drawn over the memoised marks, so a step re-renders only these.
              <g className="step-marks">
                {series.map((s) => {
                  const v = s.values[step];
                  if (step >= s.values.length || classifyNorm(v) !== 'positive') return null;
                  return (
                    <g key={s.key} transform={`translate(${cx(step)},${y(v)})`} opacity={reached != null && step < reached ? 0.25 : 1}>
                      <Marker shape={s.marker} color={s.color} size={4.5} />
                    </g>
                  );
                })}
              </g>
            )}
            {(onHoverStep || onSelectStep) && (
              <rect width={innerW} height={innerH} y={0} style={{ fill: 'transparent', cursor: onSelectStep ? 'pointer' : undefined }}
                onMouseMove={(e) => onHoverStep?.(pointer(e))}
                onMouseLeave={() => onHoverStep?.(null)}
                onClick={(e) => {
                  const t = pointer(e);
                  if (t != null) onSelectStep?.(t);
                }} />
            )}
          </g>
        </svg>
        {/* The token labels in an SVG of their own over the chart's, painted apart from the lines a knob moves. */}
        <svg className="norm-axis" width={width} height={height} aria-hidden="true">
          <TokenAxis axis={axis} y={MARGIN.top + innerH} padded={padded} current={step} />
        </svg>
      </div>
      {readoutStep != null && (
        <p className="norm-readout">
          <span className="token" dir="auto">{tokenLabel(tokens[readoutStep] ?? '')}</span> (step {readoutStep + 1}):{' '}
          {series.map((s, k) => (
            <span key={s.key}>
              {k > 0 ? ', ' : ''}
              {s.label} {readoutStep < s.values.length ? formatNorm(s.values[readoutStep]) : '—'}
            </span>
          ))}
        </p>
      )}
      {tableSummary ? (
        <details className="norm-table-details">
          <summary>{tableSummary}</summary>
          {table}
        </details>
      ) : (
        table
      )}
    </figure>
  );
}

/** The lines and every step's marker; memoised, so moving the step does not redraw them. */
const SeriesMarks = memo(function SeriesMarks(props: {
  series: NormSeries[];
  paths: { key: string; full: string; ahead: string }[];
  T: number;
  cx: (t: number) => number;
  y: (v: number) => number;
  innerH: number;
  reached: number | null;
  drawMarkers: boolean;
}) {
  const { series, paths, T, cx, y, innerH, reached, drawMarkers } = props;
  return series.map((s, k) => {
    // The ordinary markers of a series are one path (two while the backward animation fades the
    // steps it has passed): a knob move then rewrites two attributes, not a group per step.
    // Zero (underflow) and overflow steps get their glyphs as one path per kind and fading too: a
    // knob pushing the norms past the float range must not add a group per step.
    const marks = { shown: [] as [number, number][], passed: [] as [number, number][] };
    const zero = { shown: [] as [number, number][], passed: [] as [number, number][] };
    const over = { shown: [] as [number, number][], passed: [] as [number, number][] };
    for (let t = 0; t < Math.min(T, s.values.length); t++) {
      const v = s.values[t];
      const kind = classifyNorm(v);
      const fade = reached != null && t < reached ? 'passed' : 'shown';
      if (kind === 'zero') zero[fade].push([cx(t), innerH]);
      else if (kind === 'overflow') over[fade].push([cx(t), OVERFLOW_Y]);
      else if (drawMarkers) marks[fade].push([cx(t), y(v)]);
    }
    const glyphs = (fade: 'shown' | 'passed') => {
      const opacity = fade === 'passed' ? 0.25 : 1;
      return (
        <Fragment key={fade}>
          {marks[fade].length > 0 && <path className="marks" d={markersPath(s.marker, 3, marks[fade])} style={markerStyle(s.marker, s.color, opacity)} />}
          {zero[fade].length > 0 && <path d={glyphsPath(ZERO_GLYPH, zero[fade])} style={{ ...ZERO_STYLE(s.color), opacity }} />}
          {over[fade].length > 0 && <path d={glyphsPath(OVERFLOW_GLYPH, over[fade])} style={{ ...OVERFLOW_STYLE(s.color), opacity }} />}
        </Fragment>
      );
    };
    return (
      <g key={s.key} className="series">
        {reached != null && <path d={paths[k].full} style={{ fill: 'none', stroke: s.color, strokeWidth: 2, strokeDasharray: s.dash, opacity: 0.25 }} />}
        <path d={paths[k].ahead} style={{ fill: 'none', stroke: s.color, strokeWidth: 2, strokeDasharray: s.dash }} />
        {glyphs('passed')}
        {glyphs('shown')}
      </g>
    );
  });
});

/** One path drawing `shape` (half-size `size`) centred on each point (Marker draws one). */
export function markersPath(shape: MarkerShape, size: number, points: readonly [number, number][]): string {
  const f = (v: number) => +v.toFixed(2);
  const s = size;
  const d = 1.3 * s;
  let out = '';
  for (const [px, py] of points) {
    const x = f(px);
    const y = f(py);
    switch (shape) {
      case 'circle':
        out += `M${f(x - s)},${y}a${s},${s} 0 1,0 ${2 * s},0a${s},${s} 0 1,0 ${-2 * s},0`;
        break;
      case 'square':
        out += `M${f(x - s)},${f(y - s)}h${2 * s}v${2 * s}h${-2 * s}Z`;
        break;
      case 'diamond':
        out += `M${x},${f(y - d)}l${f(d)},${f(d)}l${f(-d)},${f(d)}l${f(-d)},${f(-d)}Z`;
        break;
      case 'cross':
        out += `M${f(x - s)},${f(y - s)}l${2 * s},${2 * s}M${f(x - s)},${f(y + s)}l${2 * s},${-2 * s}`;
        break;
    }
  }
  return out;
}

/**
 * The table's rows. Their numbers follow the chart right after its frame (useAfterPaint): the
 * table is the chart's text alternative, mostly scrolled out of its box, and rewriting a few hundred
 * cells took 3 to 4 ms of the frame of a knob move at 64 tokens (BENCHMARKS.md). The current-step
 * marking follows at once.
 */
function NormRows({ tokens, padded, series, step, reached }: { tokens: string[]; padded?: boolean[]; series: NormSeries[]; step: number; reached: number | null }) {
  const live = useMemo(() => ({ tokens, padded, series }), [tokens, padded, series]);
  const { tokens: shownTokens, padded: shownPadded, series: shownSeries } = useAfterPaint(live);
  return (
    <tbody>
      {shownTokens.map((tok, t) => (
        <NormRow key={t} t={t} tok={tok} series={shownSeries} current={t === step} isReached={t === reached} pad={shownPadded?.[t] ?? false} />
      ))}
    </tbody>
  );
}

/** One table row; memoised, so a step change re-renders only the two rows whose highlight moves. */
const NormRow = memo(function NormRow({ t, tok, series, current, isReached, pad }: { t: number; tok: string; series: NormSeries[]; current: boolean; isReached: boolean; pad: boolean }) {
  return (
    <tr aria-current={current ? 'step' : undefined}
      className={[current ? 'is-current' : '', isReached ? 'is-reached' : '', pad ? 'is-pad' : ''].join(' ').trim() || undefined}>
      <th scope="row" dir="auto">{tokenLabel(tok)}</th>
      {series.map((s) => (
        <td key={s.key}>{t < s.values.length ? formatNorm(s.values[t]) : '—'}</td>
      ))}
    </tr>
  );
});
