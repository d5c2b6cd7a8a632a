// What every browser tool here shares: finding system Chromium, its launch flags, and a production
// build served on loopback. Used by the test runner (tests/e2e/run.mjs) and the browser benchmarks
// (scripts/bench-ui.mjs, scripts/train-browser-bench.mjs).
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Headless, no GPU, and none of Chromium's own background traffic (this machine has no network). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to use, or null when there is none. CHROMIUM_PATH wins; an explicit
 * choice that does not work throws rather than falling back silently.
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file.`);
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const candidates = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).flatMap((dir) => names.map((n) => path.join(dir, n))),
  ];
  return candidates.find(isExecutable) ?? null;
}

/**
 * Builds the app into a temp dir (a developer's dist/ is left alone), lets `prepare(outDir)` add
 * files to that build, and serves it with vite preview on 127.0.0.1. Returns the base URL and a
 * stop function that closes the server and removes the build.
 */
export async function previewBuild({ prefix = 'gatescope-dist-', prepare = null, logLevel = 'warn' } = {}) {
  const vite = await import('vite');
  const outDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  let server;
  try {
    await vite.build({ root, logLevel, clearScreen: false, build: { outDir, emptyOutDir: true } });
    if (prepare) await prepare(outDir);
    server = await vite.preview({
      root,
      logLevel,
      clearScreen: false,
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
  const { port } = server.httpServer.address();
  return {
    baseURL: `http://127.0.0.1:${port}/`,
    stop: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
