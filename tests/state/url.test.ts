import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PANELS, COLOR_BY, DEFAULT_SETTINGS, type Settings } from '../../src/state/store';
import { HASH_FIELDS, parseHash, toHash } from '../../src/state/url';

const noNegZero = (v: number) => (Object.is(v, -0) ? 0 : v);

const settingsArb: fc.Arbitrary<Settings> = fc.record({
  sentence: fc.string({ unit: 'grapheme', maxLength: 60 }),
  cell: fc.constantFrom('rnn' as const, 'lstm' as const, 'gru' as const),
  model: fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/),
  step: fc.nat({ max: 500 }),
  unit: fc.nat({ max: 255 }),
  recurrentScale: fc.double({ min: 0, max: 4, noNaN: true }).map(noNegZero),
  forgetBias: fc.double({ min: -10, max: 10, noNaN: true }).map(noNegZero),
  padTo: fc.nat({ max: 200 }),
  seed: fc.nat({ max: 2 ** 31 - 1 }),
  panels: fc.subarray([...ALL_PANELS]),
  collapsed: fc.subarray([...ALL_PANELS]),
  compare: fc.boolean(),
  colorBy: fc.constantFrom(...COLOR_BY),
});

describe('the URL hash codec', () => {
  it('round-trips any valid settings exactly, with no problems', () => {
    fc.assert(
      fc.property(settingsArb, (s) => {
        const { settings, problems } = parseHash(toHash(s));
        expect(problems).toEqual([]);
        expect(settings).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a readable hash with every key', () => {
    const hash = toHash({ ...DEFAULT_SETTINGS, sentence: "it's not good, really", step: 3 });
    expect(hash).toBe(
      "#sentence=it's%20not%20good,%20really&cell=lstm&model=sentiment&step=3&unit=0&scale=1&fbias=0&pad=0&seed=1" +
        '&panels=diagram,heatmaps,prediction,gradient,equations,knobs&compare=0&color=unit&collapsed=',
    );
  });

  it('keeps sentences with &, =, #, % and + intact', () => {
    const sentence = 'a&b=c #1 100% +x';
    expect(parseHash(toHash({ ...DEFAULT_SETTINGS, sentence })).settings.sentence).toBe(sentence);
  });

  it('replaces a lone surrogate instead of throwing', () => {
    const hash = toHash({ ...DEFAULT_SETTINGS, sentence: 'bad \uD800 half' });
    expect(parseHash(hash).settings.sentence).toBe('bad \uFFFD half');
  });

  it('accepts a hash without the leading # and an empty hash', () => {
    expect(parseHash('cell=gru&step=2')).toEqual({ settings: { cell: 'gru', step: 2 }, problems: [] });
    expect(parseHash('')).toEqual({ settings: {}, problems: [] });
    expect(parseHash('#')).toEqual({ settings: {}, problems: [] });
  });

  const garbage: [string, string, RegExp][] = [
    ['cell', 'transformer', /cell: expected one of rnn, lstm, gru/],
    ['step', 'three', /step: expected a number/],
    ['step', '-2', /step: -2 is outside/],
    ['step', '1.5', /step: expected a whole number/],
    ['unit', '0x10', /unit: expected a number/],
    ['scale', 'NaN', /scale: expected a number/],
    ['scale', 'Infinity', /scale: expected a number/],
    ['scale', '99', /scale: 99 is outside 0..4/],
    ['fbias', '', /fbias: expected a number/],
    ['unit', '1e9', /unit: 1000000000 is outside/],
    ['seed', '-1', /seed: -1 is outside/],
    ['compare', 'maybe', /compare: expected 1 or 0/],
    ['color', 'rainbow', /color: expected one of none, unit, saliency/],
    ['model', '../../etc', /model: expected a model name/],
  ];
  for (const [key, value, message] of garbage) {
    it(`falls back to the default for ${key}=${JSON.stringify(value)} and names the problem`, () => {
      const field = HASH_FIELDS.find((f) => f.key === key)!;
      const { settings, problems } = parseHash(`#${key}=${encodeURIComponent(value)}&pad=5`);
      expect(settings).not.toHaveProperty(field.field);
      expect(settings).toEqual({ padTo: 5 });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
      expect(problems[0]).toMatch(/using the default/);
    });
  }

  it('keeps the known panels and names the unknown ones', () => {
    const { settings, problems } = parseHash('#panels=heatmaps,bogus,knobs');
    expect(settings.panels).toEqual(['heatmaps', 'knobs']);
    expect(problems[0]).toMatch(/panels: unknown panel "bogus"/);
  });

  it('carries the collapsed panels as a list, last in the link, and reads them back in registry order', () => {
    const hash = toHash({ ...DEFAULT_SETTINGS, collapsed: ['heatmaps', 'knobs'] });
    expect(hash).toMatch(/&color=unit&collapsed=heatmaps,knobs$/);
    expect(parseHash(hash)).toEqual({ settings: expect.objectContaining({ collapsed: ['heatmaps', 'knobs'] }), problems: [] });
    expect(parseHash('#collapsed=equations,diagram')).toEqual({ settings: { collapsed: ['diagram', 'equations'] }, problems: [] });
    expect(parseHash('#collapsed=')).toEqual({ settings: { collapsed: [] }, problems: [] });
  });

  it('keeps the known collapsed panels and names the unknown ones', () => {
    const { settings, problems } = parseHash('#collapsed=heatmaps,%3Cscript%3E,,knobs,heatmaps&cell=gru');
    expect(settings).toEqual({ collapsed: ['heatmaps', 'knobs'], cell: 'gru' });
    expect(problems).toEqual(['collapsed: unknown panel "<script>" ignored (known: diagram, heatmaps, prediction, gradient, equations, knobs, train)']);
    const soup = parseHash(`#collapsed=${Array.from({ length: 3000 }, (_, i) => `p${i % 1000}`).join(',')}`);
    expect(soup.settings).toEqual({ collapsed: [] });
    expect(soup.problems).toEqual(['collapsed: unknown panel "p0", "p1", "p2" and 997 more ignored (known: diagram, heatmaps, prediction, gradient, equations, knobs, train)']);
  });

  it('reports broken percent-encoding in a value and keeps the other keys', () => {
    const { settings, problems } = parseHash('#sentence=50%25%20off%E0%A4%A&cell=rnn');
    expect(settings).toEqual({ cell: 'rnn' });
    expect(problems).toEqual([expect.stringMatching(/^sentence: broken percent-encoding/)]);
  });

  it('reports broken percent-encoding in a key', () => {
    const { problems } = parseHash('#%ZZ=1');
    expect(problems[0]).toMatch(/broken percent-encoding in a key/);
  });

  it('reports unknown keys, keys without a value and repeated keys', () => {
    const { settings, problems } = parseHash('#zoom=3&step&cell=rnn&cell=gru');
    expect(settings).toEqual({ cell: 'gru' });
    expect(problems).toEqual([
      'unknown setting "zoom" ignored',
      'step: no value given (expected step=...), using the default',
      'cell: given more than once, the last one counts',
    ]);
  });

  it('cuts an overlong sentence and says so', () => {
    const { settings, problems } = parseHash(`#sentence=${'a'.repeat(2500)}`);
    expect(settings.sentence).toHaveLength(2000);
    expect(problems[0]).toMatch(/sentence: longer than 2000 characters/);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const { settings, problems } = parseHash(text);
        expect(typeof settings).toBe('object');
        expect(Array.isArray(problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary key=value soup built from the real keys', () => {
    const part = fc.tuple(fc.constantFrom(...HASH_FIELDS.map((f) => f.key), 'x', '%', ''), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const hash = '#' + parts.map(([k, v]) => `${k}=${v}`).join('&');
        expect(() => parseHash(hash)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
