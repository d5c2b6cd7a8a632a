/**
 * What every cell's view entry (rnn.tsx, lstm.tsx, gru.tsx) is built from: the step values the
 * diagram shows, its explainable parts, the drawing kit CellDiagram lends each cell's schematic,
 * and the equation builders with their number formats.
 */
import type { ReactNode } from 'react';
import type { CellKind } from '../../engine';

/** The values of one step, each array of length H (one entry per hidden unit). */
export interface CellStepValues {
  cell: CellKind;
  H: number;
  /** embedding-side input is summarised by its token; no per-unit values */
  hPrev: ArrayLike<number>;
  h: ArrayLike<number>;
  /** cells that keep c (lstm) only */
  cPrev?: ArrayLike<number> | null;
  c?: ArrayLike<number> | null;
  /** post-activation gates by name (lstm i f g o, gru r z n); each H long */
  gates: Record<string, ArrayLike<number>>;
}

export type Scale = 'gate' | 'signed';

/** One explainable part of the diagram. */
export interface PartInfo {
  id: string;
  /** spoken name, e.g. "Forget gate f" */
  name: string;
  /** one sentence with its equation */
  explain: string;
  values?: ArrayLike<number>;
  scale: Scale;
}

/** The parts every cell's diagram has: the input x_t and the previous hidden state. */
export function commonParts(v: CellStepValues): Record<'x' | 'hPrev', PartInfo> {
  return {
    x: { id: 'x', name: 'Input x', scale: 'signed', explain: "The input at this step: the token's embedding vector, x_t = E[token_t]; every gate reads it." },
    hPrev: {
      id: 'hPrev', name: 'Previous hidden state h(t−1)', scale: 'signed', values: v.hPrev,
      explain: 'The hidden state from the previous step, which every gate reads together with the input: h_(t−1) (zeros before the first token).',
    },
  };
}

export interface BoxProps {
  part: PartInfo;
  x: number;
  y: number;
  w?: number;
  h?: number;
  title: ReactNode;
  /** text under the strip instead of the unit's number (e.g. the token for x) */
  note?: string;
}

/** What CellDiagram lends a cell's schematic: its parts and the drawing primitives (all in the 600 x 350 view box). */
export interface DiagramKit {
  parts: Record<string, PartInfo>;
  /** a focusable, explainable box with a title, the unit strip and the selected unit's number */
  box(props: BoxProps): ReactNode;
  /** a circle with × or + where two lines meet */
  junction(cx: number, cy: number, op: '×' | '+'): ReactNode;
  /** x_t (left, middle) and, when hPrevBelow, h_{t-1} (bottom left) joined on a bus under the gates, with stubs up to them */
  inputs(busEnd: number, stubs: number[], hPrevBelow: boolean): ReactNode;
  /** the style of a wire, and the arrowhead marker to end one with */
  wire: { fill: 'none'; stroke: string; strokeWidth: number; opacity: number };
  arrow: string;
}

/** Base letter with a subscript, as SVG text. */
export function Sym({ base, sub }: { base: string; sub?: string }) {
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

export function mul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = a[j] * b[j];
  return out;
}

export function map(a: ArrayLike<number>, f: (v: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = f(a[j]);
  return out;
}

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

// ----- equations -----

export interface Equation {
  id: string;
  /** the general form */
  tex: string;
  plain: string;
  /** the form with the selected unit's numbers */
  liveTex: string;
  livePlain: string;
}

/** What a cell's equations read: the selected unit j at step t (all numbers already looked up). */
export interface EquationContext {
  /** "[j]", appended to a symbol in the live forms */
  u: string;
  /** unit j's post-activation value of gate block b at step t */
  gate(b: number): number;
  /** the pre-activation of block b for unit j, split into the input side and the recurrent side */
  pre(b: number): { input: number; recurrent: number };
  hPrev: number;
  h: number;
  /** c_{t-1}[j] and c_t[j] for a cell that keeps c (0 otherwise) */
  cPrev: number;
  c: number;
}

/** The diagram's number format; non-finite as a word, never NaN. */
export const num = formatValue;

/** A number as a factor or addend: negative values in parentheses, so "0.12 · (-0.77)". */
export function paren(v: number): string {
  const s = num(v);
  return s.startsWith('-') ? `(${s})` : s;
}

// toExponential's "1.0e-7" becomes 1.0 \times 10^{-7} in TeX.
export function texNum(v: number): string {
  if (!Number.isFinite(v)) return `\\text{${num(v)}}`;
  const s = num(v);
  const m = /^(-?[\d.]+)e([+-]?\d+)$/.exec(s);
  return m ? `${m[1]} \\times 10^{${Number(m[2])}}` : s;
}

export function texParen(v: number): string {
  const s = texNum(v);
  return s.startsWith('-') ? `(${s})` : s;
}

const sub = (gate: string) => `W_{i${gate}}\\,x_t + b_{i${gate}} + W_{h${gate}}\\,h_{t-1} + b_{h${gate}}`;
const subPlain = (gate: string) => `W_i${gate} x_t + b_i${gate} + W_h${gate} h_(t−1) + b_h${gate}`;

/** A gate written as act(input + recurrent) = act(sum) = value, for block b named `name`. */
export function gateEquation(ctx: EquationContext, name: string, b: number, act: 'sigma' | 'tanh'): Equation {
  const { input, recurrent } = ctx.pre(b);
  const fn = act === 'sigma' ? '\\sigma' : '\\tanh';
  const fnPlain = act === 'sigma' ? 'σ' : 'tanh';
  const u = ctx.u;
  return {
    id: name,
    tex: `${name}_t = ${fn}(${sub(name)})`,
    plain: `${name}_t = ${fnPlain}(${subPlain(name)})`,
    liveTex: `${name}_t${u} = ${fn}(${texNum(input)} + ${texParen(recurrent)}) = ${fn}(${texNum(input + recurrent)}) = ${texNum(ctx.gate(b))}`,
    livePlain: `${name}_t${u} = ${fnPlain}(${num(input)} + ${paren(recurrent)}) = ${fnPlain}(${num(input + recurrent)}) = ${num(ctx.gate(b))}`,
  };
}
