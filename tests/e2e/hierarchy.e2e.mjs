// The page's hierarchy (issue 13): at 1280 x 800 the header is one row and the sticky sentence bar
// is at most 100 px; on a phone the bar folds with a button; a panel's heading collapses it, and
// the link remembers it across a reload. Screenshots of the first screen at 1280 x 800, at 390 x 844
// and in dark mode.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, poll, test } from './harness.mjs';

const shotDir = path.resolve(fileURLToPath(new URL('../../test-results/screenshots', import.meta.url)));

/** The first screen only (what a student sees before scrolling), unlike the harness's full-page shot. */
async function shootScreen(page, name) {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

const bar = (page) => page.locator('section[aria-label="Sentence and playback"]');

/** Boxes of the header's name and of each of its controls, in page pixels. */
async function headerBoxes(page) {
  return page.locator('header.app-header').evaluate((header) => {
    const items = [header.querySelector('h1'), ...header.querySelector('.header-controls').querySelectorAll(':scope > *, :scope > .load-model > button')];
    const boxes = items
      .filter((el) => el && getComputedStyle(el).display !== 'contents')
      .map((el) => ({ what: (el.textContent || el.tagName).trim().slice(0, 24), ...el.getBoundingClientRect().toJSON() }))
      .filter((b) => b.height > 0);
    return { header: header.getBoundingClientRect().height, boxes };
  });
}

for (const scheme of ['light', 'dark']) {
  test(`at 1280 x 800 (${scheme}) the header is one row and the sticky bar is at most 100 px tall`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('./');
    await page.locator('.live-region').filter({ hasText: /^Step 1 of 12/ }).waitFor();
    await page.locator('.model-picker .badge').filter({ hasText: /trained/ }).waitFor();

    const { header, boxes } = await headerBoxes(page);
    assert.ok(boxes.length >= 7, `found the header's parts: ${boxes.map((b) => b.what).join(' | ')}`);
    // One row: every part overlaps every other vertically.
    const top = Math.max(...boxes.map((b) => b.top));
    const bottom = Math.min(...boxes.map((b) => b.bottom));
    assert.ok(top < bottom, `one row: ${boxes.map((b) => `${b.what} ${Math.round(b.top)}-${Math.round(b.bottom)}`).join(', ')}`);
    assert.ok(header <= 56, `the header is ${header} px tall`);

    const height = await bar(page).evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(height <= 100, `the sticky bar is ${height} px tall`);
    assert.equal(await bar(page).evaluate((el) => getComputedStyle(el).position), 'sticky');
    // Every token and every control of the bar is in it and on screen; nothing spills out sideways.
    const chips = page.getByRole('list', { name: 'Tokens' }).getByRole('button');
    assert.equal(await chips.count(), 12);
    assert.equal(await page.getByRole('list', { name: 'Tokens' }).evaluate((el) => el.scrollWidth - el.clientWidth), 0, 'the default sentence fits without scrolling the tokens');
    for (const name of ['Step back', 'Play', 'Step forward', 'Reset']) assert.ok(await page.getByRole('button', { name, exact: true }).isVisible(), `${name} is visible`);
    for (const control of [page.getByRole('slider', { name: 'Time step' }), page.getByRole('combobox', { name: 'Speed' }), page.getByRole('combobox', { name: 'Colour tokens by' })]) {
      assert.ok(await control.isVisible());
    }
    assert.equal(await bar(page).evaluate((el) => el.scrollWidth - el.clientWidth), 0, 'nothing in the bar overflows it');
    // The panels start under it: the bar covers the top strip only.
    console.log(`      header ${header} px, sticky bar ${height} px`);
    await shootScreen(page, `hierarchy-first-screen-1280-${scheme}`);
  });
}

