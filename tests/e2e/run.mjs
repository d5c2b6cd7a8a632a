#!/usr/bin/env node
// Browser test runner: builds the app, serves it on loopback, and runs every tests/e2e/**/*.e2e.mjs
// test serially in system Chromium through playwright-core, each in a fresh browser context.
//
//   node tests/e2e/run.mjs [--dev] [FILTER...]
//
// FILTER: run only tests whose file path or name contains one of these words (case-insensitive).
// --dev:  serve with the Vite dev server instead of a production build (faster start, but tests
//         what `npm start` serves rather than what ships).
// Env:    CHROMIUM_PATH picks the browser; CI=true turns "no Chromium" from a skip into a failure.
//
// A test fails on a thrown error, an uncaught page error, a console.error, a request to any host
// other than loopback, or its timeout. The last line of output is always "N passed, N failed"
// (or a SKIPPED line when there is no browser), and the exit code is non-zero on any failure.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, findChromium, previewBuild, root } from './browser.mjs';
import { internal } from './harness.mjs';

const e2eDir = path.join(root, 'tests', 'e2e');
const screenshotDir = path.join(root, 'test-results', 'screenshots');

/**
 * The whole page as one picture. Panels out of view skip rendering (content-visibility: auto), and
 * a full-page capture does not bring them into view, so the viewport is first made as tall as the
 * page (repeated while the page grows as panels render at their real size), then restored.
 */
async function fullPageScreenshot(page, file) {
  const viewport = page.viewportSize();
  if (!viewport) return page.screenshot({ path: file, fullPage: true });
  const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  try {
    for (let k = 0; k < 4; k++) {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (height <= (page.viewportSize()?.height ?? 0)) break;
      await page.setViewportSize({ width: viewport.width, height: Math.min(height, 16_000) });
      await settle();
    }
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await page.setViewportSize(viewport);
  }
}
const inCI = process.env.CI === 'true' || process.env.CI === '1';

function discoverTestFiles() {
  return readdirSync(e2eDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.e2e.mjs'))
    .map((file) => path.join(e2eDir, file))
    .sort();
}

/** Loopback hosts and in-page schemes are allowed; anything else is a third-party request. */
function isLocalUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

const slug = (name) => name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);

function formatError(error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return text
    .split('\n')
    .slice(0, 12)
    .map((line) => `        ${line}`)
    .join('\n');
}

/** Starts a loopback server for the app; returns its base URL and a stop function. */
async function startServer(dev) {
  const vite = await import('vite');
  if (dev) {
    const server = await vite.createServer({
      root,
      logLevel: 'warn',
      clearScreen: false,
      // No HMR socket or file watcher: tests load fixed code, and the CPU is shared.
      server: { host: '127.0.0.1', port: 0, strictPort: false, open: false, hmr: false, watch: null },
    });
    await server.listen();
    const { port } = server.httpServer.address();
    return { baseURL: `http://127.0.0.1:${port}/`, mode: 'vite dev server', stop: () => server.close() };
  }
  const server = await previewBuild({ prefix: 'gatescope-e2e-dist-' });
  return { ...server, mode: 'production build' };
}

async function runOne(browser, baseURL, t) {
  const problems = [];
  const allowed = [];
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocalUrl(url)) return route.continue();
    problems.push(`request to a non-loopback host: ${url}`);
    return route.abort('blockedbyclient');
  });
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.stack ?? error.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (allowed.some((pattern) => pattern.test(text))) return;
      const where = msg.location()?.url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
      problems.push(`console.error: ${text}${where}`);
    });
    page.on('crash', () => problems.push('the page crashed'));
    page.on('websocket', (ws) => {
      if (!isLocalUrl(ws.url())) problems.push(`websocket to a non-loopback host: ${ws.url()}`);
    });
  };
  context.on('page', watch);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);

  const screenshot = async (name) => {
    mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${slug(name)}.png`);
    await fullPageScreenshot(page, file);
    return file;
  };
  const ctx = { page, baseURL, screenshot, allowConsoleError: (pattern) => allowed.push(pattern) };

  let error = null;
  let timer;
  const timeout = new Promise((_, reject) => {
    // No stack: the runner's own frames say nothing about which step hung.
    const message = `timed out after ${t.timeout / 1000} s`;
    timer = setTimeout(() => reject(Object.assign(new Error(message), { stack: `Error: ${message}` })), t.timeout);
  });
  try {
    await Promise.race([t.fn(ctx), timeout]);
    // Console and page errors arrive asynchronously; give late ones a moment to land.
    await page.waitForTimeout(100);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  if ((error || problems.length) && !page.isClosed()) {
    await screenshot(`FAILED-${t.name}`).catch(() => {});
  }
  await context.close().catch(() => {});
  return { error, problems };
}

async function main() {
  const args = process.argv.slice(2);
  const dev = args.includes('--dev');
  const filters = args.filter((a) => !a.startsWith('--')).map((a) => a.toLowerCase());

  let executablePath;
  try {
    executablePath = findChromium();
  } catch (e) {
    // An explicit CHROMIUM_PATH that does not work is a failure, not a skip.
    console.log(e.message);
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (!executablePath) {
    console.log('Browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)');
    if (inCI) {
      console.log('FAILED: browser tests cannot be skipped when CI=true');
      return 1;
    }
    console.log('SKIPPED: browser tests (no Chromium found)');
    return 0;
  }

  // Import every file (so a broken file is reported even when filtered out), then select tests.
  const loadErrors = [];
  for (const file of discoverTestFiles()) {
    const rel = path.relative(root, file);
    internal.setCurrentFile(rel);
    try {
      const mod = await import(pathToFileURL(file).href);
      if (typeof mod.default === 'function') {
        internal.registered.push({ name: path.basename(file, '.e2e.mjs'), fn: mod.default, file: rel, timeout: 60_000 });
      }
    } catch (e) {
      loadErrors.push({ rel, error: e });
    }
  }
  const selected = internal.registered.filter(
    (t) => filters.length === 0 || filters.some((f) => `${t.file} ${t.name}`.toLowerCase().includes(f)),
  );
  for (const { rel, error } of loadErrors) {
    console.log(`  FAIL  ${rel} could not be loaded\n${formatError(error)}`);
  }
  if (selected.length === 0 && loadErrors.length === 0) {
    console.log(filters.length ? `No browser test matches: ${filters.join(' ')}` : 'No browser tests found under tests/e2e');
    console.log('0 passed, 1 failed');
    return 1;
  }

  const { chromium } = await import('playwright-core');
  let server = null;
  let browser = null;
  let passed = 0;
  let failed = loadErrors.length;
  let done = 0;
  try {
    server = await startServer(dev);
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    console.log(`Browser tests: Chromium ${browser.version()} (${executablePath}), ${server.mode} at ${server.baseURL}`);
    for (const t of selected) {
      const started = Date.now();
      const { error, problems } = await runOne(browser, server.baseURL, t);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (!error && problems.length === 0) {
        passed += 1;
        console.log(`  ok    ${t.name} (${secs} s)`);
      } else {
        failed += 1;
        console.log(`  FAIL  ${t.name} (${secs} s)  [${t.file}]`);
        if (error) console.log(formatError(error));
        for (const p of problems) console.log(`        ${p.split('\n')[0]}`);
      }
      done += 1;
    }
  } catch (e) {
    // The server or the browser failed: every test not yet run counts as failed.
    console.log(`  FAIL  the browser test run stopped\n${formatError(e)}`);
    failed += Math.max(selected.length - done, 1);
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

// Exit explicitly: a lingering server handle must never hang CI.
main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
