// The shipped page's Content-Security-Policy, checked as the browser enforces it: the meta tag is
// there with no unsafe-eval and no inline script, nothing the app does is refused by it (KaTeX,
// the theme, canvases, the training worker), markup typed as a sentence stays text, and no request
// leaves the page's origin.
import { assert, poll, test } from './harness.mjs';

/** Records CSP violations and every request URL from the first script on. */
async function watch(page) {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ${e.sample ?? ''}`);
    });
  });
  return { requests, violations: () => page.evaluate(() => window.__cspViolations) };
}

test('the built page carries a strict Content-Security-Policy and has no inline script', async ({ page, baseURL }) => {
  const html = await (await page.request.get(baseURL)).text();
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(meta, 'index.html has a CSP meta tag');
  const policy = meta[1].replaceAll('&#39;', "'");
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'self'"]);
  // 'wasm-unsafe-eval' lets the engine compile its WebAssembly kernel; it allows no eval().
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  // https: only so that a model= file from another site can load after the user confirms it; the
  // page itself never requests another origin (the harness fails any test that does).
  assert.deepEqual(directives['connect-src'], ["'self'", 'https:']);
  assert.deepEqual(directives['base-uri'], ["'self'"]);
  assert.doesNotMatch(policy, /'unsafe-eval'|unsafe-inline|\*/, 'no unsafe-eval, no unsafe-inline, no wildcard');
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the policy comes before the first script');
  // Every <script> has a src; no inline event handlers anywhere in the page.
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) assert.match(tag, /\ssrc=/, `inline script: ${tag}`);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler attributes');
});

test('nothing the app does is refused by its policy, and every request stays on its origin', async ({ page, baseURL }) => {
  const seen = await watch(page);
  await page.goto('./#sentence=the%20acting%20was%20not%20bad&step=2&compare=1&color=saliency');
  await page.locator('.equation-tex .katex').first().waitFor();
  // The theme's CSS variables apply (a constructed sheet, not a <style> element the policy refuses).
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--gs-bg').trim()), '');
  // KaTeX's layout styles apply (set through CSSOM, which the policy allows): its struts have their heights.
  const struts = await page.evaluate(() => [...document.querySelectorAll('.katex-html [class$=strut]')].map((s) => parseFloat(getComputedStyle(s).height)));
  assert.ok(struts.length > 0 && struts.every((h) => h > 0), `KaTeX struts keep their heights (${struts.slice(0, 4).join(', ')} px)`);
  // Exercise the rest: cells, knobs, heatmap hover, the backward animation, the Train panel.
  for (const cell of ['RNN', 'GRU', 'LSTM']) await page.getByRole('radio', { name: cell }).check();
  await page.getByRole('slider', { name: /Recurrent weight scale/ }).fill('2.5');
  await page.locator('section.heatmap-region rect.hit').first().hover();
  await page.getByRole('button', { name: /Play gradient backward/ }).click();
  const train = page.getByRole('button', { name: 'Train a model' });
  if ((await train.count()) > 0) {
    await train.click();
    const start = page.getByRole('button', { name: /^(Start|Train)( training)?$/ });
    if ((await start.count()) > 0) {
      await start.first().click();
      await page.waitForTimeout(1500);
    }
  }
  // The engine's WebAssembly kernel compiles under the policy (otherwise it quietly falls back to TypeScript).
  const compiled = await page.evaluate(() => {
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return 'compiled';
    } catch (e) {
      return String(e);
    }
  });
  assert.equal(compiled, 'compiled');
  await page.waitForTimeout(300);
  assert.deepEqual(await seen.violations(), [], 'no CSP violation');
  const foreign = seen.requests.filter((url) => !url.startsWith(baseURL) && !/^(data|blob):/.test(url));
  assert.deepEqual(foreign, [], 'no request leaves the origin');
});

test('markup typed as a sentence or put in a link stays text and never runs', async ({ page }) => {
  const seen = await watch(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    return d.dismiss();
  });
  const payloads = [
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    '\\href{javascript:alert(1)}{x} $\\html{x}$',
    "javascript:alert(1)//' onfocus=alert(1) autofocus x='",
  ];
  await page.goto('./');
  const box = page.getByRole('textbox', { name: 'Sentence' });
  for (const text of payloads) {
    await box.fill(text);
    await poll(async () => assert.ok((await page.getByRole('list', { name: 'Tokens' }).getByRole('button').count()) > 1));
  }
  await page.goto(`./#sentence=${encodeURIComponent(payloads[0])}&model=${encodeURIComponent('<svg onload=alert(1)>')}&panels=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
  await page.locator('.url-problems').waitFor();
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img, main svg[onload], [onerror], [onload]').count(), 0, 'no element was built from the text');
  assert.equal(dialogs, 0, 'no script ran');
  assert.match(await page.locator('.url-problems').innerText(), /<svg onload=alert\(1\)>/, 'the link text is shown as text');
  assert.deepEqual(await seen.violations(), []);
});
