// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { TrainPanel } from '../../src/components/TrainPanel';
import { PredictionTrack } from '../../src/components/PredictionTrack';
import { initParams } from '../../src/engine/init';
import { parseModelJson } from '../../src/engine/modelFile';
import { longRangeTokenizer } from '../../src/engine/tasks/longRange';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore } from '../../src/state/store';
import { createTrainSession } from '../../src/state/trainSession';
import type { WorkerLike } from '../../src/state/training';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A worker the test scripts: it records what the page sends and delivers what the test emits. */
class ScriptedWorker implements WorkerLike {
  received: unknown[] = [];
  terminated = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  onmessageerror: ((event: unknown) => void) | null = null;
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(data: unknown): void {
    act(() => this.onmessage?.({ data: structuredClone(data) }));
  }
}

/** A worker that runs the real training session on timers, as the Web Worker would (small data). */
function sessionWorker(): WorkerLike {
  const w: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(message) {
      const data = structuredClone(message);
      setTimeout(() => session.handle(data), 0);
    },
    terminate() {},
  };
  const session = createTrainSession(
    {
      // Structured clone, as postMessage does: the page never shares arrays with the trainer.
      post: (m) => {
        const data = structuredClone(m);
        setTimeout(() => w.onmessage?.({ data }), 0);
      },
      schedule: (fn) => setTimeout(fn, 0),
      now: () => performance.now(),
    },
    { trainSize: 400, heldOutSize: 60, sliceSteps: 5 },
  );
  return w;
}

/** Progress reaches the panel at once, so assertions need not wait for the 100 ms batching. */
function setup(createWorker: () => WorkerLike, progressEveryMs = 0) {
  const vis = createVisStore({ model: 'random', sentence: 'the movie was not good' });
  render(
    <VisStoreProvider store={vis}>
      <TrainPanel options={{ createWorker, progressEveryMs }} />
      <PredictionTrack />
    </VisStoreProvider>,
  );
  const panel = screen.getByRole('region', { name: 'Train' });
  const button = (name: string) => within(panel).getByRole('button', { name });
  const isOff = (name: string) => button(name).getAttribute('aria-disabled') === 'true';
  return { vis, panel, button, isOff };
}

const weightsFor = (step: number, seed: number) => ({
  type: 'weights',
  step,
  params: initParams({ cell: 'lstm', inputSize: 3, hiddenSize: 4, vocabSize: longRangeTokenizer.vocab.length, numClasses: 2, seed }),
  tokenizer: longRangeTokenizer,
  labels: ['starts with a', 'starts with b'],
});

