// @vitest-environment jsdom
// The page's hierarchy: panel headings collapse their panel (remembered in the store, so in the
// link), a collapsed panel mounts nothing of its view, and the sentence bar has a fold toggle.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createVisStore } from '../../src/state/store';
import { parseHash, settingsOf, toHash } from '../../src/state/url';
import './render';

afterEach(cleanup);

const region = (name: string) => screen.getByRole('region', { name });

describe('collapsing panels on the full page', () => {
  it('gives every panel heading but Train a toggle named by the panel, with aria-expanded', () => {
    render(<App store={createVisStore({ model: 'random', sentence: 'not bad', panels: ['diagram', 'heatmaps', 'prediction', 'gradient', 'equations', 'knobs', 'train'] })} />);
    for (const name of ['Cell diagram', 'Heatmaps over time', 'Prediction track', 'Gradient flow', 'Equations', 'Knobs']) {
      const toggle = within(region(name)).getByRole('button', { name });
      expect(toggle.getAttribute('aria-expanded')).toBe('true');
    }
    expect(screen.queryByRole('button', { name: 'Train' })).toBeNull();
  });

  it('collapses a panel to its heading, unmounts its view, and opens it again', () => {
    const store = createVisStore({ model: 'random', sentence: 'not bad' });
    render(<App store={store} />);
    expect(within(region('Heatmaps over time')).getByRole('region', { name: 'Hidden state h' })).toBeTruthy();
    const toggle = within(region('Heatmaps over time')).getByRole('button', { name: 'Heatmaps over time' });
    toggle.focus();
    fireEvent.click(toggle);
    expect(store.getState().collapsed).toEqual(['heatmaps']);
    // Only the heading and its toggle are left: no heatmap, no notice, no table.
    const collapsed = region('Heatmaps over time');
    expect(screen.queryByRole('region', { name: 'Hidden state h' })).toBeNull();
    expect(collapsed.querySelectorAll('canvas, svg:not([aria-hidden]), table, p')).toHaveLength(0);
    const again = within(collapsed).getByRole('button', { name: 'Heatmaps over time' });
    expect(again.getAttribute('aria-expanded')).toBe('false');
    // The other panels are untouched.
    expect(region('Prediction track').textContent).toMatch(/What to notice/);
    fireEvent.click(again);
    expect(store.getState().collapsed).toEqual([]);
    expect(within(region('Heatmaps over time')).getByRole('region', { name: 'Hidden state h' })).toBeTruthy();
  });

  it('starts with the panels a link collapsed, and the link carries the collapsed set back', () => {
    const { settings } = parseHash('#sentence=not%20bad&model=random&collapsed=equations,gradient');
    const store = createVisStore(settings);
    render(<App store={store} />);
    expect(within(region('Gradient flow')).getByRole('button', { name: 'Gradient flow' }).getAttribute('aria-expanded')).toBe('false');
    expect(within(region('Equations')).getByRole('button', { name: 'Equations' }).getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('table', { name: /Gradient norms/ })).toBeNull();
    expect(toHash(settingsOf(store.getState()))).toMatch(/&collapsed=gradient,equations$/);
  });

  it('leaves the embed-style use of a panel without a toggle', async () => {
    const { Knobs } = await import('../../src/components/Knobs');
    const { VisStoreProvider } = await import('../../src/state/context');
    render(
      <VisStoreProvider store={createVisStore({ model: 'random', collapsed: ['knobs'] })}>
        <Knobs />
      </VisStoreProvider>,
    );
    expect(within(region('Knobs')).queryByRole('button', { name: 'Knobs' })).toBeNull();
    expect(within(region('Knobs')).getByRole('button', { name: 'Reset knobs' })).toBeTruthy();
  });
});

describe('the sentence and playback bar', () => {
  it('has a fold toggle (for phones) whose aria-expanded follows it, and the step stays said when folded', () => {
    render(<App store={createVisStore({ model: 'random', sentence: 'not bad' })} />);
    const bar = region('Sentence and playback');
    const toggle = within(bar).getByRole('button', { name: 'Sentence and playback' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const body = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(body.contains(within(bar).getByRole('textbox', { name: 'Sentence' }))).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(bar.className).toMatch(/is-collapsed/);
    // The words of the current step sit outside the folded part.
    expect(body.contains(within(bar).getByRole('status'))).toBe(false);
    expect(within(bar).getByRole('status').textContent).toMatch(/^Step 1 of 2/);
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });
});
