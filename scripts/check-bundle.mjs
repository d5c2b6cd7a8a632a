#!/usr/bin/env node
// First-load budget check (issue 6): the JavaScript the page needs for its first paint, gzipped,
// and the shipped default model file. Exits 1 over budget, so `npm run build` fails.
//
//   node scripts/check-bundle.mjs [DIST]      check an existing build (default dist/)
//   node scripts/check-bundle.mjs --build     build into a temp dir with Vite, check it, delete it
//
// First-load JavaScript = the entry script(s) of index.html, the modulepreload links, and every
// chunk they import statically, followed transitively. Dynamic import() targets (KaTeX, the Train
// panel) and workers are not part of it; the check also fails when KaTeX's code is found in a
// first-load chunk, since it must only load when the Equations panel first needs it.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET = {
  /** gzipped bytes of first-load JavaScript */
  firstLoadJs: 150 * 1024,
  /** bytes of the default model file as shipped */
  defaultModel: 100 * 1024,
};

/** The model the page opens with (DEFAULT_SETTINGS: task sentiment, cell lstm). */
export const DEFAULT_MODEL = 'models/sentiment-lstm.json';

/** A string only KaTeX's own code contains. */
const KATEX_MARKER = 'KaTeX parse error';

/** Local script URLs named by index.html: module entry scripts and modulepreload links. */
export function entryScripts(html) {
  const found = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1] ?? null;
    const isScript = /^<script/i.test(tag) && attr('src') !== null;
    const isPreload = /^<link/i.test(tag) && /\bmodulepreload\b/i.test(attr('rel') ?? '');
    const url = isScript ? attr('src') : isPreload ? attr('href') : null;
    if (url && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) found.push(url);
  }
  return found;
}

/** Relative specifiers of a chunk's static imports and re-exports (not dynamic import()). */
export function staticImports(code) {
  const out = new Set();
  // `import x from "./a.js"`, `import {a} from"./a.js"`, `import "./a.js"`, `export {a} from "./a.js"`
  const re = /(?:^|[^.\w$])(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.add(m[1]);
  return [...out];
}

/**
 * Measures a built app folder. Returns the first-load files with their raw and gzipped sizes, the
 * default model's size, and the problems (budget overruns, KaTeX in the first load, missing files).
 */
export function measure(dist, budget = BUDGET) {
  const problems = [];
  const indexFile = path.join(dist, 'index.html');
  if (!existsSync(indexFile)) return { files: [], jsGzip: 0, model: null, problems: [`${indexFile} does not exist: build the app first`] };
  const html = readFileSync(indexFile, 'utf8');
  const queue = entryScripts(html).map((u) => path.resolve(dist, u.replace(/^\.?\//, '').split(/[?#]/)[0]));
  if (queue.length === 0) problems.push('index.html names no entry script');
  const seen = new Set();
  const files = [];
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) {
      problems.push(`first-load script ${path.relative(dist, file)} is missing`);
      continue;
    }
    const code = readFileSync(file);
    const text = code.toString('utf8');
    files.push({ file: path.relative(dist, file), bytes: code.length, gzip: gzipSync(code, { level: 9 }).length });
    if (text.includes(KATEX_MARKER)) problems.push(`KaTeX is part of the first load (in ${path.relative(dist, file)}); it must be imported dynamically`);
    for (const spec of staticImports(text)) queue.push(path.resolve(path.dirname(file), spec.split(/[?#]/)[0]));
  }
  const jsGzip = files.reduce((s, f) => s + f.gzip, 0);
  if (jsGzip > budget.firstLoadJs) problems.push(`first-load JavaScript is ${kb(jsGzip)} gzipped, over the ${kb(budget.firstLoadJs)} budget`);

  const modelFile = path.join(dist, DEFAULT_MODEL);
  let model = null;
  if (existsSync(modelFile)) {
    const bytes = statSync(modelFile).size;
    model = { file: DEFAULT_MODEL, bytes, gzip: gzipSync(readFileSync(modelFile), { level: 9 }).length };
    if (bytes > budget.defaultModel) problems.push(`the default model ${DEFAULT_MODEL} is ${kb(bytes)}, over the ${kb(budget.defaultModel)} budget`);
  } else {
    problems.push(`the default model ${DEFAULT_MODEL} is not in the build`);
  }
  return { files, jsGzip, model, problems };
}

export function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

export function report(result) {
  const lines = ['First-load JavaScript (gzipped):'];
  for (const f of result.files) lines.push(`  ${f.file.padEnd(44)} ${kb(f.bytes).padStart(9)} raw  ${kb(f.gzip).padStart(9)} gzip`);
  lines.push(`  total ${kb(result.jsGzip)} gzipped (budget ${kb(BUDGET.firstLoadJs)})`);
  if (result.model) lines.push(`Default model ${result.model.file}: ${kb(result.model.bytes)} (${kb(result.model.gzip)} gzipped; budget ${kb(BUDGET.defaultModel)})`);
  for (const p of result.problems) lines.push(`OVER BUDGET: ${p}`);
  lines.push(result.problems.length === 0 ? 'bundle budget met' : 'bundle budget MISSED');
  return lines.join('\n');
}

async function main(argv) {
  const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  let dist = path.join(root, 'dist');
  let cleanup = () => {};
  if (argv.includes('--build')) {
    const vite = await import('vite');
    dist = mkdtempSync(path.join(os.tmpdir(), 'gatescope-bundle-'));
    const out = dist;
    cleanup = () => rmSync(out, { recursive: true, force: true });
    await vite.build({ root, logLevel: 'warn', clearScreen: false, build: { outDir: dist, emptyOutDir: true } });
  } else if (argv[0]) {
    dist = path.resolve(argv[0]);
  }
  try {
    const result = measure(dist);
    console.log(report(result));
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