describe('TrainPanel', () => {
  it('starts with the long-range LSTM recipe and offers only Start until training runs', () => {
    const worker = new ScriptedWorker();
    const create = vi.fn(() => worker);
    const { panel, button, isOff } = setup(create);
    expect((within(panel).getByRole('combobox', { name: 'Task' }) as HTMLSelectElement).value).toBe('long-range');
    expect((within(panel).getByRole('combobox', { name: 'Cell' }) as HTMLSelectElement).value).toBe('lstm');
    expect((within(panel).getByRole('combobox', { name: 'Hidden size' }) as HTMLSelectElement).value).toBe('16');
    expect((within(panel).getByRole('combobox', { name: 'Learning rate' }) as HTMLSelectElement).value).toBe('0.01');
    expect((within(panel).getByRole('spinbutton', { name: 'Steps' }) as HTMLInputElement).value).toBe('1000');
    expect(isOff('Start')).toBe(false);
    expect(isOff('Pause')).toBe(true);
    expect(isOff('Resume')).toBe(true);
    expect(isOff('Reset')).toBe(true);
    expect(isOff('Download model')).toBe(true);
    // The worker is created on the first Start, not when the panel opens.
    expect(create).not.toHaveBeenCalled();
    fireEvent.click(button('Start'));
    expect(create).toHaveBeenCalledTimes(1);
    expect(worker.received).toEqual([{ type: 'start', task: 'long-range', cell: 'lstm', hidden: 16, lr: 0.01, steps: 1000, seed: 1 }]);
  });

  it('takes the chosen task and settings, and its defaults follow the task', () => {
    const worker = new ScriptedWorker();
    const { panel, button } = setup(() => worker);
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Task' }), { target: { value: 'sentiment' } });
    expect((within(panel).getByRole('combobox', { name: 'Hidden size' }) as HTMLSelectElement).value).toBe('32');
    expect((within(panel).getByRole('spinbutton', { name: 'Steps' }) as HTMLInputElement).value).toBe('800');
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Cell' }), { target: { value: 'gru' } });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Learning rate' }), { target: { value: '0.003' } });
    fireEvent.change(within(panel).getByRole('spinbutton', { name: 'Seed' }), { target: { value: '7' } });
    fireEvent.click(button('Start'));
    expect(worker.received[0]).toEqual({ type: 'start', task: 'sentiment', cell: 'gru', hidden: 32, lr: 0.003, steps: 800, seed: 7 });
  });

  it('refuses a step count it cannot run and says why', () => {
    const worker = new ScriptedWorker();
    const { panel, button, isOff } = setup(() => worker);
    const steps = within(panel).getByRole('spinbutton', { name: 'Steps' });
    fireEvent.change(steps, { target: { value: '0' } });
    expect(steps.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(steps.getAttribute('aria-describedby')!)!.textContent).toMatch(/Steps: 0 is outside 1 to 20000/);
    expect(isOff('Start')).toBe(true);
    fireEvent.click(button('Start'));
    expect(worker.received).toEqual([]);
  });

  it('draws the curve, the held-out accuracy and the table from progress, and shows the weights in the visualizer', () => {
    vi.useFakeTimers();
    try {
      const worker = new ScriptedWorker();
      const { vis, panel, button, isOff } = setup(() => worker);
      fireEvent.click(button('Start'));
      worker.emit({ type: 'ready', totalSteps: 1000, trainSize: 20000, heldOutSize: 500, sample: 'abwxyz' });
      worker.emit({ type: 'progress', step: 0, loss: 0.7, accuracy: 0.5, evalAccuracy: 0.5 });
      worker.emit(weightsFor(0, 1));
      act(() => vi.runAllTimers());
      expect(vis.getState().modelInfo.label).toMatch(/^training: long-range LSTM step 0/);
      // The sentiment sentence cannot be read by the letter task: the task's example replaces it.
      expect(vis.getState().sentence).toBe('abwxyz');
      worker.emit({ type: 'progress', step: 50, loss: 0.4, accuracy: 0.8, evalAccuracy: 0.92 });
      worker.emit(weightsFor(50, 2));
      act(() => vi.runAllTimers());
      expect(vis.getState().modelInfo.label).toMatch(/^training: long-range LSTM step 50/);

      expect(within(panel).getByText('Accuracy on held-out examples').nextElementSibling!.textContent).toBe('92.0%');
      expect(within(panel).getByRole('img', { name: /loss went from 0\.700 at step 0 to 0\.400 at step 50; accuracy on held-out examples 92\.0% at step 50/ })).toBeTruthy();
      const details = within(panel).getByText('Show training progress as a table').closest('details')!;
      details.open = true;
      fireEvent(details, new Event('toggle'));
      const rows = () => within(panel).getByRole('table', { name: 'Training progress' }).querySelectorAll('tbody tr');
      expect(rows()).toHaveLength(2);
      expect(rows()[1].textContent).toBe('500.400080.0%92.0%');
      worker.emit({ type: 'progress', step: 55, loss: 0.35, accuracy: 0.85 });
      expect(rows()).toHaveLength(3);

      fireEvent.click(button('Pause'));
      expect(worker.received.at(-1)).toEqual({ type: 'pause' });
      expect(isOff('Pause')).toBe(true);
      expect(isOff('Resume')).toBe(false);
      expect(isOff('Start')).toBe(true);
      fireEvent.click(button('Resume'));
      expect(worker.received.at(-1)).toEqual({ type: 'resume' });
      expect(isOff('Pause')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a worker crash as an alert, leaves the other panels working, and Reset starts afresh', () => {
    const workers: ScriptedWorker[] = [];
    const { vis, panel, button, isOff } = setup(() => {
      workers.push(new ScriptedWorker());
      return workers.at(-1)!;
    });
    fireEvent.click(button('Start'));
    act(() => workers[0].onerror?.({ message: 'Uncaught RangeError: out of memory' }));
    const alert = within(panel).getByRole('alert');
    expect(alert.textContent).toMatch(/The training worker stopped: Uncaught RangeError: out of memory/);
    expect(workers[0].terminated).toBe(true);
    // The visualizer still runs: change the sentence and the prediction track follows.
    act(() => vis.getState().setSentence('the movie was good'));
    expect(screen.getByRole('region', { name: 'Prediction track' }).textContent).toMatch(/good/);

    expect(isOff('Reset')).toBe(false);
    fireEvent.click(button('Reset'));
    expect(within(panel).queryByRole('alert')).toBeNull();
    fireEvent.click(button('Start'));
    expect(workers).toHaveLength(2);
    expect(workers[1].received[0]).toMatchObject({ type: 'start' });
  });

  it('treats a malformed message from the worker as an error, not a crash of the page', () => {
    const worker = new ScriptedWorker();
    const { panel } = setup(() => worker);
    fireEvent.click(within(panel).getByRole('button', { name: 'Start' }));
    worker.emit({ type: 'progress', step: 'ten', loss: 1, accuracy: 0.5 });
    expect(within(panel).getByRole('alert').textContent).toMatch(/does not fit: progress\.step: expected a finite number, found "ten"/);
    expect(worker.terminated).toBe(true);
  });

  it('downloads the current weights as a model file that reads back to the same model', async () => {
    const worker = new ScriptedWorker();
    const { button, isOff } = setup(() => worker);
    fireEvent.click(button('Start'));
    const w = weightsFor(120, 4);
    worker.emit(w);
    expect(isOff('Download model')).toBe(false);
    let saved: Blob | null = null;
    URL.createObjectURL = vi.fn((b: Blob) => {
      saved = b;
      return 'blob:test';
    }) as typeof URL.createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    fireEvent.click(button('Download model'));
    expect(clicks).toEqual(['gatescope-long-range-lstm-step-120.json']);
    // jsdom's Blob has no text(); FileReader reads it.
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsText(saved!);
    });
    const model = parseModelJson(JSON.parse(text));
    expect(model.labels).toEqual(w.labels);
    expect(model.tokenizer.vocab).toEqual(longRangeTokenizer.vocab);
    expect(Array.from(model.params.weightHh)).toEqual(Array.from(w.params.weightHh));
    expect(Array.from(model.params.embedding)).toEqual(Array.from(w.params.embedding));
  });

  it('trains for real through the session and finishes with a held-out accuracy', async () => {
    const { vis, panel, button } = setup(sessionWorker, 100);
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Task' }), { target: { value: 'brackets' } });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Cell' }), { target: { value: 'gru' } });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Hidden size' }), { target: { value: '8' } });
    fireEvent.change(within(panel).getByRole('spinbutton', { name: 'Steps' }), { target: { value: '30' } });
    fireEvent.click(button('Start'));
    await waitFor(() => expect(within(panel).getByText('Status').nextElementSibling!.textContent).toBe('finished'), { timeout: 15000 });
    expect(within(panel).getByText('Accuracy on held-out examples').nextElementSibling!.textContent).toMatch(/^\d+\.\d%$/);
    expect(within(panel).getByRole('status').textContent).toMatch(/Training finished after 30 steps/);
    await waitFor(() => expect(vis.getState().modelInfo.label).toMatch(/^training: brackets GRU step 30/));
    expect(vis.getState().cell).toBe('gru');
  });

  it('keeps every run\'s curve on one chart, labelled by cell, task and hidden size, with a verdict and a table each, until Clear curves', () => {
    const worker = new ScriptedWorker();
    const { panel, button, isOff } = setup(() => worker);
    expect(isOff('Clear curves')).toBe(true);
    const run = (points: [number, number, number][]) => {
      worker.emit({ type: 'ready', totalSteps: 1000, trainSize: 20000, heldOutSize: 500, sample: 'abwxyz' });
      for (const [step, loss, evalAccuracy] of points) worker.emit({ type: 'progress', step, loss, accuracy: 0.5, evalAccuracy });
      worker.emit({ type: 'done', step: points.at(-1)![0], evalAccuracy: points.at(-1)![2] });
    };
    fireEvent.click(button('Start'));
    run([
      [0, 0.7, 0.5],
      [50, 0.2, 0.92],
    ]);
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Cell' }), { target: { value: 'rnn' } });
    fireEvent.click(button('Start'));
    run([
      [0, 0.69, 0.5],
      [40, 0.68, 0.51],
    ]);

    const legend = within(panel).getByRole('list', { name: 'Runs on the chart' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Run 1: LSTM, long-range, hidden 16 (circle markers)',
      'Run 2: RNN, long-range, hidden 16 (square markers)',
    ]);
    // Each verdict is true of its own run's numbers.
    const earlier = within(panel).getByRole('list', { name: 'Earlier runs' });
    expect(earlier.textContent).toBe('Run 1: LSTM, long-range, hidden 16. LSTM after 50 steps: 92.0% on held-out examples. It has learned the task.');
    expect(panel.querySelector('.train-verdict')!.textContent).toMatch(/^RNN after 40 steps: 51\.0% on held-out examples, about chance \(50\.0%\)\. The plain RNN’s gradient vanishes/);

    const chart = within(panel).getByRole('img', { name: /^Training curve: loss went from 0\.690 at step 0 to 0\.680 at step 40; accuracy on held-out examples 51\.0% at step 40\./ });
    expect(chart.getAttribute('aria-label')).toMatch(/Run 1: LSTM, long-range, hidden 16: loss went from 0\.700 at step 0 to 0\.200 at step 50; accuracy on held-out examples 92\.0% at step 50\.$/);
    const losses = chart.querySelectorAll('path.train-loss');
    expect(Array.from(losses, (p) => p.getAttribute('data-run'))).toEqual(['1', '2']);
    // Told apart without colour: a different dash, and a different marker on each held-out point.
    expect(losses[0].getAttribute('stroke-dasharray')).not.toBe(losses[1].getAttribute('stroke-dasharray'));
    const markers = (id: string) => Array.from(chart.querySelectorAll(`g.train-accuracy-run[data-run="${id}"] path.train-marker`), (p) => p.getAttribute('d'));
    expect(new Set(markers('1')).size).toBe(1);
    expect(markers('1')).toHaveLength(2);
    expect(markers('1')[0]).not.toBe(markers('2')[0]);

    const details = within(panel).getByText('Show every run’s curve as a table').closest('details')!;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    const table = within(panel).getByRole('table', { name: 'Every run’s loss and accuracy by step' });
    expect(Array.from(table.querySelectorAll('tbody tr'), (r) => Array.from(r.children, (c) => c.textContent))).toEqual([
      ['Run 1: LSTM, long-range, hidden 16', '0', '0.7000', '–', '50.0%'],
      ['Run 1: LSTM, long-range, hidden 16', '50', '0.2000', '50.0%', '92.0%'],
      ['Run 2: RNN, long-range, hidden 16', '0', '0.6900', '–', '50.0%'],
      ['Run 2: RNN, long-range, hidden 16', '40', '0.6800', '50.0%', '51.0%'],
    ]);

    expect(isOff('Clear curves')).toBe(false);
    fireEvent.click(button('Clear curves'));
    expect(within(panel).queryByRole('list', { name: 'Runs on the chart' })).toBeNull();
    expect(within(panel).queryByRole('list', { name: 'Earlier runs' })).toBeNull();
    expect(within(panel).getByRole('img', { name: 'Training curve: no training yet.' })).toBeTruthy();
    expect(isOff('Clear curves')).toBe(true);
  });
});
