import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

/** The entries of dist/ that other sites load by name, so they keep fixed, unhashed file names. */
const NAMED_ENTRIES = new Set(['gatescope', 'gatescope-react']);

/** Copies examples/*.html to dist/examples/, where they load ../gatescope.js and ../embed.html. */
function examples(): Plugin {
  return {
    name: 'gatescope-examples',
    apply: 'build',
    generateBundle() {
      const dir = resolve(root, 'examples');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
        this.emitFile({ type: 'asset', fileName: `examples/${file}`, source: readFileSync(resolve(dir, file), 'utf8') });
      }
    },
  };
}

/**
 * The Content-Security-Policy of the built app page (issue 7). Build only: the dev server injects
 * an inline React-refresh preamble that this policy would refuse. Every style is a file or CSSOM
 * (React style props, KaTeX's DOM, the theme's constructed sheet), so style-src needs no
 * 'unsafe-inline'. frame-ancestors cannot be set by a meta tag; a server header must carry it.
 */
const CSP = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the engine compile its WebAssembly kernel (src/engine/wasm); it allows
  // no eval() or new Function(), unlike 'unsafe-eval'.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' https:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Pages that get the CSP meta tag: the app and the embed page (which can still be framed anywhere). */
const CSP_PAGES = new Set(['/index.html', '/embed.html']);

function contentSecurityPolicy(): Plugin {
  return {
    name: 'gatescope-csp',
    apply: 'build',
    transformIndexHtml(html, ctx) {
      if (!CSP_PAGES.has(ctx.path)) return html;
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }];
    },
  };
}

/** The React wrapper takes React from the site that uses it; everything else brings its own. */
function isWrapperReact(id: string, importer: string | undefined): boolean {
  return importer !== undefined && /[\\/]src[\\/]app[\\/]react\.tsx$/.test(importer) && /^react(\/|$)/.test(id);
}

// Relative base so dist/ can be copied into any static folder and opened from a sub-path.
export default defineConfig({
  base: './',
  plugins: [react(), examples(), contentSecurityPolicy()],
  server: { port: 5173, strictPort: false },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      // One build, four entries: the app, the chrome-less embed page, the <gate-scope> element
      // (dist/gatescope.js) and its React wrapper (dist/gatescope-react.js). They share chunks.
      input: {
        index: resolve(root, 'index.html'),
        embed: resolve(root, 'embed.html'),
        gatescope: resolve(root, 'src/app/element.ts'),
        'gatescope-react': resolve(root, 'src/app/react.tsx'),
      },
      // The React wrapper's exports are its API (an app build would drop them).
      preserveEntrySignatures: 'exports-only',
      external: (id, importer) => isWrapperReact(id, importer),
      output: {
        entryFileNames: (chunk) => (NAMED_ENTRIES.has(chunk.name) ? '[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30000,
  },
});
