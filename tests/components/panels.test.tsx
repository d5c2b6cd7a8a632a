// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIZES } from '../../src/charts/theme';
import { Heatmaps } from '../../src/components/Heatmaps';
import { Panel } from '../../src/components/Panel';
import { PredictionTrack, turningPoints } from '../../src/components/PredictionTrack';
import { useVis } from '../../src/state/context';
import { renderWithStore } from './render';

afterEach(cleanup);

const LSTM_MAPS = ['Hidden state h', 'Cell state c', 'Input gate i', 'Forget gate f', 'Candidate g', 'Output gate o'];

describe('the heatmaps', () => {
  it('shows one named region per state and gate of the current cell', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'not good', cell: 'lstm' });
    for (const name of LSTM_MAPS) expect(screen.getByRole('region', { name })).toBeTruthy();
    act(() => store.getState().setCell('gru'));
    for (const name of ['Hidden state h', 'Reset gate r', 'Update gate z', 'Candidate n']) expect(screen.getByRole('region', { name })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Forget gate f' })).toBeNull();
    act(() => store.getState().setCell('rnn'));
    expect(screen.getByRole('region', { name: 'Hidden state h' })).toBeTruthy();
    expect(screen.queryAllByRole('region', { name: /gate|Cell state|Candidate/ })).toEqual([]);
  });

  it('describes each map in words for screen readers, naming the current token and extreme units', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'the movie was not good', cell: 'lstm' });
    act(() => store.getState().setStep(3));
    const img = within(screen.getByRole('region', { name: 'Forget gate f' })).getByRole('img', { name: /Forget gate f: 32 units by 5 tokens/ });
    const description = document.getElementById(img.getAttribute('aria-describedby')!)!.textContent!;
    // Oracle: the forget gate is block 1 of the lstm gates at step 3.
    const { gates, H } = store.getState().trace;
    const column = Array.from({ length: H }, (_, u) => gates[3 * 4 * H + H + u]);
    const top = column.indexOf(Math.max(...column));
    expect(description).toContain('at step 4 (“not”)');
    expect(description).toContain(`highest unit ${top} (${column[top].toFixed(4)})`);
  });

  it('lists the current step column as a table behind "Show values at this step"', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'the movie was not good', cell: 'gru' });
    act(() => {
      store.getState().setStep(2);
      store.getState().setUnit(4);
    });
    const region = screen.getByRole('region', { name: 'Update gate z' });
    const details = region.querySelector('details')!;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    const table = within(region).getByRole('table', { name: /Update gate z at step 3/ });
    const rows = within(table).getAllByRole('row');
    const { gates, H } = store.getState().trace;
    expect(rows).toHaveLength(H + 1);
    // z is block 1 of 3 in the gru gates.
    expect(within(rows[1 + 4]).getByRole('cell').textContent).toBe(gates[2 * 3 * H + H + 4].toFixed(4));
    expect(rows[1 + 4].className).toBe('selected');
  });

  it('selects the clicked unit everywhere and jumps to the clicked step', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'a b c d', cell: 'lstm' });
    const region = screen.getByRole('region', { name: 'Cell state c' });
    const hit = region.querySelector('rect.hit')!;
    const H = store.getState().trace.H;
    // jsdom has no layout: the plot is at the origin with the chart's computed size.
    const plotW = Number(hit.getAttribute('width'));
    const plotH = SIZES.heatmapPlotHeight;
    fireEvent.click(hit, { clientX: (2.5 / 4) * plotW, clientY: (7.5 / H) * plotH });
    expect(store.getState().step).toBe(2);
    expect(store.getState().unit).toBe(7);
    expect((screen.getByRole('spinbutton', { name: 'Selected unit' }) as HTMLInputElement).value).toBe('7');
  });

  it('shows a tooltip with unit, token and exact value on hover, in the hovered map only', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'a b c d', cell: 'lstm' });
    const region = screen.getByRole('region', { name: 'Hidden state h' });
    const hit = region.querySelector('rect.hit')!;
    const H = store.getState().trace.H;
    const plotW = Number(hit.getAttribute('width'));
    fireEvent.mouseEnter(hit);
    fireEvent.mouseMove(hit, { clientX: (1.5 / 4) * plotW, clientY: (3.5 / H) * SIZES.heatmapPlotHeight });
    expect(store.getState().hover).toEqual({ step: 1, unit: 3 });
    const value = store.getState().trace.h[1 * H + 3];
    expect(region.querySelector('.tooltip')!.textContent).toBe(`unit 3 · “b” (step 2)${value.toFixed(4)}`);
    expect(screen.getByRole('region', { name: 'Cell state c' }).querySelector('.tooltip')).toBeNull();
    // The other maps outline the same cell.
    expect(screen.getByRole('region', { name: 'Cell state c' }).querySelector('rect.mark-hover')).not.toBeNull();
    fireEvent.mouseLeave(hit);
    expect(store.getState().hover).toBeNull();
  });

  it('sets the selected unit from the number field', () => {
    const { store } = renderWithStore(<Heatmaps />, { sentence: 'a b' });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Selected unit' }), { target: { value: '12' } });
    expect(store.getState().unit).toBe(12);
  });
});

