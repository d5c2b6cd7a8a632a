/**
 * `<gate-scope>`: the visualizer as a custom element, built to dist/gatescope.js.
 *
 *   <script type="module" src="gatescope/gatescope.js"></script>
 *   <gate-scope sentence="the movie was not good" cell="lstm" model="sentiment" panels="gradient" hide="controls"></gate-scope>
 *
 * Attributes are the URL-hash settings (sentence, cell, model, step, unit, scale, fbias, pad, seed,
 * panels, compare, color) plus `hide` (src/state/embed.ts); changing one updates the view. Each
 * element has its own store, so several on one page are independent, and renders into its own
 * shadow root with the app's CSS inside it, so page and element styles do not mix. It is a block
 * as wide as its container and as tall as its content (give it a height to make it scroll).
 *
 * Shipped models load from the folder this module was served from (dist/models/), wherever the
 * page is; a `model=` path is a file on the page's own site, resolved against the page.
 *
 * KaTeX inside a shadow root: browsers ignore @font-face rules there, so the equations' fonts come
 * from the KaTeX stylesheet the Equations panel adds to the page's head when it first loads (only
 * `.katex` rules and fonts, nothing that restyles the page), and the layout rules are copied into
 * the shadow root here, also only once the equations panel is shown.
 */

import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { StoreApi } from 'zustand';
import { themeCss } from '../charts/theme';
import embedCss from '../components/embed.css?inline';
import { KeyScope } from '../components/keyScope';
import panelsCss from '../components/panels.css?inline';
import { VisStoreProvider } from '../state/context';
import { SETTING_ATTRIBUTES, attributeDefault, parseAttributes, parseHide, type HidePart } from '../state/embed';
import { browserFetchText, type FetchText } from '../state/models';
import { createVisStore, type Settings, type VisState } from '../state/store';
import { EmbedView } from './EmbedView';
import appCss from './styles.css?inline';

const HOST_CSS = `
:host { display: block; width: 100%; max-width: 100%; overflow: auto;
  background: var(--gs-bg); color: var(--gs-fg);
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; text-align: left; }
:host([hidden]) { display: none; }
`;

/** The element's stylesheet: the theme's variables on the host instead of :root, then the app's CSS. */
const SHADOW_CSS = `${themeCss().replace(/:root/g, ':host')}${HOST_CSS}${appCss}${panelsCss}${embedCss}`;

/**
 * The folder of the built app (dist/), where models/ and index.html are: this code runs from
 * dist/gatescope.js or from a chunk in dist/assets/, or from src/app/ under the dev server.
 */
export function appBase(moduleUrl: string): string {
  const path = new URL(moduleUrl).pathname;
  if (/\/src\/app\/[^/]+$/.test(path)) return new URL('../../', moduleUrl).href;
  if (/\/assets\/[^/]+$/.test(path)) return new URL('../', moduleUrl).href;
  return new URL('./', moduleUrl).href;
}

const APP_BASE = appBase(import.meta.url);

// Models the element ships with live next to the module, not next to the page that uses it.
const fetchFromAppFolder: FetchText = (url) => browserFetchText(new URL(url, APP_BASE).href);

// One constructed sheet per CSS text, shared by every element on the page.
const sheets = new Map<string, CSSStyleSheet>();

/**
 * Adds CSS to a shadow root as a constructed stylesheet: allowed by a strict Content-Security-Policy
 * (style-src 'self'), unlike a <style> element, and parsed once for all elements. Browsers without
 * constructed sheets (Safari before 16.4) get a <style> element.
 */
function adoptStyles(shadow: ShadowRoot, css: string): void {
  if (typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype && 'adoptedStyleSheets' in shadow) {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = css;
  shadow.prepend(style);
}

let katexCss: Promise<string> | null = null;
/** KaTeX's layout rules for a shadow root; its @font-face rules would be ignored there (see above). */
function loadKatexCss(): Promise<string> {
  katexCss ??= import('katex/dist/katex.min.css?inline').then((m) => m.default.replace(/@font-face\s*\{[^}]*\}/g, ''));
  return katexCss;
}

export class GateScopeElement extends HTMLElement {
  static readonly observedAttributes = [...SETTING_ATTRIBUTES, 'hide'];

  #root: Root | null = null;
  #store: StoreApi<VisState> | null = null;
  #mount: HTMLDivElement | null = null;
  #changed = new Set<string>();
  #flushQueued = false;
  #unsubscribe: (() => void) | null = null;
  #katexAdded = false;

  /** This element's store (for scripts that want to drive it, and for tests). */
  get store(): StoreApi<VisState> | null {
    return this.#store;
  }

  connectedCallback(): void {
    if (this.#root) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#mount = document.createElement('div');
    shadow.replaceChildren(this.#mount);
    adoptStyles(shadow, SHADOW_CSS);

    const { settings, problems } = parseAttributes((name) => this.getAttribute(name));
    const store = createVisStore(settings, { fetchText: fetchFromAppFolder, refineJacobianMs: 200 });
    store.getState().setUrlProblems(problems);
    this.#store = store;
    this.#unsubscribe = store.subscribe((s) => this.#maybeAddKatex(s.panels));
    this.#maybeAddKatex(store.getState().panels);
    this.#root = createRoot(this.#mount);
    this.#render();
  }

  disconnectedCallback(): void {
    // Moving the element in the DOM disconnects and reconnects it at once: keep it alive for that.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#root?.unmount();
      this.#unsubscribe?.();
      this.#store?.getState().dispose();
      this.#root = null;
      this.#store = null;
      this.#unsubscribe = null;
    });
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (!this.#store || oldValue === newValue) return;
    this.#changed.add(name);
    // Several attributes set in one go (a script updating a slide) make one update.
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    const store = this.#store;
    if (!store) return;
    const names = [...this.#changed];
    this.#changed.clear();
    if (names.includes('hide')) this.#render();
    const settingNames = names.filter((n) => n !== 'hide');
    if (settingNames.length === 0) return;
    const patch: Partial<Settings> = {};
    const problems: string[] = [];
    for (const name of settingNames) {
      const value = this.getAttribute(name);
      if (value === null) {
        Object.assign(patch, attributeDefault(name));
        continue;
      }
      const parsed = parseAttributes((n) => (n === name ? value : null));
      Object.assign(patch, parsed.settings);
      problems.push(...parsed.problems);
    }
    store.getState().applySettings(patch, problems);
  }

  #hide(): { hide: HidePart[]; problems: string[] } {
    return parseHide(this.getAttribute('hide') ?? '');
  }

  #render(): void {
    if (!this.#root || !this.#store) return;
    const { hide, problems } = this.#hide();
    this.#store.getState().addUrlProblems(problems);
    const appUrl = `${APP_BASE}index.html`;
    this.#root.render(
      createElement(
        KeyScope,
        { value: this.shadowRoot },
        createElement(VisStoreProvider, { store: this.#store, children: createElement(EmbedView, { hide, appUrl }) }),
      ),
    );
  }

  #maybeAddKatex(panels: readonly string[]): void {
    if (this.#katexAdded || !panels.includes('equations')) return;
    this.#katexAdded = true;
    void loadKatexCss().then(
      (css) => {
        if (this.shadowRoot) adoptStyles(this.shadowRoot, css);
      },
      // Without the CSS the equations still read as their plain-text forms.
      () => {},
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gate-scope': GateScopeElement;
  }
}

/** Defines <gate-scope> once, even when the module is loaded twice (a page and its React wrapper). */
export function defineGateScope(): void {
  if (!customElements.get('gate-scope')) customElements.define('gate-scope', GateScopeElement);
}

defineGateScope();
