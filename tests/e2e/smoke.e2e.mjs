import { assert, test } from './harness.mjs';

test('the start page loads and shows the gatescope heading', async ({ page, screenshot }) => {
  await page.goto('./');
  const heading = page.getByRole('heading', { level: 1, name: /gatescope/i });
  await heading.waitFor({ state: 'visible' });
  assert.match(await page.title(), /\S/, 'the page has a title');
  await screenshot('smoke-start-page');
});
