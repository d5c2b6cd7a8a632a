import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenLabel } from '../../src/charts/tokenLabel';

describe('token labels', () => {
  it('shows whitespace and C0 control characters as visible symbols', () => {
    expect(tokenLabel(' ')).toBe('␣');
    expect(tokenLabel('\n')).toBe('⏎');
    expect(tokenLabel('\t')).toBe('⇥');
    expect(tokenLabel('\u0000')).toBe('␀');
    expect(tokenLabel('\u001b')).toBe('␛');
    expect(tokenLabel('\u007f')).toBe('␡');
  });

  it('spells other invisible characters (format, C1, private use) by their code point', () => {
    expect(tokenLabel('\u200b')).toBe('U+200B');
    expect(tokenLabel('\u202e')).toBe('U+202E');
    expect(tokenLabel('\u0085')).toBe('U+0085');
    expect(tokenLabel('\ue000')).toBe('U+E000');
    expect(tokenLabel('\u0301')).toBe('U+0301');
    expect(tokenLabel('\u200b\u200d')).toBe('U+200B U+200D');
    expect(tokenLabel('')).toBe('∅');
  });

  it('leaves visible words, emoji and other scripts as they are', () => {
    for (const w of ['movie', "don't", '😀', '这部', 'שלום', 'مرحبا', 'café', 'e\u0301']) expect(tokenLabel(w)).toBe(w);
  });

  it('cuts a long token by code points with an ellipsis, never splitting an emoji', () => {
    expect(tokenLabel('abcdefghij', 8)).toBe('abcdefg…');
    expect(tokenLabel('😀'.repeat(10), 4)).toBe('😀😀😀…');
    expect(tokenLabel('abcdefgh', 8)).toBe('abcdefgh');
  });

  it('always returns a visible label of at most max code points with no lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 0, maxLength: 60 }), fc.integer({ min: 2, max: 40 }), (tok, max) => {
        const label = tokenLabel(tok, max);
        expect(label.trim().length).toBeGreaterThan(0);
        // Each invisible character may become a "U+XXXX" word; visible tokens keep the limit.
        if (!/^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\p{M}]+$/u.test(tok)) expect(Array.from(label).length).toBeLessThanOrEqual(max);
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(label) && !/[\uD800-\uDFFF]/.test(tok)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