test('a 51-token sentence keeps the bar compact: the tokens scroll in one row and follow the step', async ({ page }) => {
  await page.goto('./#model=long-range&cell=lstm');
  const strip = page.getByRole('list', { name: 'Tokens' });
  await poll(async () => assert.ok((await strip.getByRole('button').count()) > 40));
  const height = await bar(page).evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height <= 115, `the sticky bar is ${height} px tall with ${await strip.getByRole('button').count()} tokens`);
  assert.ok(await strip.evaluate((el) => el.scrollWidth > el.clientWidth), 'the tokens scroll');
  await page.getByRole('button', { name: 'Step forward' }).focus();
  await page.keyboard.press('End');
  // The current (last) chip is scrolled into the strip's view.
  await poll(async () => {
    const inView = await strip.evaluate((el) => {
      const chip = el.querySelector('button[aria-current="step"]').getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return chip.left >= box.left - 1 && chip.right <= box.right + 1;
    });
    assert.ok(inView, 'the current chip is inside the strip');
  });
  console.log(`      sticky bar ${height} px with a 51-token sentence`);
  await shootScreen(page, 'hierarchy-long-sentence-1280');
});

test('on a 390 x 844 phone the sentence bar folds and opens with a named button, from the keyboard too', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await page.locator('.live-region').filter({ hasText: /^Step 1 of 12/ }).waitFor();
  const toggle = bar(page).getByRole('button', { name: 'Sentence and playback' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const open = await bar(page).evaluate((el) => el.getBoundingClientRect().height);
  await shootScreen(page, 'hierarchy-phone-open');

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).isVisible(), false, 'the sentence box is folded away');
  const folded = await bar(page).evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(folded <= 100 && folded < open / 2, `folded ${folded} px, open ${open} px`);
  // Folded, the step is still said in words, and the arrow keys still step.
  await page.keyboard.press('ArrowRight');
  await page.locator('.live-region').filter({ hasText: /^Step 2 of 12: 'acting'/ }).waitFor();
  await shootScreen(page, 'hierarchy-phone-folded');

  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.getByRole('textbox', { name: 'Sentence' }).isVisible());
  await page.keyboard.press('Space');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  console.log(`      phone bar open ${open} px, folded ${folded} px`);
});

test('a panel collapses from its heading with the keyboard, does no work, and stays collapsed after a reload', async ({ page }) => {
  await page.goto('./');
  const heatmaps = page.getByRole('region', { name: 'Heatmaps over time' });
  await heatmaps.getByRole('region', { name: 'Hidden state h' }).waitFor();
  const toggle = heatmaps.getByRole('button', { name: 'Heatmaps over time' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await poll(async () => assert.equal(await toggle.getAttribute('aria-expanded'), 'false'));
  assert.equal(await page.getByRole('region', { name: 'Hidden state h' }).count(), 0, 'no heatmap is rendered');
  assert.equal(await heatmaps.locator('canvas, table').count(), 0);
  await poll(async () => assert.match(await page.evaluate(() => location.hash), /&collapsed=heatmaps$/));
  // The focus stays on the toggle, so Enter again would open it.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Heatmaps over time');
  const collapsedHeight = await heatmaps.evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(collapsedHeight < 70, `a collapsed panel is its heading: ${collapsedHeight} px`);

  await page.reload();
  await page.locator('.live-region').filter({ hasText: /^Step 1 of 12/ }).waitFor();
  const after = page.getByRole('region', { name: 'Heatmaps over time' }).getByRole('button', { name: 'Heatmaps over time' });
  assert.equal(await after.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('region', { name: 'Hidden state h' }).count(), 0);
  // The other panels are all there.
  for (const name of ['Cell diagram', 'Prediction track', 'Gradient flow', 'Equations', 'Knobs']) {
    assert.equal(await page.getByRole('region', { name }).getByRole('button', { name, exact: true }).getAttribute('aria-expanded'), 'true');
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await shootScreen(page, 'hierarchy-heatmaps-collapsed');

  await after.focus();
  await page.keyboard.press('Space');
  await page.getByRole('region', { name: 'Hidden state h' }).waitFor();
  await poll(async () => assert.match(await page.evaluate(() => location.hash), /&collapsed=$/));
});
