/**
 * Train a model live: choose a task, a cell and a few settings, then Start, Pause, Resume or Reset.
 * Training runs in a Web Worker (src/state/training.ts); the curve and the held-out accuracy update
 * as it goes, and the rest of the page shows the current weights. The trained model can be saved as
 * a model file.
 */

import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { TrainCurve, TrainCurveLegend, type CurveRun } from '../charts/TrainCurve';
import { useWidth } from '../charts/useWidth';
import { CELL_KINDS, type CellKind } from '../engine';
import { RECIPES } from '../engine';
import type { TaskId } from '../engine';
import { useVisStore } from '../state/context';
import { CELL_LABEL } from '../state/store';
import { TRAIN_LIMITS, TRAIN_TASKS, type TrainConfig } from '../state/trainProtocol';
import { createTrainingClient, type EvalPoint, type PastRun, type TrainPoint, type TrainingClientOptions, type TrainingState } from '../state/training';
import { Panel } from './Panel';
import './train.css';

/** What the panel says about each task; `classes` gives the chance level. */
const TASK_INFO: Record<TaskId, { title: string; classes: number; hint: string }> = {
  sentiment: {
    title: 'Sentiment',
    classes: 2,
    hint: 'Word by word: is a review sentence with "not" and "but" positive or negative?',
  },
  'long-range': {
    title: 'Long-range memory',
    classes: 2,
    hint: 'Letter by letter: the first letter, a or b, decides the label; 10 to 60 distractor letters follow.',
  },
  brackets: {
    title: 'Bracket depth',
    classes: 5,
    hint: 'Character by character: the label is the nesting depth of brackets at the end of the text.',
  },
};

const HIDDEN_SIZES = [4, 8, 16, 32, 64, 128];
const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1];
const MAX_STEPS = 20_000;

const NOTICE =
  'Train the long-range task as an LSTM, then as an RNN, with the same settings: both curves stay on the chart until you clear them. The LSTM\u2019s accuracy on held-out examples climbs towards 100% within a minute; the RNN\u2019s stays near chance (50%), because its gradient fades before it reaches the first letter. The other panels show the weights as they are being trained.';

