import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelWidth, TOKEN_AXIS_STYLE, tokenAxis, type TokenAxisGeometry } from '../../src/charts/tokenAxisGeometry';

const { angle, fontSize, maxChars } = TOKEN_AXIS_STYLE;

/**
 * Oracle for "two drawn labels overlap": each label as the corners of its box on screen (anchored at
 * its end under the step, turned by the angle, 1 em tall), separated by the separating-axis test on
 * the projections of those corners.
 */
function corners(axis: TokenAxisGeometry, t: number, width: number): [number, number][] {
  const rad = (axis.angle * Math.PI) / 180;
  const u = [Math.cos(rad), -Math.sin(rad)]; // along the text, towards its end
  const n = [Math.sin(rad), Math.cos(rad)]; // across it
  const ax = axis.x(t);
  const ay = axis.offset;
  const out: [number, number][] = [];
  for (const a of [-width, 0]) for (const b of [-axis.fontSize / 2, axis.fontSize / 2]) out.push([ax + a * u[0] + b * n[0], ay + a * u[1] + b * n[1]]);
  return out;
}

function boxesOverlap(p: [number, number][], q: [number, number][], rad: number): boolean {
  const axes = [[Math.cos(rad), -Math.sin(rad)], [Math.sin(rad), Math.cos(rad)]];
  return axes.every(([dx, dy]) => {
    const pp = p.map(([x, y]) => x * dx + y * dy);
    const qq = q.map(([x, y]) => x * dx + y * dy);
    // A shared edge (to rounding) is touching, not overlapping.
    return Math.min(Math.max(...pp), Math.max(...qq)) - Math.max(Math.min(...pp), Math.min(...qq)) > 1e-9;
  });
}

function drawnOverlap(axis: TokenAxisGeometry): [number, number] | null {
  const rad = (axis.angle * Math.PI) / 180;
  const { labels } = axis;
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (boxesOverlap(corners(axis, labels[i].t, labels[i].width), corners(axis, labels[j].t, labels[j].width), rad)) return [labels[i].t, labels[j].t];
  return null;
}

describe('tokenAxis: the scale', () => {
  it('puts each step at the centre of an equal band across the plot', () => {
    // By hand: 4 steps over 200 px are bands 50 px wide, centred at 25, 75, 125, 175.
    const axis = tokenAxis(['the', 'movie', 'was', 'good'], 200, 52);
    expect(axis.band).toBe(50);
    expect([0, 1, 2, 3].map(axis.x)).toEqual([25, 75, 125, 175]);
    expect([0, 1, 2, 3].map(axis.start)).toEqual([0, 50, 100, 150]);
    expect(axis.left).toBe(52);
    expect(axis.width).toBe(200);
    expect(axis.T).toBe(4);
  });

  it('matches the point positions the prediction track used (padding 0.5): (t + 1/2) · width / T', () => {
    const axis = tokenAxis(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 300);
    for (let t = 0; t < 7; t++) expect(axis.x(t)).toBeCloseTo(((t + 0.5) * 300) / 7, 10);
  });
});

describe('tokenAxis: stepAt', () => {
  const axis = tokenAxis(['a', 'b', 'c', 'd'], 200);

  it('gives the step whose band holds x, a band edge belonging to the band on its right', () => {
    expect(axis.stepAt(0)).toBe(0);
    expect(axis.stepAt(49.999)).toBe(0);
    expect(axis.stepAt(50)).toBe(1);
    expect(axis.stepAt(125)).toBe(2);
    expect(axis.stepAt(150)).toBe(3);
    expect(axis.stepAt(199.999)).toBe(3);
  });

  it('clamps a pointer outside the plot to the first or last step', () => {
    expect(axis.stepAt(200)).toBe(3);
    expect(axis.stepAt(1e6)).toBe(3);
    expect(axis.stepAt(-0.001)).toBe(0);
    expect(axis.stepAt(-1e6)).toBe(0);
  });

  it('has no step to give without tokens', () => {
    expect(tokenAxis([], 200).stepAt(10)).toBeNull();
  });
});

describe('tokenAxis: labels', () => {
  it('shortens long tokens to the one length with an ellipsis, by code points', () => {
    const axis = tokenAxis(['incomprehensible', '😀'.repeat(12), 'ok', ' ', '\u200b'], 1000);
    expect(maxChars).toBe(8);
    expect(axis.texts).toEqual(['incompr…', '😀'.repeat(7) + '…', 'ok', '␣', 'U+200B']);
    expect(axis.labels.map((l) => l.text)).toEqual(axis.texts);
  });

  it('estimates label lengths from the characters: 0.6 em plain, 0.7 em capitals, 0.9 em m/w, 1 em wide', () => {
    expect(labelWidth('abc', 10)).toBeCloseTo(18, 10);
    expect(labelWidth('Am', 10)).toBeCloseTo(16, 10);
    expect(labelWidth('ab…', 10)).toBeCloseTo(22, 10);
    expect(labelWidth('猫😀', 10)).toBeCloseTo(20, 10);
  });

  it('keeps every label when there is room', () => {
    const axis = tokenAxis(['the', 'movie', 'was', 'not', 'good'], 500);
    expect(axis.every).toBe(1);
    expect(axis.labels.map((l) => l.t)).toEqual([0, 1, 2, 3, 4]);
  });

  it('thins long labels to the stride where they are a full line apart across the text', () => {
    // By hand: 60 eight-character labels (7 × 6.6 px + an 11 px ellipsis = 57.2 px) over 400 px
    // are 6.67 px apart. At 50° a stride k clears when 6.67·k·sin 50° ≥ 11 (k ≥ 2.15) or
    // 6.67·k·cos 50° ≥ 57.2 (k ≥ 13.3): k = 3.
    const axis = tokenAxis(Array.from({ length: 60 }, () => 'beautiful'), 400);
    expect(angle).toBe(50);
    expect(axis.labels[1].width).toBeCloseTo(57.2, 10);
    expect(axis.every).toBe(3);
    expect(axis.labels.map((l) => l.t)).toEqual(Array.from({ length: 20 }, (_, k) => 3 * k));
  });

  it('lets short labels sit closer: one letter clears its neighbour along the text', () => {
    // By hand: "a" is 6.6 px long; 6.67·k·cos 50° ≥ 6.6 from k = 2 (k = 1 gives 4.29, and 5.1 across).
    const axis = tokenAxis(Array.from({ length: 60 }, () => 'a'), 400);
    expect(axis.every).toBe(2);
  });

  it('never keeps two labels that overlap, and keeps as many as a regular stride allows', () => {
    const token = fc.oneof(fc.string({ maxLength: 14 }), fc.constantFrom('a', 'I', 'wwwwwwwwww', '😀😀😀', 'not', 'MMMM', '.'));
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 240 }), fc.integer({ min: 40, max: 1600 }), (tokens, width) => {
        const axis = tokenAxis(tokens, width);
        expect(drawnOverlap(axis)).toBeNull();
        expect(axis.labels[0].t).toBe(0);
        expect(axis.labels.every((l, k) => l.t === k * axis.every)).toBe(true);
        // One step denser would overlap somewhere (the stride is the smallest that fits).
        if (axis.every > 1) {
          const denser = { ...axis, labels: axis.texts.flatMap((text, t) => (t % (axis.every - 1) === 0 ? [{ t, text, width: labelWidth(text, fontSize) }] : [])) };
          expect(drawnOverlap(denser)).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
