/**
 * An SVG schematic of one recurrent cell at the current step (LSTM with the cell-state line along
 * the top, GRU, plain RNN). Every gate and intermediate shows all units as a strip of coloured
 * squares with the selected unit outlined, plus that unit's number. Hovering or focusing a part
 * explains it in one sentence with its equation, in a tooltip and in a polite live region.
 * Each cell's parts and schematic are its entry in CELL_VIEWS (cellViews/); this file draws the
 * boxes, strips, junctions and tooltip they are made of.
 */
import { useId, useMemo, useState, type MouseEvent } from 'react';
import { CELL_VIEWS, formatValue, Sym, type BoxProps, type CellStepValues, type DiagramKit, type PartInfo, type Scale } from './cellViews/index';
import { colorTable, cssVar } from './theme';
import { tokenLabel } from './tokenLabel';

export { formatValue, type CellStepValues, type Scale };

export interface CellDiagramProps {
  values: CellStepValues;
  /** selected hidden unit */
  unit: number;
  /** 0-based step and its token (shown as text, never interpreted) */
  step: number;
  token: string;
  /** mouse shortcut to select a unit by clicking a strip square */
  onSelectUnit?: (unit: number) => void;
}

export const VIEW_W = 600;
export const VIEW_H = 350;
const BW = 80;
const BH = 54;

/** The explainable parts of a cell at one step, with the values they show (its view entry's). */
export function cellParts(v: CellStepValues): Record<string, PartInfo> {
  return CELL_VIEWS[v.cell].parts(v);
}

interface StripProps {
  x: number;
  y: number;
  width: number;
  values: ArrayLike<number>;
  unit: number;
  scale: Scale;
  onSelectUnit?: (unit: number) => void;
}

/** The 256 entries of a scale's colour table as #rrggbb strings, built once per scale. */
const hexTables = new Map<Scale, string[]>();
function hexTable(scale: Scale): string[] {
  let hex = hexTables.get(scale);
  if (!hex) {
    const table = colorTable(scale === 'gate' ? 'sequential' : 'diverging');
    hex = Array.from({ length: 256 }, (_, q) => `#${((1 << 24) | (table[q * 3] << 16) | (table[q * 3 + 1] << 8) | table[q * 3 + 2]).toString(16).slice(1)}`);
    hexTables.set(scale, hex);
  }
  return hex;
}

/** " a% b%" of each of `cols` equal squares, built once per width (strips are redrawn every step). */
const stopTables = new Map<number, string[]>();
function stopTable(cols: number): string[] {
  let stops = stopTables.get(cols);
  if (!stops) {
    stops = Array.from({ length: cols }, (_, c) => ` ${+((c / cols) * 100).toFixed(4)}% ${+(((c + 1) / cols) * 100).toFixed(4)}%`);
    stopTables.set(cols, stops);
  }
  return stops;
}

/**
 * The CSS background that draws `values` as rows x cols squares: one hard-stop gradient per row,
 * each unit's colour from the heatmaps' table (viridis on [0, 1] for gates, RdBu on [-1, 1]
 * otherwise), grey for a value that is not finite.
 */
export function stripBackground(values: ArrayLike<number>, scale: Scale, rows: number, cols: number): { backgroundImage: string; backgroundSize: string; backgroundPosition: string } {
  const hex = hexTable(scale);
  const stops = stopTable(cols);
  const [lo, hi] = scale === 'gate' ? [0, 1] : [-1, 1];
  let image = '';
  let positions = '';
  for (let r = 0; r < rows; r++) {
    let row = 'linear-gradient(to right';
    for (let c = 0; c < cols; c++) {
      const j = r * cols + c;
      const v = j < values.length ? values[j] : NaN;
      const color = j >= values.length ? 'transparent' : Number.isFinite(v) ? hex[Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255)] : '#888888';
      row += `, ${color}${stops[c]}`;
    }
    image += (r > 0 ? ', ' : '') + row + ')';
    positions += `${r > 0 ? ', ' : ''}0 ${rows === 1 ? 0 : (r / (rows - 1)) * 100}%`;
  }
  return { backgroundImage: image, backgroundSize: `100% ${100 / rows}%`, backgroundPosition: positions };
}

