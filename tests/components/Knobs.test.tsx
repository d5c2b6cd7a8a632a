// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Knobs, SCALE_STEPS, nearestScaleIndex } from '../../src/components/Knobs';
import { GradientFlow } from '../../src/components/GradientFlow';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore, type Settings } from '../../src/state/store';

afterEach(cleanup);

function setup(initial: Partial<Settings>) {
  const store = createVisStore({ model: 'random', sentence: 'the movie was not good', ...initial });
  render(
    <VisStoreProvider store={store}>
      <Knobs />
      <GradientFlow />
    </VisStoreProvider>,
  );
  return store;
}

const firstRow = () => screen.getByRole('table', { name: 'Gradient norms' }).querySelectorAll('tbody tr')[0].textContent;

describe('Knobs', () => {
  it('rescales the recurrent weights as the slider moves, and the gradient table follows', async () => {
    const store = setup({ cell: 'rnn' });
    const slider = screen.getByRole('slider', { name: 'Recurrent weight scale' });
    expect(slider.getAttribute('aria-valuetext')).toBe('1.00×');
    const before = firstRow();
    fireEvent.change(slider, { target: { value: String(SCALE_STEPS.indexOf(0.3)) } });
    expect(store.getState().recurrentScale).toBe(0.3);
    expect(slider.getAttribute('aria-valuetext')).toBe('0.30×');
    // The table is the chart's text alternative: it follows right after the chart's frame.
    await waitFor(() => expect(firstRow()).not.toBe(before));
  });

  it('offers the forget-gate bias only when an LSTM is on screen, and says why otherwise', () => {
    const store = setup({ cell: 'gru' });
    const bias = screen.getByRole('slider', { name: 'Forget-gate bias' }) as HTMLInputElement;
    expect(bias.disabled).toBe(true);
    expect(document.getElementById(bias.getAttribute('aria-describedby')!)!.textContent).toMatch(/Only the LSTM has a forget gate/);
    act(() => store.getState().setCell('lstm'));
    // The store change re-renders the knob.
    const enabled = screen.getByRole('slider', { name: 'Forget-gate bias' }) as HTMLInputElement;
    expect(enabled.disabled).toBe(false);
    fireEvent.change(enabled, { target: { value: '3' } });
    expect(store.getState().forgetBias).toBe(3);
  });

  it('pads the sentence to the chosen length', async () => {
    const store = setup({ cell: 'lstm' });
    const pad = screen.getByRole('slider', { name: 'Pad sentence to' });
    expect(pad.getAttribute('aria-valuetext')).toBe('off');
    fireEvent.change(pad, { target: { value: '30' } });
    expect(store.getState().tokens.length).toBe(30);
    expect(store.getState().padded.filter(Boolean).length).toBe(25);
    await waitFor(() => expect(screen.getByRole('table', { name: 'Gradient norms' }).querySelectorAll('tbody tr').length).toBe(30));
  });

  it('puts every knob back with Reset knobs', () => {
    const store = setup({ cell: 'lstm', recurrentScale: 2, forgetBias: -2, padTo: 12 });
    fireEvent.click(screen.getByRole('button', { name: 'Reset knobs' }));
    const s = store.getState();
    expect([s.recurrentScale, s.forgetBias, s.padTo]).toEqual([1, 0, 0]);
  });

  it('maps any stored scale to the nearest slider position on a log scale', () => {
    expect(SCALE_STEPS[nearestScaleIndex(1)]).toBe(1);
    expect(SCALE_STEPS[nearestScaleIndex(0.12)]).toBe(0.1);
    expect(SCALE_STEPS[nearestScaleIndex(4)]).toBe(3);
  });
});