describe('the prediction track', () => {
  it('has one line per label and a table of every prefix\'s probabilities', () => {
    const { store, container } = renderWithStore(<PredictionTrack />, { sentence: 'i loved it but it was bad' });
    expect(screen.getByRole('region', { name: 'Prediction track' })).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Labels' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['negative', 'positive']);
    expect(container.querySelectorAll('svg.line-chart path[fill="none"]')).toHaveLength(2);
    const details = container.querySelector('details')!;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    const rows = within(screen.getByRole('table', { name: 'Prediction after each token' })).getAllByRole('row');
    expect(rows).toHaveLength(1 + 7);
    const { probsPerStep } = store.getState().trace;
    expect(rows[4].textContent).toBe(`4but${(probsPerStep[6] * 100).toFixed(1)}%${(probsPerStep[7] * 100).toFixed(1)}%`);
  });

  it('names the words where the prediction clearly turns, ignoring wobbles near 50%', () => {
    const probs = new Float64Array([0.2, 0.8, 0.3, 0.7, 0.9, 0.1, 0.45, 0.55, 0.35, 0.65]);
    const trace = { T: 5, K: 2, probsPerStep: probs } as never;
    expect(turningPoints(trace, ['very', 'good', 'not', 'so', 'really'], ['negative', 'positive'])).toBe(
      "The prediction starts as positive; after 'not' (step 3) it turns negative; after 'really' (step 5) it turns positive.",
    );
    const calm = { T: 2, K: 2, probsPerStep: new Float64Array([0.52, 0.48, 0.45, 0.55]) } as never;
    expect(turningPoints(calm, ['a', 'b'], ['negative', 'positive'])).toBe('The prediction starts as negative and never clearly changes.');
  });
});

describe('re-rendering', () => {
  it('does not re-render the prediction track when the hover moves', () => {
    const { store } = renderWithStore(
      <>
        <Profiler id="prediction" onRender={onRender}>
          <PredictionTrack />
        </Profiler>
        <Heatmaps />
      </>,
      { sentence: 'a b c d' },
    );
    const before = onRender.mock.calls.length;
    act(() => store.getState().setHover({ step: 1, unit: 2 }));
    act(() => store.getState().setHover({ step: 2, unit: 2 }));
    expect(onRender.mock.calls.length).toBe(before);
    act(() => store.getState().setStep(2));
    expect(onRender.mock.calls.length).toBeGreaterThan(before);
  });
});
const onRender = vi.fn();

describe('the panel frame', () => {
  function Boom() {
    const sentence = useVis((s) => s.sentence);
    if (sentence.includes('boom')) throw new Error('it went boom');
    return <p>fine: {sentence}</p>;
  }

  it('shows a caught error with a reset that keeps the sentence', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { store } = renderWithStore(
        <Panel id="knobs" notice="Look here.">
          <Boom />
        </Panel>,
        { sentence: 'all fine' },
      );
      expect(screen.getByRole('region', { name: 'Knobs' })).toBeTruthy();
      expect(screen.getByText('Look here.')).toBeTruthy();
      act(() => store.getState().setSentence('boom now'));
      expect(screen.getByRole('alert').textContent).toMatch(/it went boom/);
      act(() => store.getState().setSentence('boom now, fixed'.replace('boom', 'calm')));
      fireEvent.click(screen.getByRole('button', { name: 'Reset panel' }));
      expect(screen.getByText('fine: calm now, fixed')).toBeTruthy();
      expect(store.getState().sentence).toBe('calm now, fixed');
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
