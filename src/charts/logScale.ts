/**
 * Helpers shared by the log-axis charts (gradient norms, Jacobian norms): classify and format
 * norms that may be exactly 0 (underflow) or non-finite (overflow), and build a decade-aligned
 * log domain that never contains 0 or Infinity, whatever the data.
 */
import { scaleLog, type ScaleLogarithmic } from 'd3';

export type NormClass = 'positive' | 'zero' | 'overflow';

// 10^-323 is the smallest power of ten a double can hold (subnormal); 10^308 the largest.
const MIN_EXP = -323;
const MAX_EXP = 308;

/** Where a norm can be drawn: on the log axis, at the floor (exact 0), or above the top (Infinity, NaN). */
export function classifyNorm(v: number): NormClass {
  // NaN only arises from Infinity * 0 or Infinity - Infinity in this app, so it reads as overflow.
  if (!Number.isFinite(v)) return 'overflow';
  if (v === 0) return 'zero';
  return 'positive';
}

/** "3.2e-9" style; "0" for exact zeros; "overflow" for non-finite values. Never "NaN". */
export function formatNorm(v: number): string {
  const kind = classifyNorm(v);
  if (kind === 'zero') return '0';
  if (kind === 'overflow') return 'overflow';
  return v.toExponential(1).replace('e+', 'e');
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** Axis label for a power of ten: 10⁻⁹, 1, 10³. */
export function formatDecade(v: number): string {
  const e = Math.round(Math.log10(v));
  if (e === 0) return '1';
  if (e === 1) return '10';
  return '10' + String(e).split('').map((ch) => SUPERSCRIPT[ch] ?? ch).join('');
}

/** 10^e as the nearest double (Math.pow(10, -5) is 9.999999999999999e-6; parsing is exact). */
function pow10(e: number): number {
  return Number(`1e${e}`);
}

function clampExp(e: number): number {
  return Math.min(MAX_EXP, Math.max(MIN_EXP, e));
}

/**
 * Decade-aligned [floor, ceiling] covering every positive finite value (and `include`), at least one
 * decade wide, both ends strictly positive and finite. With no positive data: [1e-10, 1].
 */
export function logDomain(values: Iterable<number>, include: number[] = []): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...values, ...include]) {
    if (classifyNorm(v) !== 'positive') continue;
    const a = Math.abs(v);
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  if (lo === Infinity) return [1e-10, 1];
  let eLo = clampExp(Math.floor(Math.log10(lo)));
  let eHi = clampExp(Math.ceil(Math.log10(hi)));
  if (eHi <= eLo) {
    if (eHi < MAX_EXP) eHi = eLo + 1;
    else eLo = eHi - 1;
  }
  return [pow10(eLo), pow10(eHi)];
}

/** A clamped log scale over `domain` mapped onto [bottom, top] pixels. */
export function makeLogScale(domain: [number, number], bottom: number, top: number): ScaleLogarithmic<number, number> {
  return scaleLog().domain(domain).range([bottom, top]).clamp(true);
}

/** At most `maxTicks` powers of ten across the domain, evenly spaced in decades, ends included. */
export function decadeTicks(domain: [number, number], maxTicks = 6): number[] {
  const eLo = Math.round(Math.log10(domain[0]));
  const eHi = Math.round(Math.log10(domain[1]));
  const span = eHi - eLo;
  const every = Math.max(1, Math.ceil(span / Math.max(1, maxTicks - 1)));
  const ticks: number[] = [];
  // Walk down from the top so the ceiling is always labelled.
  for (let e = eHi; e >= eLo; e -= every) ticks.push(pow10(e));
  return ticks.reverse();
}
