import { assert, poll, test } from './harness.mjs';

// The README's picture: the default demo on the trained sentiment LSTM, stopped at "but" with a
// unit selected, so the gates, the prediction's turn and the gradient are all visible.
test('the default demo opens on the trained sentiment LSTM and steps to "but"', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.goto('./');
  await page.getByText(/sentiment LSTM, trained/).first().waitFor();
  const tokens = await page.getByRole('textbox', { name: 'Sentence' }).inputValue();
  assert.match(tokens, /but/, 'the default sentence has a contrast');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  const but = tokens.split(/\s+/).indexOf('but,') >= 0 ? tokens.split(/\s+/).indexOf('but,') : tokens.split(/[\s,]+/).filter(Boolean).indexOf('but');
  for (let k = 0; k < but + 1; k++) await page.getByRole('button', { name: 'Step forward' }).click();
  await poll(async () => assert.match(await page.getByRole('status').first().innerText(), /but/));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'test-results/screenshots/readme.png', clip: { x: 0, y: 0, width: 1280, height: 1500 } });
});