function defaultsFor(task: TaskId): { hidden: number; lr: number; steps: string } {
  const r = RECIPES[task];
  return { hidden: r.hiddenSize, lr: r.lr, steps: String(r.steps) };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A whole number in [min, max] from a text field, or a message naming the problem. */
function parseWhole(raw: string, name: string, min: number, max: number): { value: number } | { problem: string } {
  const t = raw.trim();
  if (!/^\d+$/.test(t)) return { problem: `${name}: enter a whole number from ${min} to ${max}.` };
  const n = Number(t);
  if (n < min || n > max) return { problem: `${name}: ${n} is outside ${min} to ${max}.` };
  return { value: n };
}

/** What a run's last held-out accuracy means, in a sentence a student can act on. */
function verdictFor(config: TrainConfig, evals: readonly { accuracy: number }[], where: string, chance: number): string | null {
  const last = evals[evals.length - 1];
  if (!last) return null;
  const cell = CELL_LABEL[config.cell];
  if (last.accuracy >= 0.9) return `${cell} ${where}: ${pct(last.accuracy)} on held-out examples. It has learned the task.`;
  if (last.accuracy <= chance + 0.1) {
    // Differs by kind on purpose: only the plain RNN's failure on the long-range task has this known cause.
    const why =
      config.task === 'long-range' && config.cell === 'rnn'
        ? ' The plain RNN\u2019s gradient vanishes long before it reaches the first letter, so it never learns which letter came first: see the Gradient flow panel.'
        : ' It has not learned the task (yet).';
    return `${cell} ${where}: ${pct(last.accuracy)} on held-out examples, about chance (${pct(chance)}).${why}`;
  }
  return `${cell} ${where}: ${pct(last.accuracy)} on held-out examples, better than chance (${pct(chance)}) but not there yet.`;
}

/** The current run's verdict, once it is paused or finished. */
function verdict(state: TrainingState, chance: number): string | null {
  if (!state.config || (state.status !== 'done' && state.status !== 'paused')) return null;
  const where = state.status === 'done' ? `after ${state.step} steps` : `so far (step ${state.step})`;
  return verdictFor(state.config, state.evals, where, chance);
}

/** An earlier run's verdict: how it ended and what its last held-out accuracy means. */
function pastVerdict(run: PastRun): string {
  const where = run.ended === 'done' ? `after ${run.step} steps` : run.ended === 'error' ? `when it failed at step ${run.step}` : `when stopped at step ${run.step}`;
  return verdictFor(run.config, run.evals, where, chanceOf(run.config.task)) ?? `${CELL_LABEL[run.config.cell]} ${where}: no measurement on held-out examples yet.`;
}

const chanceOf = (task: TaskId): number => 1 / TASK_INFO[task].classes;

/** "Run 2: RNN, long-range, hidden 16": what the legend and the table call a run. */
function runLabel(id: number, config: TrainConfig): string {
  return `Run ${id}: ${CELL_LABEL[config.cell]}, ${config.task}, hidden ${config.hidden}`;
}

/** Every run on the chart, oldest first: the earlier ones, then the current one once it has a point. */
function chartRuns(state: TrainingState): (CurveRun & { config: TrainConfig })[] {
  const runs = state.runs.map((r) => ({ id: r.id, label: runLabel(r.id, r.config), config: r.config, points: r.points, evals: r.evals }));
  if (state.config && state.points.length > 0) {
    runs.push({ id: state.runId, label: runLabel(state.runId, state.config), config: state.config, points: state.points, evals: state.evals });
  }
  return runs;
}

/** Announcement for screen readers when the run changes state (not on every step). */
function announcement(state: TrainingState): string {
  const last = state.evals[state.evals.length - 1];
  switch (state.status) {
    case 'preparing':
      return 'Preparing the training data.';
    case 'running':
      return 'Training.';
    case 'paused':
      return `Paused at step ${state.step}.`;
    case 'done':
      return `Training finished after ${state.step} steps. Accuracy on held-out examples ${last ? pct(last.accuracy) : 'not measured'}.`;
    case 'error':
      return '';
    default:
      return '';
  }
}

function saveFile(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled; the download keeps its own copy.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface TrainPanelProps {
  /** The training client's options; tests pass a fake worker. */
  options?: TrainingClientOptions;
}

export function TrainPanel({ options }: TrainPanelProps) {
  const vis = useVisStore();
  const [client] = useState(() => createTrainingClient(vis, options));
  // Closing the panel stops training; the client starts a fresh worker if it is used again.
  useEffect(() => () => client.dispose(), [client]);
  const state = useStore(client.store);

  const [task, setTask] = useState<TaskId>('long-range');
  const [cell, setCell] = useState<CellKind>('lstm');
  const [hidden, setHidden] = useState(RECIPES['long-range'].hiddenSize);
  const [lr, setLr] = useState(RECIPES['long-range'].lr);
  const [steps, setSteps] = useState(String(RECIPES['long-range'].steps));
  const [seed, setSeed] = useState('1');
  const ids = { task: useId(), cell: useId(), hidden: useId(), lr: useId(), steps: useId(), seed: useId(), problems: useId(), hint: useId() };
  const [ref, width] = useWidth<HTMLDivElement>(560);

  const stepsParsed = parseWhole(steps, 'Steps', 1, MAX_STEPS);
  const seedParsed = parseWhole(seed, 'Seed', TRAIN_LIMITS.seed.min, TRAIN_LIMITS.seed.max);
  const problems = [stepsParsed, seedParsed].flatMap((p) => ('problem' in p ? [p.problem] : []));
  const busy = state.status === 'preparing' || state.status === 'running' || state.status === 'paused';
  const canStart = !busy && problems.length === 0;
  const chance = 1 / TASK_INFO[state.config?.task ?? task].classes;
  const lastEval = state.evals[state.evals.length - 1];
  const hiddenChoices = HIDDEN_SIZES.includes(hidden) ? HIDDEN_SIZES : [...HIDDEN_SIZES, hidden].sort((a, b) => a - b);

  const start = () => {
    if (!canStart || !('value' in stepsParsed) || !('value' in seedParsed)) return;
    const config: TrainConfig = { task, cell, hidden, lr, steps: stepsParsed.value, seed: seedParsed.value };
    client.start(config);
  };

  const download = () => {
    const file = client.modelFile();
    const cfg = state.config;
    if (!file || !cfg) return;
    saveFile(`gatescope-${cfg.task}-${cfg.cell}-step-${state.weightsStep ?? 0}.json`, `${JSON.stringify(file)}\n`);
  };

  const curveLabel = useMemo(() => curveSummary(state), [state]);
  const runs = useMemo(() => chartRuns(state), [state]);
  const chances = runs.length > 0 ? runs.map((r) => chanceOf(r.config.task)) : [chance];
  const axisSteps = Math.max(state.totalSteps || 1, ...state.runs.map((r) => r.config.steps));

  return (
    <Panel id="train" notice={NOTICE} className="panel-wide train-panel">
      <div className="train-layout">
        <div className="train-setup">
          <fieldset className="train-fields" disabled={busy}>
            <legend>Model to train</legend>
            <div className="train-field">
              <label htmlFor={ids.task}>Task</label>
              <select
                id={ids.task}
                value={task}
                aria-describedby={ids.hint}
                onChange={(e) => {
                  const next = e.currentTarget.value as TaskId;
                  setTask(next);
                  const d = defaultsFor(next);
                  setHidden(d.hidden);
                  setLr(d.lr);
                  setSteps(d.steps);
                }}
              >
                {TRAIN_TASKS.map((t) => (
                  <option key={t} value={t}>
                    {TASK_INFO[t].title}
                  </option>
                ))}
              </select>
            </div>
            <p id={ids.hint} className="hint train-hint">
              {TASK_INFO[task].hint}
            </p>
            <div className="train-field">
              <label htmlFor={ids.cell}>Cell</label>
              <select id={ids.cell} value={cell} onChange={(e) => setCell(e.currentTarget.value as CellKind)}>
                {CELL_KINDS.map((c) => (
                  <option key={c} value={c}>
                    {CELL_LABEL[c]}
                  </option>
                ))}
              </select>
            </div>
            <div className="train-field">
              <label htmlFor={ids.hidden}>Hidden size</label>
              <select id={ids.hidden} value={hidden} onChange={(e) => setHidden(Number(e.currentTarget.value))}>
                {hiddenChoices.map((h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
              </select>
            </div>
            <div className="train-field">
              <label htmlFor={ids.lr}>Learning rate</label>
              <select id={ids.lr} value={lr} onChange={(e) => setLr(Number(e.currentTarget.value))}>
                {LEARNING_RATES.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <div className="train-field">
              <label htmlFor={ids.steps}>Steps</label>
              <input
                id={ids.steps}
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_STEPS}
                step={50}
                value={steps}
                aria-invalid={'problem' in stepsParsed ? true : undefined}
                aria-describedby={problems.length > 0 ? ids.problems : undefined}
                onChange={(e) => setSteps(e.currentTarget.value)}
              />
            </div>
            <div className="train-field">
              <label htmlFor={ids.seed}>Seed</label>
              <input
                id={ids.seed}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                value={seed}
                aria-invalid={'problem' in seedParsed ? true : undefined}
                aria-describedby={problems.length > 0 ? ids.problems : undefined}
                onChange={(e) => setSeed(e.currentTarget.value)}
              />
            </div>
          </fieldset>
          {problems.length > 0 ? (
            <p id={ids.problems} className="train-problem">
              {problems.join(' ')}
            </p>
          ) : null}
          <p className="hint">Batch size, embedding size and clipping follow the shipped models&rsquo; recipe for the task; the learning rate follows a cosine schedule down to a tenth.</p>
          <div className="train-buttons">
            <ActionButton primary enabled={canStart} onClick={start}>
              Start
            </ActionButton>
            <ActionButton enabled={state.status === 'running'} onClick={() => client.pause()}>
              Pause
            </ActionButton>
            <ActionButton enabled={state.status === 'paused'} onClick={() => client.resume()}>
              Resume
            </ActionButton>
            <ActionButton enabled={state.status !== 'idle'} onClick={() => client.reset()}>
              Reset
            </ActionButton>
            <ActionButton enabled={state.weightsStep !== null} onClick={download}>
              Download model
            </ActionButton>
            <ActionButton enabled={state.runs.length > 0 || (!busy && state.points.length > 0)} onClick={() => client.clearCurves()}>
              Clear curves
            </ActionButton>
          </div>
          {state.error !== null ? (
            <div role="alert" className="train-error">
              <p>{state.error}</p>
              <p>The rest of the page still works; press Reset to start again.</p>
            </div>
          ) : null}
          <p className="visually-hidden" role="status">
            {announcement(state)}
          </p>
        </div>
        <div className="train-results" ref={ref}>
          <dl className="train-numbers">
            <div className="train-accuracy">
              <dt>Accuracy on held-out examples</dt>
              <dd>{lastEval ? pct(lastEval.accuracy) : '\u2013'}</dd>
            </div>
            <div>
              <dt>Step</dt>
              <dd>
                {state.step} of {state.totalSteps || (('value' in stepsParsed && stepsParsed.value) || 0)}
              </dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>{seconds(state.elapsedMs)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{statusText(state)}</dd>
            </div>
          </dl>
          <p className="hint">
            Held-out examples: {state.heldOutSize || 500} texts the model never trains on; guessing scores {pct(chance)}.
          </p>
          {verdict(state, chance) ? <p className="train-verdict">{verdict(state, chance)}</p> : null}
          {state.runs.length > 0 ? (
            <ul className="train-past" aria-label="Earlier runs">
              {state.runs.map((r) => (
                <li key={r.id}>
                  <span className="train-past-name">{runLabel(r.id, r.config)}.</span> {pastVerdict(r)}
                </li>
              ))}
            </ul>
          ) : null}
          <TrainCurveLegend runs={runs} />
          <TrainCurve label={curveLabel} runs={runs} totalSteps={axisSteps} chance={chances} width={Math.max(200, width)} />
          <ProgressTable state={state} />
          <RunsTable runs={runs} />
        </div>
      </div>
    </Panel>
  );
}

function statusText(state: TrainingState): string {
  switch (state.status) {
    case 'idle':
      return 'not started';
    case 'preparing':
      return 'generating data';
    case 'running':
      return state.config ? `training ${CELL_LABEL[state.config.cell]}` : 'training';
    case 'paused':
      return 'paused';
    case 'done':
      return 'finished';
    default:
      return 'stopped by an error';
  }
}

/** One run's curve in words: where its loss went and its last held-out accuracy. */
function runSummary(points: readonly TrainPoint[], evals: readonly EvalPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  const ev = evals[evals.length - 1];
  return (
    `loss went from ${first.loss.toFixed(3)} at step ${first.step} to ${last.loss.toFixed(3)} at step ${last.step}` +
    (ev ? `; accuracy on held-out examples ${pct(ev.accuracy)} at step ${ev.step}.` : '.')
  );
}

function curveSummary(state: TrainingState): string {
  const earlier = state.runs.filter((r) => r.points.length > 0).map((r) => ` ${runLabel(r.id, r.config)}: ${runSummary(r.points, r.evals)}`);
  if (state.points.length === 0) return `Training curve: no training yet${earlier.length > 0 ? ' in this run.' : '.'}${earlier.join('')}`;
  return `Training curve: ${runSummary(state.points, state.evals)}${earlier.join('')}`;
}

/** Every curve point as a row; rendered only while open, since it grows with every point. */
function ProgressTable({ state }: { state: TrainingState }) {
  const [open, setOpen] = useState(false);
  const heldOut = useMemo(() => new Map(state.evals.map((e) => [e.step, e.accuracy])), [state.evals]);
  return (
    <details className="values" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Show training progress as a table</summary>
      {open ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Progress by step">
          <p className="hint">Each row averages the training batches since the row before; step 0 is the untrained model, measured on the held-out examples.</p>
          <table>
            <caption>Training progress</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Loss</th>
                <th scope="col">Batch accuracy</th>
                <th scope="col">Held-out accuracy</th>
              </tr>
            </thead>
            <tbody>
              {state.points.map((p) => (
                <tr key={p.step}>
                  <th scope="row">{p.step}</th>
                  <td>{p.loss.toFixed(4)}</td>
                  <td>{p.step === 0 ? '\u2013' : pct(p.accuracy)}</td>
                  <td>{heldOut.has(p.step) ? pct(heldOut.get(p.step) ?? 0) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}

/** Every run's curve as rows, run by run; rendered only while open. */
function RunsTable({ runs }: { runs: readonly (CurveRun & { config: TrainConfig })[] }) {
  const [open, setOpen] = useState(false);
  if (runs.length === 0) return null;
  return (
    <details className="values" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Show every run&rsquo;s curve as a table</summary>
      {open ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Every run by step">
          <table>
            <caption>Every run&rsquo;s loss and accuracy by step</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Step</th>
                <th scope="col">Loss</th>
                <th scope="col">Batch accuracy</th>
                <th scope="col">Held-out accuracy</th>
              </tr>
            </thead>
            {runs.map((r) => {
              const heldOut = new Map(r.evals.map((e) => [e.step, e.accuracy]));
              return (
                <tbody key={r.id} data-run={r.id}>
                  {r.points.map((p) => (
                    <tr key={p.step}>
                      <th scope="row">{r.label}</th>
                      <td>{p.step}</td>
                      <td>{p.loss.toFixed(4)}</td>
                      <td>{p.step === 0 ? '\u2013' : pct(p.accuracy)}</td>
                      <td>{heldOut.has(p.step) ? pct(heldOut.get(p.step) ?? 0) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
        </div>
      ) : null}
    </details>
  );
}

/** A button that stays focusable when unavailable (aria-disabled), so keyboard focus is not lost when it turns off. */
function ActionButton({ enabled, onClick, primary, children }: { enabled: boolean; onClick: () => void; primary?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      className={primary ? 'primary' : undefined}
      aria-disabled={enabled ? undefined : true}
      onClick={() => {
        if (enabled) onClick();
      }}
    >
      {children}
    </button>
  );
}
