// Accessibility: axe-core (read from node_modules and evaluated in the page, never a CDN) finds no serious or critical
// violation in light and dark mode at 1280 and 360 px, with every table and disclosure open; and a
// keyboard-only walk reaches every control and drives the main ones.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assert, poll, test } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe on the page; returns the serious and critical violations, one line per node. */
async function seriousViolations(page) {
  // Evaluated through the DevTools protocol: the page's own CSP (rightly) refuses an inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 3).join(' ')}`) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describeViolations(list) {
  return list.map((v) => `${v.impact} ${v.id} (${v.help}):\n    ${v.nodes.slice(0, 5).join('\n    ')}`).join('\n');
}

async function openEverything(page) {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await page.waitForTimeout(200);
}

const VIEWS = [
  { name: 'light, 1280 px', width: 1280, scheme: 'light' },
  { name: 'dark, 1280 px', width: 1280, scheme: 'dark' },
  { name: 'light, 360 px', width: 360, scheme: 'light' },
  { name: 'dark, 360 px', width: 360, scheme: 'dark' },
];

const START = './#sentence=the%20acting%20was%20not%20bad%2C%20but%20the%20plot%20was%20boring&step=4&unit=2';

test('axe finds no serious or critical violation on the full app in light and dark mode at 1280 and 360 px', async ({ page, screenshot }) => {
  const found = [];
  for (const view of VIEWS) {
    await page.setViewportSize({ width: view.width, height: 800 });
    await page.emulateMedia({ colorScheme: view.scheme });
    await page.goto(START);
    await page.locator('.live-region').filter({ hasText: /^Step 5 of/ }).waitFor();
    await page.locator('.equation-tex .katex').first().waitFor();
    const closed = await seriousViolations(page);
    await openEverything(page);
    const open = await seriousViolations(page);
    for (const v of [...closed, ...open]) found.push(`[${view.name}] ${describeViolations([v])}`);
    await screenshot(`a11y-${view.scheme}-${view.width}`);
  }
  assert.deepEqual([...new Set(found)], [], `axe violations:\n${[...new Set(found)].join('\n')}`);
});

test('axe finds no serious or critical violation in compare mode with saliency colouring and the Train panel open', async ({ page }) => {
  await page.goto(`${START}&compare=1&color=saliency&panels=diagram,heatmaps,prediction,gradient,equations,knobs,train`);
  await page.locator('.live-region').filter({ hasText: /^Step 5 of/ }).waitFor();
  await openEverything(page);
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `axe violations:\n${describeViolations(found)}`);
});

test('axe finds no serious or critical violation on the embed page', async ({ page }) => {
  if (!existsSync(new URL('../../embed.html', import.meta.url))) return;
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('./embed.html#sentence=not%20bad%20at%20all&step=1');
    await page.getByRole('list', { name: 'Tokens' }).getByRole('button').first().waitFor();
    await page.waitForTimeout(300);
    await openEverything(page);
    const found = await seriousViolations(page);
    assert.deepEqual(found, [], `axe violations (${scheme}):\n${describeViolations(found)}`);
  }
});

/** Marks every control a keyboard user should reach with a data id; returns their ids and names. */
async function markFocusable(page) {
  return page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
    const out = [];
    let n = 0;
    for (const el of document.querySelectorAll(selector)) {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const visible = style.visibility !== 'hidden' && style.display !== 'none' && (box.width > 0 || box.height > 0);
      if (!visible || el.disabled || el.tabIndex < 0 || el.closest('[inert], [hidden]')) continue;
      // A closed <details> hides its content from the tab order.
      const details = el.closest('details');
      if (details && !details.open && el.tagName !== 'SUMMARY') continue;
      el.dataset.kb = String(n++);
      const name = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.getAttribute('title') || el.tagName;
      out.push({ id: el.dataset.kb, name: name.trim().slice(0, 40), tag: el.tagName.toLowerCase() });
    }
    return out;
  });
}

/** Radio groups are one tab stop: a group counts as reached when any of its radios is. */
function tabStops(controls, radioGroups) {
  return controls.filter((c) => !radioGroups.has(c.id)).map((c) => c.id);
}

