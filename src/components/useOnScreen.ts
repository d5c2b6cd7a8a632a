/**
 * Panels below the fold update after the frame: a key press repaints what the student is looking at
 * first, and the panels out of view follow a moment later (issue 6: a step within one frame).
 */

import { useDeferredValue, useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Whether the element is in the viewport or within `margin` of it. Where IntersectionObserver is
 * missing (jsdom) everything counts as on screen, so nothing is ever deferred there.
 */
export function useOnScreen<T extends Element>(margin = '100px'): [RefObject<T | null>, boolean] {
  const ref = useRef<T | null>(null);
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) setOnScreen(entry.isIntersecting);
      },
      { rootMargin: margin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [margin]);
  return [ref, onScreen];
}

/**
 * `value` itself while on screen; off screen, React's deferred copy of it, which catches up in a
 * background render after the urgent one has been painted. Pass store values (stable objects or
 * primitives), never objects built during render.
 */
export function useVisibleValue<T>(value: T, onScreen: boolean): T {
  const deferred = useDeferredValue(value);
  return onScreen ? value : deferred;
}
