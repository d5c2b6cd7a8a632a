/**
 * The head's probabilities after each prefix: one line per label, so a student sees the prediction
 * turn at "not" or "but". A table gives the same numbers to screen readers.
 */

import { memo, useMemo } from 'react';
import { LineChart, type LineSeries } from '../charts/LineChart';
import { LABEL_DASHES, labelColor } from '../charts/theme';
import { tokenLabel } from '../charts/tokenLabel';
import { useWidth } from '../charts/useWidth';
import type { ForwardTrace } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { useOnScreen, useVisibleValue } from './useOnScreen';
import { percentText, predictedAt, tokenText } from '../state/selectors';
import { Panel } from './Panel';
import { SeriesLegend } from '../charts/SeriesLegend';
import { ValuesTable } from '../charts/ValuesTable';

/**
 * The steps where the prediction turns, in words: "after 'not' (step 4) it turns negative". A turn
 * counts only once the new label is clearly ahead (60% for two labels), so a line wobbling around
 * 50% is not read out as a string of flips.
 */
export function turningPoints(trace: ForwardTrace, tokens: readonly string[], labels: readonly string[]): string {
  const K = trace.K;
  if (!trace.probsPerStep.every(Number.isFinite)) return 'The model\'s numbers overflowed, so at some steps it has no prediction to show.';
  const clear = Math.max(0.5, 1 / K + 0.1);
  const name = (k: number) => labels[k] ?? `class ${k}`;
  let current = predictedAt(trace, 0);
  const turns: string[] = [];
  for (let t = 1; t < trace.T; t++) {
    const k = predictedAt(trace, t);
    if (k !== current && trace.probsPerStep[t * K + k] >= clear) {
      turns.push(`after ${tokenText(tokens[t])} (step ${t + 1}) it turns ${name(k)}`);
      current = k;
    }
  }
  const first = `The prediction starts as ${name(predictedAt(trace, 0))}`;
  return turns.length === 0 ? `${first} and never clearly changes.` : `${first}; ${turns.join('; ')}.`;
}

const GENERIC_NOTICE = "Each point is the model's answer if the input stopped at that token. Look for the tokens where a line jumps: those are the ones the model has learned to care about.";

/** Task-specific hints for the shipped tasks; any other model gets the generic one. */
const TASK_NOTICE: Record<string, string> = {
  sentiment:
    "The line is the model's answer if the sentence stopped at that word. Look for the word where it jumps: a trained LSTM flips at “not” and again at “but”.",
  'long-range':
    'The first tokens decide the label; everything after is a distraction. A trained LSTM or GRU holds its answer to the end, while the plain RNN drifts back towards a guess.',
  brackets: 'One line per nesting depth. Each “(” should hand the lead to the next depth up and each “)” back down: the model is counting.',
};

export function PredictionTrack() {
  // Out of view (a student at the knobs), the chart follows after the frame.
  const [screenRef, onScreen] = useOnScreen<HTMLDivElement>();
  const trace = useVisibleValue(useVis((s) => s.trace), onScreen);
  const tokens = useVisibleValue(useVis((s) => s.tokens), onScreen);
  const padded = useVisibleValue(useVis((s) => s.padded), onScreen);
  const labels = useVisibleValue(useVis((s) => s.modelInfo.labels), onScreen);
  const step = useVisibleValue(useVis((s) => s.step), onScreen);
  const task = useVis((s) => s.modelInfo.task);
  const trained = useVis((s) => s.modelInfo.trained);
  return (
    <Panel id="prediction" notice={trained ? (TASK_NOTICE[task] ?? GENERIC_NOTICE) : `${GENERIC_NOTICE} With random weights the jumps mean nothing yet.`}>
      <div ref={screenRef}>
        <PredictionBody trace={trace} tokens={tokens} padded={padded} labels={labels} step={step} />
      </div>
    </Panel>
  );
}

/** The chart, its summary and its table; memoised, so the urgent render of an update out of view stops above it. */
const PredictionBody = memo(function PredictionBody({ trace, tokens, padded, labels, step }: { trace: ForwardTrace; tokens: string[]; padded: boolean[]; labels: string[]; step: number }) {
  const store = useVisStore();
  const [ref, width] = useWidth<HTMLDivElement>(480);

  const series: LineSeries[] = useMemo(() => {
    const K = trace.K;
    return Array.from({ length: K }, (_, k) => ({
      key: String(k),
      label: labels[k] ?? `class ${k}`,
      values: Array.from({ length: trace.T }, (_, t) => trace.probsPerStep[t * K + k]),
      color: labelColor(k),
      dash: LABEL_DASHES[k % LABEL_DASHES.length],
    }));
  }, [trace, labels]);
  const turns = useMemo(() => turningPoints(trace, tokens, labels), [trace, tokens, labels]);

  return (
    <div ref={ref} className="chart-box">
      <SeriesLegend label="Labels" items={series} />
      <LineChart
        label={`Probability of each label after each token. ${turns}`}
        tokens={tokens}
        padded={padded}
        series={series}
        step={step}
        width={width}
        yLabel="probability"
        onSelectStep={(t) => store.getState().setStep(t)}
      />
      <p className="chart-summary">{turns}</p>
      <ProbabilityTable trace={trace} tokens={tokens} labels={labels} step={step} />
    </div>
  );
});

function ProbabilityTable({ trace, tokens, labels, step }: { trace: ForwardTrace; tokens: readonly string[]; labels: readonly string[]; step: number }) {
  const K = trace.K;
  return (
    <ValuesTable
      summary="Show probabilities as a table"
      caption="Prediction after each token"
      rows={() => (
        <>
          <thead>
            <tr>
              <th scope="col">step</th>
              <th scope="col">token</th>
              {Array.from({ length: K }, (_, k) => (
                <th key={k} scope="col">
                  {labels[k] ?? `class ${k}`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tokens.map((tok, t) => (
              <tr key={t} className={t === step ? 'selected' : undefined} aria-current={t === step ? 'step' : undefined}>
                <td>{t + 1}</td>
                <th scope="row" dir="auto">{tokenLabel(tok)}</th>
                {Array.from({ length: K }, (_, k) => (
                  <td key={k}>{percentText(trace.probsPerStep[t * K + k], 1)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </>
      )}
    />
  );
}