test('Tab reaches every control once in a cycle, with a visible focus ring on each', async ({ page }) => {
  await page.goto(START);
  await page.locator('.live-region').filter({ hasText: /^Step 5 of/ }).waitFor();
  await page.locator('.equation-tex .katex').first().waitFor();
  const controls = await markFocusable(page);
  // Radios other than the checked one of each group are skipped by Tab by design.
  const skippedRadios = new Set(
    await page.evaluate(() => [...document.querySelectorAll('input[type=radio][data-kb]')].filter((r) => !r.checked).map((r) => r.dataset.kb)),
  );
  const expected = new Set(tabStops(controls, skippedRadios));
  const visited = new Set();
  const noRing = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < expected.size + 40; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      // SVG parts (the cell diagram) show focus by their frame's stroke instead of an outline.
      const frame = el instanceof SVGElement ? el.querySelector('rect') : null;
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none' || (frame !== null && parseFloat(getComputedStyle(frame).strokeWidth) >= 3);
      return { id: el.dataset.kb ?? null, ring, what: `${el.tagName.toLowerCase()} ${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)}` };
    });
    if (!info) continue;
    if (info.id === null) assert.fail(`Tab reached an element that is not a control: ${info.what}`);
    if (!info.ring) noRing.push(info.what);
    if (visited.has(info.id) && visited.size >= expected.size) break;
    visited.add(info.id);
  }
  const missed = controls.filter((c) => expected.has(c.id) && !visited.has(c.id)).map((c) => `${c.tag} "${c.name}"`);
  assert.deepEqual(missed, [], 'every control is reached with Tab');
  assert.deepEqual([...new Set(noRing)], [], 'every focused control shows a focus ring');
  console.log(`      Tab visited ${visited.size} of ${expected.size} tab stops (${controls.length} controls incl. unchecked radios)`);
});

test('the main controls work from the keyboard alone', async ({ page, screenshot }) => {
  await page.goto('./');
  const live = page.locator('.live-region');
  const expectLive = (pattern) => poll(async () => assert.match((await live.textContent()) ?? '', pattern));

  // Sentence: Tab to it and type.
  await page.keyboard.press('Tab');
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.getAttribute('type') === 'text')); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('not bad at all');
  await expectLive(/^Step 1 of 4: 'not'/);

  /** Moves focus with Tab until `test` holds for the focused element. */
  async function tabTo(describe, predicate) {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate)) return;
    }
    assert.fail(`Tab never reached ${describe}`);
  }

  // Step forward with Enter, Play/Pause with Space, Reset with Enter.
  await tabTo('Step forward', () => document.activeElement?.textContent?.includes('Step forward'));
  await page.keyboard.press('Enter');
  await expectLive(/^Step 2 of 4: 'bad'/);
  await page.keyboard.press('Enter');
  await expectLive(/^Step 3 of 4/);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();

  // The time slider with arrow keys.
  await tabTo('the Time step slider', () => document.activeElement?.getAttribute('type') === 'range');
  await page.keyboard.press('Home');
  await expectLive(/^Step 1 of 4/);
  await page.keyboard.press('ArrowRight');
  await expectLive(/^Step 2 of 4/);
  await page.keyboard.press('End');
  await expectLive(/^Step 4 of 4: 'all'/);

  // The token strip is one tab stop (the current chip); arrows move the step and focus follows.
  await page.getByRole('textbox', { name: 'Sentence' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-current')), 'step', 'Tab from the box lands on the current chip');
  await page.keyboard.press('Home');
  await expectLive(/^Step 1 of 4/);
  await page.keyboard.press('ArrowRight');
  await expectLive(/^Step 2 of 4: 'bad'/);
  await poll(async () => assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'bad'));

  // Cell radio group: arrows switch the cell.
  await page.getByRole('radio', { name: 'LSTM' }).focus();
  await page.keyboard.press('ArrowRight');
  await poll(async () => assert.equal(await page.getByRole('radio', { name: 'GRU' }).isChecked(), true));
  await poll(async () => assert.equal(await page.locator('section.heatmap-region h3').first().textContent(), 'Hidden state h'));
  assert.ok((await page.locator('section.heatmap-region h3').allTextContents()).includes('Update gate z'));

  // Panels disclosure: Enter opens it, Space toggles a panel off.
  await page.locator('summary', { hasText: 'Panels' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('checkbox', { name: 'Equations' }).focus();
  await page.keyboard.press('Space');
  await poll(async () => assert.equal(await page.getByRole('region', { name: 'Equations', exact: true }).count(), 0));
  await page.keyboard.press('Space');
  await poll(async () => assert.equal(await page.getByRole('region', { name: 'Equations', exact: true }).count(), 1));

  // A knob slider with arrow keys changes the view.
  const scale = page.getByRole('slider', { name: /Recurrent weight scale/ });
  await scale.focus();
  const before = await scale.inputValue();
  await page.keyboard.press('ArrowRight');
  await poll(async () => assert.notEqual(await scale.inputValue(), before));
  await poll(async () => assert.match(await page.evaluate(() => window.location.hash), /scale=(?!1&)/));

  // Page keys from anywhere that is not a text field.
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Home');
  await expectLive(/^Step 1 of 4/);
  await page.keyboard.press('ArrowRight');
  await expectLive(/^Step 2 of 4/);
  await screenshot('a11y-keyboard');
});
