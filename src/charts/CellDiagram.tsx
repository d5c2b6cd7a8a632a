/**
 * An SVG schematic of one recurrent cell at the current step (LSTM with the cell-state line along
 * the top, GRU, plain RNN). Every gate and intermediate shows all units as a strip of coloured
 * squares with the selected unit outlined, plus that unit's number. Hovering or focusing a part
 * explains it in one sentence with its equation, in a tooltip and in a polite live region.
 */
import { useId, useMemo, useState, type MouseEvent, type ReactNode } from 'react';
import type { CellKind } from '../engine/types';
import { colorTable, cssVar } from './theme';
import { tokenLabel } from './tokenLabel';

/** The values of one step, each array of length H (one entry per hidden unit). */
export interface CellStepValues {
  cell: CellKind;
  H: number;
  /** embedding-side input is summarised by its token; no per-unit values */
  hPrev: ArrayLike<number>;
  h: ArrayLike<number>;
  /** lstm only */
  cPrev?: ArrayLike<number> | null;
  c?: ArrayLike<number> | null;
  /** post-activation gates by name (lstm i f g o, gru r z n); each H long */
  gates: Record<string, ArrayLike<number>>;
}

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

export type Scale = 'gate' | 'signed';

/** One explainable part of the diagram. */
interface PartInfo {
  id: string;
  /** spoken name, e.g. "Forget gate f" */
  name: string;
  /** one sentence with its equation */
  explain: string;
  values?: ArrayLike<number>;
  scale: Scale;
}

export const VIEW_W = 600;
export const VIEW_H = 350;
const BW = 80;
const BH = 54;

/**
 * Two decimals, except two significant digits below 0.01 so small values do not read as 0
 * (0.0043); exact zero is "0.00"; no NaN text for non-finite values.
 */
export function formatValue(v: number): string {
  // NaN only comes from Infinity - Infinity or Infinity * 0 here, so it reads as overflow too.
  if (!Number.isFinite(v)) return v < 0 ? '-overflow' : 'overflow';
  if (v !== 0 && Math.abs(v) < 0.005) return Math.abs(v) < 1e-4 ? v.toExponential(1) : v.toPrecision(2);
  return v.toFixed(2);
}


function mul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = a[j] * b[j];
  return out;
}

