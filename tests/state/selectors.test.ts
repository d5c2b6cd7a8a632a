import { describe, expect, it } from 'vitest';
import { announcement, percentText, tokenText } from '../../src/state/selectors';
import { createVisStore } from '../../src/state/store';

describe('words for screen readers', () => {
  it('reads invisible tokens by their code points and cuts very long ones', () => {
    expect(tokenText('\u0000')).toBe('the invisible character U+0000');
    expect(tokenText('\u200b\u202e')).toBe('the invisible character U+200B U+202E');
    expect(tokenText('x'.repeat(100))).toBe(`'${'x'.repeat(39)}…'`);
    expect(tokenText('😀'.repeat(50))).toBe(`'${'😀'.repeat(39)}…'`);
    expect(tokenText('not')).toBe("'not'");
  });

  it('says "overflow" for a probability that is not a number', () => {
    expect(percentText(0.714)).toBe('71%');
    expect(percentText(0.714, 1)).toBe('71.4%');
    expect(percentText(NaN)).toBe('overflow');
    expect(percentText(Infinity)).toBe('overflow');
  });

  it('announces "no prediction" instead of NaN when the model overflowed', () => {
    const s = createVisStore({ sentence: 'not bad', model: 'random' }).getState();
    const probs = new Float64Array(s.trace.probsPerStep.length).fill(NaN);
    const text = announcement({ ...s, trace: { ...s.trace, probsPerStep: probs } });
    expect(text).toBe("Step 1 of 2: 'not'. Prediction: none (the numbers overflowed).");
    expect(announcement(s)).toMatch(/^Step 1 of 2: 'not'\. Prediction: (negative|positive) \d+%\.$/);
  });
});
