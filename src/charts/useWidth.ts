import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * The rendered width of an element, updated on resize, so charts lay out in real pixels (text stays
 * legible on a 360 px phone instead of being scaled down with a viewBox). Falls back to `fallback`
 * where ResizeObserver is missing (jsdom).
 */
export function useWidth<T extends HTMLElement>(fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = (w: number) => {
      // Ignore zero widths from hidden containers; keep the last real layout.
      if (w > 0) setWidth(Math.round(w));
    };
    measure(el.getBoundingClientRect().width);
    const observer = new ResizeObserver((entries) => {
      for (const entry of entries) measure(entry.contentRect.width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