function map(a: ArrayLike<number>, f: (v: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = f(a[j]);
  return out;
}

const GATE_EXPLAIN = {
  lstmI: 'The input gate decides how much of the candidate to write into the cell (0 writes nothing, 1 all of it): i_t = σ(W_ii x_t + b_ii + W_hi h_(t−1) + b_hi).',
  lstmF: "The forget gate decides how much of each unit's old cell state to keep (1 keeps it all, 0 clears it): f_t = σ(W_if x_t + b_if + W_hf h_(t−1) + b_hf).",
  lstmG: 'The candidate is the new content on offer, between −1 and 1: g_t = tanh(W_ig x_t + b_ig + W_hg h_(t−1) + b_hg).',
  lstmO: 'The output gate decides how much of the squashed cell state to show as the hidden state: o_t = σ(W_io x_t + b_io + W_ho h_(t−1) + b_ho).',
  gruR: 'The reset gate decides how much of the old state the candidate may look at: r_t = σ(W_ir x_t + b_ir + W_hr h_(t−1) + b_hr).',
  gruZ: 'The update gate decides how much of the old state to keep unchanged (1 keeps it, 0 replaces it): z_t = σ(W_iz x_t + b_iz + W_hz h_(t−1) + b_hz).',
  gruN: 'The candidate is new content built from the input and the reset-filtered old state: n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn)).',
};

/** The explainable parts of a cell at one step, with the values they show. */
export function cellParts(v: CellStepValues): Record<string, PartInfo> {
  const g = v.gates;
  const common: Record<string, PartInfo> = {
    x: { id: 'x', name: 'Input x', scale: 'signed', explain: "The input at this step: the token's embedding vector, x_t = E[token_t]; every gate reads it." },
    hPrev: {
      id: 'hPrev', name: 'Previous hidden state h(t−1)', scale: 'signed', values: v.hPrev,
      explain: 'The hidden state from the previous step, which every gate reads together with the input: h_(t−1) (zeros before the first token).',
    },
  };
  if (v.cell === 'lstm') {
    const cPrev = v.cPrev ?? new Float64Array(v.H);
    const c = v.c ?? new Float64Array(v.H);
    return {
      ...common,
      cPrev: { id: 'cPrev', name: 'Previous cell state c(t−1)', scale: 'signed', values: cPrev,
        explain: 'The cell state from the previous step, the long-term memory carried along the top line: c_(t−1) (zeros before the first token).' },
      f: { id: 'f', name: 'Forget gate f', scale: 'gate', values: g.f, explain: GATE_EXPLAIN.lstmF },
      i: { id: 'i', name: 'Input gate i', scale: 'gate', values: g.i, explain: GATE_EXPLAIN.lstmI },
      g: { id: 'g', name: 'Candidate g', scale: 'signed', values: g.g, explain: GATE_EXPLAIN.lstmG },
      o: { id: 'o', name: 'Output gate o', scale: 'gate', values: g.o, explain: GATE_EXPLAIN.lstmO },
      kept: { id: 'kept', name: 'Kept part f times c(t−1)', scale: 'signed', values: mul(g.f, cPrev),
        explain: 'The kept part is the old cell state scaled by the forget gate; along this line the gradient is multiplied only by f: f_t ⊙ c_(t−1).' },
      written: { id: 'written', name: 'Written part i times g', scale: 'signed', values: mul(g.i, g.g),
        explain: 'The written part is the candidate scaled by the input gate: i_t ⊙ g_t.' },
      c: { id: 'c', name: 'Cell state c', scale: 'signed', values: c,
        explain: 'The new cell state is the kept part plus the written part: c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t.' },
      tanhC: { id: 'tanhC', name: 'Squashed cell state tanh(c)', scale: 'signed', values: map(c, Math.tanh),
        explain: 'The cell state is squashed into (−1, 1) before the output gate filters it: tanh(c_t).' },
      h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
        explain: 'The new hidden state is what the output gate lets through; the next step and the classifier read it: h_t = o_t ⊙ tanh(c_t).' },
    };
  }
  if (v.cell === 'gru') {
    return {
      ...common,
      r: { id: 'r', name: 'Reset gate r', scale: 'gate', values: g.r, explain: GATE_EXPLAIN.gruR },
      z: { id: 'z', name: 'Update gate z', scale: 'gate', values: g.z, explain: GATE_EXPLAIN.gruZ },
      n: { id: 'n', name: 'Candidate n', scale: 'signed', values: g.n, explain: GATE_EXPLAIN.gruN },
      oneMinusZ: { id: 'oneMinusZ', name: 'One minus z', scale: 'gate', values: map(g.z, (z) => 1 - z),
        explain: 'One minus the update gate is the share of the candidate that gets written: 1 − z_t.' },
      kept: { id: 'kept', name: 'Kept part z times h(t−1)', scale: 'signed', values: mul(g.z, v.hPrev),
        explain: 'The kept part is the old hidden state scaled by the update gate; along this line the gradient is multiplied by z: z_t ⊙ h_(t−1).' },
      written: { id: 'written', name: 'Written part (1−z) times n', scale: 'signed', values: mul(map(g.z, (z) => 1 - z), g.n),
        explain: 'The written part is the candidate scaled by one minus the update gate: (1 − z_t) ⊙ n_t.' },
      h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
        explain: 'The new hidden state mixes the kept and the written parts: h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ n_t.' },
    };
  }
  return {
    ...common,
    tanh: { id: 'tanh', name: 'tanh layer', scale: 'signed', values: v.h,
      explain: 'The plain RNN squashes a weighted sum of the input and the previous state and has no gates, so every step multiplies the gradient by W_hh and tanh′: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh).' },
    h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
      explain: 'The new hidden state is all the plain RNN remembers; the next step and the classifier read it: h_t.' },
  };
}

