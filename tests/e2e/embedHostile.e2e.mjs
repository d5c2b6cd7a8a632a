// The embed surfaces under hostile input: the embed page with a garbage hash, the <gate-scope>
// element with garbage in every attribute (and changed to garbage later), and messages a parent
// page or another frame may post. Each falls back per setting and says so; nothing throws.
import { existsSync } from 'node:fs';
import { assert, poll, test } from './harness.mjs';

const HAS_EMBED = existsSync(new URL('../../embed.html', import.meta.url));
const HAS_EXAMPLES = existsSync(new URL('../../examples/course.html', import.meta.url));

const GARBAGE_ATTRS = {
  sentence: 'x'.repeat(3000),
  cell: 'transformer',
  model: '<svg onload=alert(1)>',
  step: 'NaN',
  unit: '-5',
  scale: '1e400',
  fbias: 'Infinity',
  pad: '99999',
  seed: '-0.5',
  panels: 'heatmaps,__proto__,<img>',
  compare: 'maybe',
  color: '{}',
  hide: 'everything,__proto__',
};

test('the embed page with garbage in its hash falls back per key, says so, and runs', async ({ page }) => {
  if (!HAS_EMBED) return;
  const hash = Object.entries(GARBAGE_ATTRS).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  await page.goto(`./embed.html#${hash}&%ZZ=1&bogus=2`);
  await page.getByRole('list', { name: 'Tokens' }).getByRole('button').first().waitFor();
  const text = await page.evaluate(() => document.body.innerText);
  for (const problem of [/cell: expected one of/, /step: expected a number/, /scale: expected a number/, /pad: 99999 is outside/, /compare: expected 1 or 0/]) {
    assert.match(text, problem);
  }
  assert.equal(await page.locator('img, [onload], [onerror]').count(), 0);
});

test('a <gate-scope> element with garbage in every attribute falls back, says so, and survives garbage changes', async ({ page }) => {
  if (!HAS_EXAMPLES) return;
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    return d.dismiss();
  });
  await page.goto('./examples/course.html');
  await page.waitForFunction(() => customElements.get('gate-scope') !== undefined);
  await page.evaluate((attrs) => {
    const el = document.createElement('gate-scope');
    el.id = 'hostile';
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    document.body.append(el);
  }, GARBAGE_ATTRS);
  const shadowText = () => page.evaluate(() => document.getElementById('hostile').shadowRoot?.textContent ?? '');
  await poll(async () => assert.match(await shadowText(), /cell: expected one of/));
  // Later attribute changes with garbage: the element keeps running and names the new problems.
  await page.evaluate(() => {
    const el = document.getElementById('hostile');
    for (const [k, v] of [['step', '1e999'], ['cell', ''], ['sentence', '\u0000\u202e'], ['unit', '%'], ['panels', ''], ['compare', '1']]) el.setAttribute(k, v);
    el.removeAttribute('sentence');
    el.setAttribute('sentence', 'not bad at all');
  });
  await poll(async () => assert.match(await shadowText(), /Step 1 of 4/));
  assert.equal(dialogs, 0);
  await page.evaluate(() => document.getElementById('hostile').remove());
});

test('messages of any shape posted to the embed page or a course page change nothing and throw nothing', async ({ page }) => {
  if (!HAS_EMBED) return;
  await page.goto('./embed.html#sentence=not%20bad&step=1');
  await page.getByRole('list', { name: 'Tokens' }).getByRole('button').first().waitFor();
  // Let the trained model arrive first: its arrival changes the prediction by itself.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => document.querySelector('[role=status]')?.textContent);
  await page.evaluate(() => {
    const junk = [null, 1, 'gatescope:resize', { type: 'gatescope:resize', height: 'x' }, { type: 'gatescope:settings', sentence: '<img src=x onerror=alert(1)>' }, { __proto__: { polluted: 1 } }, new ArrayBuffer(8), [1, [2, [3]]]];
    for (const m of junk) window.postMessage(m, '*');
  });
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => document.querySelector('[role=status]')?.textContent), before);
  assert.equal(await page.evaluate(() => ({}).polluted), undefined);

  if (!HAS_EXAMPLES) return;
  // The course page's resize listener only sizes the frame that sent the message, only to a number.
  await page.goto('./examples/course.html');
  const frame = page.locator('iframe').first();
  await frame.waitFor();
  const heights = [];
  for (const height of ['100px; background: red', -50, 'NaN', 1e9, { x: 1 }]) {
    await page.evaluate((h) => window.postMessage({ type: 'gatescope:resize', height: h }, '*'), height);
    await page.waitForTimeout(50);
    heights.push(await frame.evaluate((f) => f.style.height));
  }
  // Messages from the page itself (not the frame) are ignored, so the frame keeps its own height.
  assert.equal(new Set(heights).size, 1, `the frame height never followed a foreign message: ${heights.join(', ')}`);
});