/**
 * All units as coloured squares (two rows when there are more than 32), selected unit outlined.
 * The squares are one element's CSS background, a hard-stop gradient per row: stepping changes one
 * style, not a few hundred SVG elements, and unlike a canvas (which Chromium composites as a layer
 * of its own) it paints with the rest of the panel; ten canvas layers here made every frame of the
 * page pay for layerization (BENCHMARKS.md).
 */
function Strip({ x, y, width, values, unit, scale, onSelectUnit }: StripProps) {
  const H = values.length;
  const rows = H > 32 ? 2 : 1;
  const cols = Math.ceil(H / rows);
  const cw = width / Math.max(1, cols);
  const ch = rows === 1 ? 10 : 6;
  const background = useMemo(() => stripBackground(values, scale, rows, cols), [values, scale, rows, cols]);
  const sr = Math.floor(unit / cols);
  const sc = unit % cols;
  const pick = (e: MouseEvent<HTMLDivElement>) => {
    if (!onSelectUnit) return;
    e.stopPropagation();
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return;
    const c = Math.min(cols - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * cols)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor(((e.clientY - box.top) / box.height) * rows)));
    const j = r * cols + c;
    if (j < H) onSelectUnit(j);
  };
  return (
    <g aria-hidden="true">
      <foreignObject x={x} y={y} width={cols * cw} height={rows * ch}>
        <div className="unit-strip" data-units={H} onClick={pick}
          style={{ ...background, backgroundRepeat: 'no-repeat', width: '100%', height: '100%', cursor: onSelectUnit ? 'pointer' : undefined }} />
      </foreignObject>
      {unit < H && (
        <rect className="selected-unit" x={x + sc * cw - 1} y={y + sr * ch - 1} width={cw + 2} height={ch + 2}
          style={{ fill: 'none', stroke: cssVar('selected'), strokeWidth: 1.5, pointerEvents: 'none' }} />
      )}
    </g>
  );
}