/** Base letter with a subscript, as SVG text. */
function Sym({ base, sub }: { base: string; sub?: string }) {
  return (
    <>
      <tspan fontStyle="italic">{base}</tspan>
      {sub && (
        // baseline-shift, unlike dy, does not carry over to the text that follows.
        <tspan fontSize="0.72em" baselineShift="sub">
          {sub}
        </tspan>
      )}
    </>
  );
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

interface BoxProps {
  part: PartInfo;
  x: number;
  y: number;
  w?: number;
  h?: number;
  title: ReactNode;
  /** text under the strip instead of the unit's number (e.g. the token for x) */
  note?: string;
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

  let body: ReactNode;
  if (values.cell === 'lstm') {
    body = (
      <>
        {/* the cell-state line along the top: c_{t-1} -> x f -> + i*g -> c_t */}
        <path d="M88,80H168M192,80H303M327,80H508" style={{ ...wire, strokeWidth: 3 }} markerEnd={arrow} />
        <path d="M180,233V93" style={wire} markerEnd={arrow} />
        <path d="M270,233V185H302M360,233V185H328" style={wire} />
        <path d="M315,173V93" style={wire} markerEnd={arrow} />
        <path d="M455,80V120M455,152V187M455,233V213M467,200H508" style={wire} markerEnd={arrow} />
        <path d="M180,52V69M315,52V69" style={{ ...wire, strokeDasharray: '2 3' }} />
        {junction(180, 80, '×')}
        {junction(315, 80, '+')}
        {junction(315, 185, '×')}
        {junction(455, 200, '×')}
        {inputs(455, [180, 270, 360, 455], true)}
        {box({ part: parts.cPrev, x: 8, y: 53, title: <Sym base="c" sub="t−1" /> })}
        {box({ part: parts.kept, x: 140, y: 0, w: 84, h: 52, title: <><Sym base="f" />{'⊙'}<Sym base="c" sub="t−1" /></> })}
        {box({ part: parts.written, x: 275, y: 0, w: 84, h: 52, title: <><Sym base="i" />{'⊙'}<Sym base="g" /></> })}
        {box({ part: parts.c, x: 510, y: 53, title: <Sym base="c" sub="t" /> })}
        {box({ part: parts.tanhC, x: 420, y: 121, w: 70, h: 30, title: 'tanh' })}
        {box({ part: parts.h, x: 510, y: 173, title: <Sym base="h" sub="t" /> })}
        {box({ part: parts.f, x: 140, y: 233, title: <><Sym base="f" sub="t" /> σ</> })}
        {box({ part: parts.i, x: 230, y: 233, title: <><Sym base="i" sub="t" /> σ</> })}
        {box({ part: parts.g, x: 320, y: 233, title: <><Sym base="g" sub="t" /> tanh</> })}
        {box({ part: parts.o, x: 415, y: 233, title: <><Sym base="o" sub="t" /> σ</> })}
      </>
    );
  } else if (values.cell === 'gru') {
    body = (
      <>
        {/* the hidden-state line along the top: h_{t-1} -> x z -> + (1-z)*n -> h_t */}
        <path d="M88,80H168M192,80H303M327,80H508" style={{ ...wire, strokeWidth: 3 }} markerEnd={arrow} />
        <path d="M110,80V240" style={wire} />
        <path d="M180,233V93" style={wire} markerEnd={arrow} />
        <path d="M180,185H224" style={wire} markerEnd={arrow} />
        <path d="M276,185H302M360,233V185H328" style={wire} />
        <path d="M315,173V93" style={wire} markerEnd={arrow} />
        <path d="M415,262H402" style={wire} markerEnd={arrow} />
        <path d="M180,52V69M315,52V69" style={{ ...wire, strokeDasharray: '2 3' }} />
        {junction(180, 80, '×')}
        {junction(315, 80, '+')}
        {junction(315, 185, '×')}
        {inputs(455, [180, 360, 455], false)}
        {box({ part: parts.kept, x: 140, y: 0, w: 84, h: 52, title: <><Sym base="z" />{'⊙'}<Sym base="h" sub="t−1" /></> })}
        {box({ part: parts.written, x: 275, y: 0, w: 84, h: 52, title: <>{'(1−'}<Sym base="z" />{')⊙'}<Sym base="n" /></> })}
        {box({ part: parts.oneMinusZ, x: 226, y: 171, w: 50, h: 28, title: <>{'1−'}<Sym base="z" /></> })}
        {box({ part: parts.h, x: 510, y: 53, title: <Sym base="h" sub="t" /> })}
        {box({ part: parts.z, x: 140, y: 233, title: <><Sym base="z" sub="t" /> σ</> })}
        {box({ part: parts.n, x: 320, y: 233, title: <><Sym base="n" sub="t" /> tanh</> })}
        {box({ part: parts.r, x: 415, y: 233, title: <><Sym base="r" sub="t" /> σ</> })}
        {/* h_{t-1} enters at the top left of the state line and drops to the gates' bus */}
        {box({ part: parts.hPrev, x: 8, y: 53, title: <Sym base="h" sub="t−1" /> })}
      </>
    );
  } else {
    body = (
      <>
        <path d="M300,310V191" style={wire} markerEnd={arrow} />
        <path d="M360,160H508" style={wire} markerEnd={arrow} />
        {inputs(300, [], true)}
        {box({ part: parts.tanh, x: 240, y: 130, w: 120, h: 60, title: 'tanh' })}
        {box({ part: parts.h, x: 510, y: 133, title: <Sym base="h" sub="t" /> })}
      </>
    );
  }

  const tip = activePart ? boxes[activePart.id] : undefined;
  const explainText = activePart ? activePart.explain : 'Hover over or focus (Tab) a part of the diagram to see what it does.';
  const cellName = values.cell === 'rnn' ? 'RNN' : values.cell.toUpperCase();

  return (
    <figure className="cell-diagram" style={{ margin: 0 }}>
      <div className="cell-diagram-canvas" style={{ position: 'relative' }}>
        <div style={{ overflowX: 'auto' }}>
          <svg viewBox={`0 0 ${VIEW_W} ${VIEW_H}`} width="100%" role="group" aria-label={`${cellName} cell at step ${step + 1} (“${token}”), unit ${u} selected`}
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
