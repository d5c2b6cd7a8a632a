/**
 * How a token is drawn on screen. Tokens are raw text the student typed: whitespace and invisible
 * characters (control, format, private-use) would give an empty chip or label, so they are shown as
 * visible symbols; long tokens are shortened by code points, so an emoji is never cut in half.
 */

const NAMED: Record<string, string> = { ' ': '␣', '\n': '⏎', '\t': '⇥', '\r': '␍', '\u007f': '␡' };

// A token made only of characters that draw nothing (or that a browser would not show as text).
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\p{M}]+$/u;

/** One invisible character as a visible stand-in: C0 controls as Control Pictures, others as U+XXXX. */
function showChar(ch: string): string {
  if (NAMED[ch]) return NAMED[ch];
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The visible text of `token`, at most `max` code points (an ellipsis marks a cut).
 * "" becomes "∅"; an all-invisible token is spelled out character by character.
 */
export function tokenLabel(token: string, max = 40): string {
  if (token === '') return '∅';
  const chars = Array.from(token);
  const shown = INVISIBLE.test(token) ? chars.map(showChar) : chars;
  if (shown.length <= max) return shown.join(INVISIBLE.test(token) && shown.length > 1 ? ' ' : '');
  return `${shown.slice(0, Math.max(1, max - 1)).join('')}…`;
}
