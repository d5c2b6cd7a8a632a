/**
 * Panels below the fold update after the frame: a key press repaints what the student is looking at
 * first, and the panels out of view follow a moment later (issue 6: a step within one frame).
 */

import { useEffect, useRef, useState, type RefObject } from 'react';
import { useAfterPaint } from '../charts/useAfterPaint';
import { useTopInset } from './topInset';

/**
 * Whether the element is in the viewport or within `margin` px of it, not counting the top strip the
 * page's sticky bar covers (topInset.ts; then there is no margin above). Where IntersectionObserver
 * is missing (jsdom) everything counts as on screen, so nothing is ever deferred there.
 */
export function useOnScreen<T extends Element>(margin = 100): [RefObject<T | null>, boolean] {
  const ref = useRef<T | null>(null);
  const [onScreen, setOnScreen] = useState(true);
  const inset = useTopInset();
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) setOnScreen(entry.isIntersecting);
      },
      // Under the bar nothing shows, so no margin above it: what scrolls out from under it catches up after one frame.
      { rootMargin: `${inset > 0 ? -inset : margin}px 0px ${margin}px 0px` },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [margin, inset]);
  return [ref, onScreen];
}

/**
 * `value` itself while on screen; off screen, its copy as of the last frame, which catches up in a
 * background render right after the urgent one has been painted (useAfterPaint: React's deferred
 * value alone may render before the frame, and then the frame lays out what nobody sees). Every
 * view's copies catch up in the same render, so values read together stay consistent. Pass store
 * values (stable objects or primitives), never objects built during render.
 */
export function useVisibleValue<T>(value: T, onScreen: boolean): T {
  const later = useAfterPaint(value, !onScreen);
  return onScreen ? value : later;
}