export function CellDiagram({ values, unit, step, token, onSelectUnit }: CellDiagramProps) {
  const parts = useMemo(() => cellParts(values), [values]);
  const [active, setActive] = useState<string | null>(null);
  const descId = useId();
  const arrowId = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const u = Math.min(unit, Math.max(0, values.H - 1));
  const activePart = active ? parts[active] : null;
  const boxes: Record<string, { x: number; y: number; w: number; h: number }> = {};

  const valueOf = (p: PartInfo): string | null => (p.values && u < p.values.length ? formatValue(p.values[u]) : null);

  // Called as a function, not rendered as <Box/>: a component defined in render would remount on
  // every render and drop keyboard focus.
  /** A focusable, explainable box with a title, the unit strip and the selected unit's number. */
  const box = ({ part, x, y, w = BW, h = BH, title, note }: BoxProps) => {
    boxes[part.id] = { x, y, w, h };
    const val = valueOf(part);
    const isActive = active === part.id;
    const label = `${part.name}${val !== null ? `, unit ${u}: ${val}` : ''}${note ? `: ${note}` : ''}`;
    return (
      <g key={part.id} className="diagram-part" data-part={part.id} tabIndex={0} role="img" aria-label={label} aria-describedby={descId}
        onMouseEnter={() => setActive(part.id)} onMouseLeave={() => setActive((a) => (a === part.id ? null : a))}
        onFocus={() => setActive(part.id)} onBlur={() => setActive((a) => (a === part.id ? null : a))} style={{ outline: 'none' }}>
        <rect x={x} y={y} width={w} height={h} rx={6}
          style={{ fill: cssVar('panel-bg'), stroke: isActive ? cssVar('focus') : 'currentColor', strokeWidth: isActive ? 3 : 1.2 }} />
        <text x={x + 6} y={y + 15} style={{ fontSize: 13, fill: 'currentColor' }}>
          {title}
        </text>
        {part.values && h >= 40 && (
          <Strip x={x + 6} y={y + 21} width={w - 12} values={part.values} unit={u} scale={part.scale} onSelectUnit={onSelectUnit} />
        )}
        {(val !== null || note) && (
          <text x={x + w - 6} y={y + h - 6} textAnchor="end" style={{ fontSize: 12, fill: 'currentColor', fontVariantNumeric: 'tabular-nums' }}>
            {note ?? val}
          </text>
        )}
      </g>
    );
  };

  const wire = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, opacity: 0.75 } as const;
  const arrow = `url(#${arrowId})`;
  const junction = (cx: number, cy: number, op: '×' | '+') => (
    <g key={`j${cx},${cy}`} aria-hidden="true">
      <circle cx={cx} cy={cy} r={11} style={{ fill: cssVar('panel-bg'), stroke: 'currentColor', strokeWidth: 1.5 }} />
      <text x={cx} y={cy} dy="0.35em" textAnchor="middle" style={{ fontSize: 16, fill: 'currentColor' }}>
        {op}
      </text>
    </g>
  );
  const tokenNote = tokenLabel(token, 9);

  // Inputs shared by every cell: x_t (left, middle) and h_{t-1} (bottom left) join a bus under the gates.
  const inputs = (busEnd: number, stubs: number[], hPrevBelow: boolean) => (
    <>
      <path d={`M88,240H110V310H${busEnd}${hPrevBelow ? 'M88,310H110' : ''}`} style={wire} />
      {stubs.map((sx) => (
        <path key={sx} d={`M${sx},310V${289}`} style={wire} markerEnd={arrow} />
      ))}
      {box({ part: parts.x, x: 8, y: 213, title: <Sym base="x" sub="t" />, note: `“${tokenNote}”` })}
      {hPrevBelow && box({ part: parts.hPrev, x: 8, y: 283, title: <Sym base="h" sub="t−1" /> })}
    </>
  );

  // Each cell draws its own schematic (its view entry) with these primitives.
  const kit: DiagramKit = { parts, box, junction, inputs, wire, arrow };
  const view = CELL_VIEWS[values.cell];
  const body = view.diagram(kit);

  const tip = activePart ? boxes[activePart.id] : undefined;
  const explainText = activePart ? activePart.explain : 'Hover over or focus (Tab) a part of the diagram to see what it does.';

  return (
    <figure className="cell-diagram" style={{ margin: 0 }}>
      <div className="cell-diagram-canvas" style={{ position: 'relative' }}>
        <div style={{ overflowX: 'auto' }}>
          <svg viewBox={`0 0 ${VIEW_W} ${VIEW_H}`} width="100%" role="group" aria-label={`${view.label} cell at step ${step + 1} (“${token}”), unit ${u} selected`}
            style={{ display: 'block', minWidth: 420, maxWidth: 760, height: 'auto' }}>
            <defs>
              <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0L10,5L0,10z" style={{ fill: 'currentColor' }} />
              </marker>
            </defs>
            {body}
          </svg>
        </div>
        {activePart && tip && (
          // Outside the scrolling box so it is never clipped; above parts in the lower half, below the others.
          <div className="diagram-tooltip" aria-hidden="true"
            style={{
              position: 'absolute',
              ...(tip.x + tip.w / 2 > VIEW_W / 2 ? { right: `${(1 - (tip.x + tip.w) / VIEW_W) * 100}%` } : { left: `${(tip.x / VIEW_W) * 100}%` }),
              ...(tip.y + tip.h / 2 > VIEW_H / 2
                ? { top: `${(tip.y / VIEW_H) * 100}%`, transform: 'translateY(calc(-100% - 6px))' }
                : { top: `calc(${((tip.y + tip.h) / VIEW_H) * 100}% + 6px)` }),
              maxWidth: 'min(38ch, 90%)', pointerEvents: 'none', zIndex: 2,
            }}>
            {activePart.explain}
          </div>
        )}
      </div>
      <figcaption>
        <p id={descId} className="diagram-explain" aria-live="polite">
          {explainText}
        </p>
      </figcaption>
    </figure>
  );
}
