/**
 * The embed page's half of auto-height: whenever the page's content changes height, post
 * `{ type: 'gatescope:resize', height }` (CSS px) to the parent window, which sizes the iframe
 * (listener: RESIZE_LISTENER in src/state/embed.ts, docs/embedding.md). Returns a function that stops.
 */

import { RESIZE_MESSAGE } from '../state/embed';

export function reportHeight(target: Element = document.body, win: Window = window): () => void {
  // Not in a frame: nobody to tell.
  if (win.parent === win) return () => {};
  let last = -1;
  const post = () => {
    const height = Math.ceil(target.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // The height is not a secret, and the embedding page's origin is not known in advance.
    win.parent.postMessage({ type: RESIZE_MESSAGE, height }, '*');
  };
  const observer = new ResizeObserver(post);
  observer.observe(target);
  post();
  return () => observer.disconnect();
}
