import { describe, expect, it } from 'vitest';
import { classifyNorm, decadeTicks, formatDecade, formatNorm, logDomain, makeLogScale } from '../../src/charts/logScale';

describe('formatNorm', () => {
  it('writes positive norms in short scientific notation', () => {
    expect(formatNorm(3.2e-9)).toBe('3.2e-9');
    expect(formatNorm(0.0123)).toBe('1.2e-2');
    expect(formatNorm(1234)).toBe('1.2e3');
    expect(formatNorm(1e-300)).toBe('1.0e-300');
  });

  it('writes an exact zero as "0" and non-finite values as "overflow", never "NaN"', () => {
    expect(formatNorm(0)).toBe('0');
    expect(formatNorm(Infinity)).toBe('overflow');
    expect(formatNorm(NaN)).toBe('overflow');
    expect(classifyNorm(0)).toBe('zero');
    expect(classifyNorm(-Infinity)).toBe('overflow');
  });
});

describe('logDomain', () => {
  it('spans 1e-300 to 1e3 with decade-aligned ends', () => {
    expect(logDomain([1e-300, 0.5, 1e3])).toEqual([1e-300, 1e3]);
  });

  it('rounds out to whole decades', () => {
    const [lo, hi] = logDomain([3e-7, 42]);
    expect(lo).toBeCloseTo(1e-7, 20);
    expect(hi).toBeCloseTo(100, 10);
  });

  it('ignores zeros, Infinity and NaN and falls back to [1e-10, 1] when nothing is positive', () => {
    expect(logDomain([0, Infinity, NaN])).toEqual([1e-10, 1]);
    expect(logDomain([0, 1e-5, Infinity, NaN, 1e-2])).toEqual([1e-5, 1e-2]);
  });

  it('is at least one decade wide for a single value', () => {
    expect(logDomain([2.5])).toEqual([1, 10]);
    expect(logDomain([1])).toEqual([1, 10]);
  });

  it('stays strictly positive and finite at the limits of double precision', () => {
    const [lo, hi] = logDomain([5e-324, 1.7e308]);
    expect(lo).toBeGreaterThan(0);
    expect(Number.isFinite(hi)).toBe(true);
  });

  it('includes the reference value even when the data is far from it', () => {
    expect(logDomain([1e-6, 1e-4], [1])).toEqual([1e-6, 1]);
  });
});

describe('the log scale over 1e-300 .. 1e3', () => {
  it('maps both ends onto the pixel range and every tick to a finite pixel', () => {
    const domain = logDomain([1e-300, 1e3]);
    const y = makeLogScale(domain, 200, 0);
    expect(y(1e-300)).toBeCloseTo(200, 9);
    expect(y(1e3)).toBeCloseTo(0, 9);
    // 1e-150 is 151/303 of the way up in decades.
    expect(y(1e-150)).toBeCloseTo(200 - (200 * 150) / 303, 6);
    const ticks = decadeTicks(domain, 6);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks[ticks.length - 1]).toBe(1e3);
    for (const t of ticks) expect(Number.isFinite(y(t))).toBe(true);
  });
});

describe('formatDecade', () => {
  it('labels powers of ten with superscript exponents', () => {
    expect(formatDecade(1e-9)).toBe('10⁻⁹');
    expect(formatDecade(1e3)).toBe('10³');
    expect(formatDecade(1)).toBe('1');
    expect(formatDecade(1e-300)).toBe('10⁻³⁰⁰');
  });
});
