/**
 * Puts the theme's CSS variables into a document (or a shadow root) as a constructed stylesheet.
 * CSSOM is not inline style, so the strict Content-Security-Policy (style-src 'self', no
 * 'unsafe-inline') allows it where a <style> element with text would be refused.
 */

import { themeCss } from '../charts/theme';

export function adoptTheme(target: Document | ShadowRoot = document, css: string = themeCss()): void {
  if (typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype && 'adoptedStyleSheets' in target) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    return;
  }
  // Browsers without constructed stylesheets (Safari before 16.4): a <style> element, which a strict CSP blocks.
  const style = document.createElement('style');
  style.textContent = css;
  if (target instanceof Document) target.head.prepend(style);
  else target.prepend(style);
}
