/**
 * The part of the viewport's top that the page's sticky bar (sentence, tokens, playback) covers.
 * What lies under it cannot be seen, so the panels treat it as off screen (useOnScreen): with a long
 * sentence the bar is a third of a laptop screen, and a panel hidden behind it would otherwise redraw
 * in the frame of every knob move. One bar per document; embeds have none, so their inset is 0.
 */

import { useSyncExternalStore } from 'react';

let inset = 0;
const listeners = new Set<() => void>();

function setInset(value: number): void {
  if (value === inset) return;
  inset = value;
  for (const fn of listeners) fn();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Px of the viewport's top covered by the sticky bar now (0 when it is not sticky). */
export function topInset(): number {
  return inset;
}

/**
 * Tracks `el` as the bar that sticks to the viewport's top: its height while its computed position
 * is sticky (a media query decides that), else 0. Returns a function that stops and resets the inset.
 */
export function trackStickyTop(el: HTMLElement): () => void {
  const root = document.documentElement;
  const measure = () => {
    const sticky = getComputedStyle(el).position === 'sticky';
    const height = sticky ? Math.ceil(el.getBoundingClientRect().height) : 0;
    setInset(height);
    // A control reached with Tab (or a chip scrolled to) stops below the bar, not under it.
    root.style.scrollPaddingTop = height > 0 ? `${height + 8}px` : '';
  };
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
  observer?.observe(el);
  window.addEventListener('resize', measure);
  measure();
  return () => {
    observer?.disconnect();
    window.removeEventListener('resize', measure);
    root.style.scrollPaddingTop = '';
    setInset(0);
  };
}

/** topInset() as React state: the component re-renders when the bar's height changes. */
export function useTopInset(): number {
  return useSyncExternalStore(subscribe, topInset, () => 0);
}
