/**
 * The first screen: the RNN's, LSTM's and GRU's gradient over the sentence on one log axis, relative
 * to the last token, in a setting the page names (as training starts / after training), with one
 * sentence of what to notice and a table of the values at the first word that the sentence is made
 * from. Reads only the story slice: a step, a hover or a knob never re-renders it.
 */
import { useMemo } from 'react';
import { gradientSeries } from '../charts/GradientChart';
import { NormChart } from '../charts/NormChart';
import { CELL_LABEL } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { decade, storySentence, type StoryRun, type StoryView } from '../state/store';
import './story.css';

const VIEWS: { view: StoryView; label: string }[] = [
  { view: 'start', label: 'As training starts' },
  { view: 'trained', label: 'After training' },
];

/** The value as the table prints it (and the browser test reads it back): 4.21e-8. */
export function storyNumber(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2).replace('e+', 'e') : String(x);
}

function FirstWordTable({ run }: { run: StoryRun }) {
  const rows = run.curves.flatMap((c) => {
    const out = [{ key: `${c.cell}-h`, label: `${CELL_LABEL[c.cell]} ||dL/dh||`, value: c.dh[0] }];
    if (c.dc) out.push({ key: `${c.cell}-c`, label: `${CELL_LABEL[c.cell]} ||dL/dc||`, value: c.dc[0] });
    return out;
  });
  return (
    <table className="story-table" data-testid="story-table">
      <caption>At the first word, relative to ||dL/dh|| at the last token</caption>
      <thead>
        <tr>
          <th scope="col">line</th>
          <th scope="col">value</th>
          <th scope="col">about</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <th scope="row">{r.label}</th>
            <td className="story-value">{storyNumber(r.value)}</td>
            <td>{decade(r.value) === null ? '—' : `10^${decade(r.value)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Story() {
  const story = useVis((s) => s.story);
  const view = useVis((s) => s.storyView);
  const store = useVisStore();
  const run = story[view];
  const cells = useMemo(() => run.curves.map((c) => ({ cell: c.cell, dhNorm: c.dh, dcNorm: c.dc })), [run]);
  const series = useMemo(() => gradientSeries(cells), [cells]);
  const sentence = storySentence(run);
  return (
    <section className="story" aria-labelledby="story-heading">
      <div className="story-head">
        <h2 id="story-heading">How far back does the gradient reach?</h2>
        <div className="story-views" role="radiogroup" aria-label="Weights">
          {VIEWS.map((v) => (
            <label key={v.view}>
              <input type="radio" name="story-view" checked={view === v.view} onChange={() => store.getState().setStoryView(v.view)} />
              {v.label}
            </label>
          ))}
        </div>
      </div>
      <p className="story-setting">{run.setting}</p>
      <p className="story-notice" data-testid="story-notice" aria-live="polite">
        {sentence}
      </p>
      {run.curves.length > 0 ? (
        <div className="story-body">
          <div className="story-chart">
            <NormChart
              title="Gradient reaching each token, relative to the last token"
              yLabel="gradient / gradient at the last token (log scale)"
              tokens={run.tokens}
              padded={run.padded}
              series={series}
              step={run.tokens.length}
              height={190}
              tableSummary="Every value, token by token (table)"
            />
          </div>
          <FirstWordTable run={run} />
        </div>
      ) : null}
    </section>
  );
}
