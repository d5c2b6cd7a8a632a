/**
 * The token labels under a chart over time, drawn from a tokenAxis geometry: the same angle, length
 * and thinning under every chart. Memoised apart from the chart's marks: the labels change with the
 * sentence and the width, not with the numbers or the step.
 */
import { memo, type CSSProperties } from 'react';
import { cssVar } from './theme';
import type { TokenAxisGeometry } from './tokenAxisGeometry';

export interface TokenAxisProps {
  axis: TokenAxisGeometry;
  /** the plot's bottom edge in the enclosing SVG, px: the labels hang below it */
  y: number;
  /** which steps are padding (drawn as `.tick.padded`) */
  padded?: readonly boolean[];
  /** a step whose label is drawn bold over the thinned-out ones, so the current token always shows */
  current?: number;
}

const CURRENT_STYLE: CSSProperties = { fill: 'currentColor', fontWeight: 700, stroke: cssVar('panel-bg'), strokeWidth: 3, paintOrder: 'stroke' };

/** The axis's labels at (axis.left, y), turned by axis.angle and anchored at their end under each step. */
export const TokenAxis = memo(function TokenAxis({ axis, y, padded, current }: TokenAxisProps) {
  return (
    <g className="token-axis" transform={`translate(${axis.left},${y})`}>
      <TokenTicks axis={axis} padded={padded} />
      {current != null && current >= 0 && current < axis.T && (
        <AxisText axis={axis} t={current} padded={padded?.[current]} style={CURRENT_STYLE} />
      )}
    </g>
  );
});

// The thinned labels alone, so a new current step leaves them (and their paint) as they were.
const TokenTicks = memo(function TokenTicks({ axis, padded }: { axis: TokenAxisGeometry; padded?: readonly boolean[] }) {
  return axis.labels.map((l) => <AxisText key={l.t} axis={axis} t={l.t} padded={padded?.[l.t]} />);
});

/** Step t's label, turned and anchored at its end under the step's centre. */
function AxisText({ axis, t, padded, style }: { axis: TokenAxisGeometry; t: number; padded?: boolean; style?: CSSProperties }) {
  return (
    <text className={padded ? 'tick padded' : 'tick'} transform={`translate(${axis.x(t)},${axis.offset}) rotate(${-axis.angle})`}
      textAnchor="end" dy="0.32em" style={{ fontSize: axis.fontSize, ...style }}>
      {axis.texts[t]}
    </text>
  );
}

/**
 * The step under a pointer on a hit area spanning the plot exactly: its x in the plot's px, through
 * axis.stepAt. A box without layout (jsdom) is taken at the plot's own width.
 */
export function stepAtPointer(axis: TokenAxisGeometry, e: { clientX: number; currentTarget: Element }): number | null {
  const box = e.currentTarget.getBoundingClientRect();
  return axis.stepAt(((e.clientX - box.left) * axis.width) / (box.width || axis.width));
}
