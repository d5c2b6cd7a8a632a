// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createVisStore } from '../../src/state/store';
import './render';

afterEach(cleanup);

describe('the app shell', () => {
  it('has the named heading, controls and panel regions', () => {
    render(<App store={createVisStore({ model: 'random', sentence: 'not bad' })} />);
    expect(screen.getByRole('heading', { level: 1, name: 'gatescope' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Sentence' })).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: 'Cell' })).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Time step' })).toBeTruthy();
    for (const name of ['Heatmaps over time', 'Prediction track', 'Hidden state h']) expect(screen.getByRole('region', { name })).toBeTruthy();
  });

  it('hides and shows a panel from the panel picker', () => {
    const store = createVisStore({ model: 'random', sentence: 'not bad' });
    render(<App store={store} />);
    const picker = screen.getByRole('group', { name: 'Show panels' });
    fireEvent.click(within(picker).getByRole('checkbox', { name: 'Prediction track' }));
    expect(screen.queryByRole('region', { name: 'Prediction track' })).toBeNull();
    expect(store.getState().panels).not.toContain('prediction');
    fireEvent.click(within(picker).getByRole('checkbox', { name: 'Prediction track' }));
    expect(screen.getByRole('region', { name: 'Prediction track' })).toBeTruthy();
  });

  it('lists problems from the link and lets the student dismiss them', () => {
    const store = createVisStore({ model: 'random' });
    store.getState().setUrlProblems(['cell: expected one of rnn, lstm, gru, found "x", using the default']);
    render(<App store={store} />);
    expect(screen.getByRole('alert').textContent).toMatch(/cell: expected one of rnn, lstm, gru/);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
