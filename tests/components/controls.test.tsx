// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CellToggle } from '../../src/components/CellToggle';
import { LiveAnnouncer } from '../../src/components/LiveAnnouncer';
import { ModelPicker } from '../../src/components/ModelPicker';
import { Playback } from '../../src/components/Playback';
import { SentenceInput } from '../../src/components/SentenceInput';
import { TokenStrip } from '../../src/components/TokenStrip';
import { renderWithStore } from './render';

afterEach(cleanup);

function Controls() {
  return (
    <>
      <SentenceInput />
      <TokenStrip />
      <Playback />
      <LiveAnnouncer />
      <CellToggle />
    </>
  );
}

const tokenButtons = () => within(screen.getByRole('list', { name: 'Tokens' })).getAllByRole('button');

describe('the sentence box and token strip', () => {
  it('shows one chip per token of what is typed, with unknown words marked', () => {
    renderWithStore(<Controls />, { sentence: 'the movie was good' });
    fireEvent.change(screen.getByRole('textbox', { name: 'Sentence' }), { target: { value: 'the zorblax was not good' } });
    expect(tokenButtons().map((b) => b.textContent)).toEqual(['the', 'zorblax', 'was', 'not', 'good']);
    const unknown = screen.getByRole('button', { name: 'zorblax' });
    expect(unknown.getAttribute('title')).toMatch(/^not in vocabulary/);
    expect(unknown.className).toContain('unknown');
    expect(screen.getByRole('button', { name: 'was' }).className).not.toContain('unknown');
  });

  it('marks the current token and goes to a token when it is clicked', () => {
    const { store } = renderWithStore(<Controls />, { sentence: 'i loved it but the ending was bad' });
    expect(tokenButtons()[0].getAttribute('aria-current')).toBe('step');
    fireEvent.click(screen.getByRole('button', { name: 'ending' }));
    expect(store.getState().step).toBe(5);
    expect(screen.getByRole('button', { name: 'ending' }).getAttribute('aria-current')).toBe('step');
    expect(tokenButtons()[0].getAttribute('aria-current')).toBeNull();
  });

  it('colours chips by the selected unit or by saliency when asked, and not at all for "nothing"', () => {
    const { store } = renderWithStore(<Controls />, { sentence: 'not good at all', colorBy: 'none' });
    expect(tokenButtons()[0].style.background).toBe('');
    fireEvent.change(screen.getByRole('combobox', { name: 'Colour tokens by' }), { target: { value: 'saliency' } });
    expect(store.getState().colorBy).toBe('saliency');
    expect(tokenButtons()[0].style.background).not.toBe('');
    expect(tokenButtons()[0].getAttribute('title')).toMatch(/saliency \d\.\d\de[-+]\d+/);
    fireEvent.change(screen.getByRole('combobox', { name: 'Colour tokens by' }), { target: { value: 'unit' } });
    const h0 = store.getState().trace.h[0 * store.getState().trace.H + store.getState().unit];
    expect(tokenButtons()[0].getAttribute('title')).toBe(`unit ${store.getState().unit}: h = ${h0.toFixed(3)}`);
  });

  it('shows a message for an empty sentence instead of failing', () => {
    renderWithStore(<Controls />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Sentence' }), { target: { value: '' } });
    expect(screen.getByRole('textbox', { name: 'Sentence' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/The sentence is empty/)).toBeTruthy();
  });
});

describe('playback', () => {
  it('steps forward and back with the buttons and announces each step in words', () => {
    const { store } = renderWithStore(<Controls />, { sentence: 'the plot was not good' });
    const status = screen.getByRole('status');
    const p = store.getState().trace.probsPerStep;
    const label = p[0] > p[1] ? 'negative' : 'positive';
    expect(status.textContent).toBe(`Step 1 of 5: 'the'. Prediction: ${label} ${Math.round(Math.max(p[0], p[1]) * 100)}%.`);
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(status.textContent).toMatch(/^Step 4 of 5: 'not'\. Prediction: (negative|positive) \d+%\.$/);
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    expect(store.getState().step).toBe(2);
    const slider = screen.getByRole('slider', { name: 'Time step' });
    expect(slider.getAttribute('aria-valuetext')).toBe("Step 3 of 5: 'was'");
    fireEvent.change(slider, { target: { value: '4' } });
    expect(store.getState().step).toBe(4);
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(store.getState().step).toBe(0);
  });

  it('answers Left, Right, Home, End and Space on the page but not inside the sentence box', () => {
    const { store } = renderWithStore(<Controls />, { sentence: 'a b c d e f' });
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(store.getState().step).toBe(2);
    fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    expect(store.getState().step).toBe(1);
    fireEvent.keyDown(document.body, { key: 'End' });
    expect(store.getState().step).toBe(5);
    fireEvent.keyDown(document.body, { key: 'Home' });
    expect(store.getState().step).toBe(0);
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Sentence' }), { key: 'ArrowRight' });
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Sentence' }), { key: 'End' });
    expect(store.getState().step).toBe(0);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(store.getState().playing).toBe(true);
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(store.getState().playing).toBe(false);
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
    store.getState().dispose();
  });

  it('marks the step buttons disabled at the ends without taking them out of the tab order', () => {
    renderWithStore(<Controls />, { sentence: 'a b' });
    expect(screen.getByRole('button', { name: 'Step back' }).getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('button', { name: 'Step forward' }).getAttribute('aria-disabled')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(screen.getByRole('button', { name: 'Step forward' }).getAttribute('aria-disabled')).toBe('true');
  });
});

describe('the cell toggle', () => {
  it('is a radio group named Cell whose choice switches the cell and keeps the sentence', () => {
    const { store } = renderWithStore(<Controls />, { sentence: 'not bad', cell: 'lstm' });
    const group = screen.getByRole('radiogroup', { name: 'Cell' });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((r) => r.parentElement?.textContent)).toEqual(['RNN', 'LSTM', 'GRU']);
    expect((within(group).getByRole('radio', { name: 'LSTM' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(group).getByRole('radio', { name: 'GRU' }));
    expect(store.getState().cell).toBe('gru');
    expect(store.getState().trace.cell).toBe('gru');
    expect((screen.getByRole('textbox', { name: 'Sentence' }) as HTMLInputElement).value).toBe('not bad');
  });
});

describe('the model picker', () => {
  it('labels untrained weights visibly and lets the student pick random weights', () => {
    const { store } = renderWithStore(<ModelPicker />, { model: 'sentiment' });
    const select = screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
    expect(select.value).toBe('sentiment');
    expect(screen.getByText('random weights (untrained)', { selector: '.badge' })).toBeTruthy();
    fireEvent.change(select, { target: { value: 'random' } });
    expect(store.getState().model).toBe('random');
  });
});

describe('the live region', () => {
  it('is polite and follows the store', () => {
    const { store } = renderWithStore(<LiveAnnouncer />, { sentence: 'good movie', padTo: 3 });
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    act(() => store.getState().setStep(2));
    expect(status.textContent).toMatch(/^Step 3 of 3: padding '\.'\. Prediction: /);
  });
});
