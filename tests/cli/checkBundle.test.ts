import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-bundle.mjs');

/** Incompressible text (a seeded LCG's hex digits), so gzip cannot shrink it below `bytes / 2`. */
function noise(bytes: number, seed: number): string {
  let s = seed >>> 0;
  let out = '';
  while (out.length < bytes) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out += s.toString(16).padStart(8, '0');
  }
  return out.slice(0, bytes);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes a fake build: files relative to the dist root. */
function fakeDist(files: Record<string, string>): string {
  const dist = mkdtempSync(join(tmpdir(), 'gatescope-checkbundle-'));
  dirs.push(dist);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dist, rel)), { recursive: true });
    writeFileSync(join(dist, rel), text);
  }
  return dist;
}

function run(dist: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SCRIPT, dist], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

const HTML = `<!doctype html><html><head>
<script type="module" crossorigin src="./assets/entry.js"></script>
<link rel="modulepreload" crossorigin href="./assets/vendor.js">
<link rel="stylesheet" href="./assets/app.css">
</head><body></body></html>`;

const gz = (text: string) => gzipSync(Buffer.from(text), { level: 9 }).length;
const MODEL = { 'models/sentiment-lstm.json': '{"format":"gatescope/model@1"}' };

describe('check-bundle', () => {
  it('sums the gzipped entry, its preloads and their static imports, but not dynamic imports', () => {
    const entry = `import{a}from"./vendor.js";import"./dep.js";const k=()=>import("./lazy.js");${noise(2000, 1)}`;
    const vendor = `export const a=1;${noise(3000, 2)}`;
    const dep = `export{b}from"./deep.js";${noise(1000, 3)}`;
    const deep = `export const b=2;${noise(500, 4)}`;
    // The lazy chunk alone would blow the budget: it must not count.
    const dist = fakeDist({ 'index.html': HTML, 'assets/entry.js': entry, 'assets/vendor.js': vendor, 'assets/dep.js': dep, 'assets/deep.js': deep, 'assets/lazy.js': noise(400_000, 5), ...MODEL });
    const { code, out } = run(dist);
    expect(code).toBe(0);
    const expected = gz(entry) + gz(vendor) + gz(dep) + gz(deep);
    expect(out).toContain(`total ${(expected / 1024).toFixed(1)} kB gzipped`);
    expect(out).not.toContain('lazy.js');
    expect(out).toContain('bundle budget met');
  });

  it('fails when the first-load JavaScript is over 150 kB gzipped', () => {
    const entry = `import"./big.js";`;
    const dist = fakeDist({ 'index.html': HTML, 'assets/entry.js': entry, 'assets/vendor.js': 'export{}', 'assets/big.js': noise(400_000, 6), ...MODEL });
    const { code, out } = run(dist);
    expect(code).toBe(1);
    expect(out).toMatch(/first-load JavaScript is \d+\.\d kB gzipped, over the 150\.0 kB budget/);
  });

  it('fails when KaTeX is in a first-load chunk instead of loading on demand', () => {
    const dist = fakeDist({ 'index.html': HTML, 'assets/entry.js': 'throw new Error("KaTeX parse error: x")', 'assets/vendor.js': 'export{}', ...MODEL });
    const { code, out } = run(dist);
    expect(code).toBe(1);
    expect(out).toContain('KaTeX is part of the first load (in assets/entry.js)');
  });

  it('fails when the default model is over 100 kB or missing', () => {
    const js = { 'index.html': HTML, 'assets/entry.js': 'export{}', 'assets/vendor.js': 'export{}' };
    const big = run(fakeDist({ ...js, 'models/sentiment-lstm.json': noise(110 * 1024, 7) }));
    expect(big.code).toBe(1);
    expect(big.out).toContain('the default model models/sentiment-lstm.json is 110.0 kB, over the 100.0 kB budget');
    const missing = run(fakeDist(js));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('is not in the build');
  });

  it('fails with a clear message when there is no build', () => {
    const { code, out } = run(join(tmpdir(), 'gatescope-no-such-dist'));
    expect(code).toBe(1);
    expect(out).toMatch(/index\.html does not exist: build the app first/);
  });
});
