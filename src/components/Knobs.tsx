/**
 * Knobs that provoke the vanishing gradient: scale the recurrent weights, bias the LSTM's forget
 * gate, pad the sentence. Every move recomputes the whole view (store action setKnob).
 */
import { useId } from 'react';
import { CELLS } from '../engine';
import { CELL_KINDS, CELL_LABEL, type CellKind } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { LIMITS } from '../state/store';
import { Panel } from './Panel';
import './panels.css';

/** Recurrent-scale positions: dense around 1, where the behaviour changes, sparse at the ends. */
export const SCALE_STEPS = [0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.5, 1.75, 2, 2.5, 3];

/** Index of the step closest to v on a log scale. */
export function nearestScaleIndex(v: number): number {
  let best = 0;
  for (let k = 1; k < SCALE_STEPS.length; k++) {
    if (Math.abs(Math.log(SCALE_STEPS[k] / v)) < Math.abs(Math.log(SCALE_STEPS[best] / v))) best = k;
  }
  return best;
}

const BIAS = { min: -5, max: 5, step: 0.5 };

const hasForgetGate = (cell: CellKind) => CELLS[cell].forgetGateBlock !== null;

/** The cells with a forget gate, by name ("LSTM"), for the disabled knob's note. */
const FORGET_GATE_KINDS = CELL_KINDS.filter(hasForgetGate);
const FORGET_GATE_CELLS = FORGET_GATE_KINDS.map((c) => CELL_LABEL[c]).join(' and ');
const FORGET_GATE_VERB = FORGET_GATE_KINDS.length > 1 ? 'have' : 'has';

const NOTICE =
  'Push the recurrent weight scale below 1 or pad the sentence and watch the RNN\u2019s gradient at the first tokens collapse; raise the LSTM\u2019s forget-gate bias and its cell line keeps the gradient alive.';

export function Knobs() {
  const store = useVisStore();
  const cell = useVis((s) => s.cell);
  const compare = useVis((s) => s.compare);
  const recurrentScale = useVis((s) => s.recurrentScale);
  const forgetBias = useVis((s) => s.forgetBias);
  const padTo = useVis((s) => s.padTo);
  const realTokens = useVis((s) => s.padded.filter((p) => !p).length);
  const { setKnob } = store.getState();
  const ids = { scale: useId(), bias: useId(), pad: useId(), biasNote: useId() };
  const scaleIndex = nearestScaleIndex(recurrentScale > 0 ? recurrentScale : SCALE_STEPS[0]);
  // In compare mode every cell, the LSTM too, is on screen whatever the selected cell, so the knob stays useful.
  const biasEnabled = hasForgetGate(cell) || compare;
  const padMax = LIMITS.padTo.max;
  const scaleText = `${recurrentScale.toFixed(2)}×`;
  const biasText = forgetBias > 0 ? `+${forgetBias.toFixed(1)}` : forgetBias.toFixed(1);
  const padText = padTo === 0 ? 'off' : `${padTo} tokens`;

  return (
    <Panel id="knobs" notice={NOTICE} className="knobs">
      <div className="knob">
        <label htmlFor={ids.scale}>Recurrent weight scale</label>
        <input id={ids.scale} type="range" min={0} max={SCALE_STEPS.length - 1} step={1} value={scaleIndex}
          aria-valuetext={scaleText}
          onChange={(e) => setKnob('recurrentScale', SCALE_STEPS[e.currentTarget.valueAsNumber] ?? 1)} />
        <output htmlFor={ids.scale}>{scaleText}</output>
        <p className="knob-help">Multiplies W_hh. Below 1 every step shrinks the state and the gradient; above 1 they can grow.</p>
      </div>
      <div className="knob">
        <label htmlFor={ids.bias}>Forget-gate bias</label>
        <input id={ids.bias} type="range" min={BIAS.min} max={BIAS.max} step={BIAS.step} value={forgetBias}
          disabled={!biasEnabled} aria-describedby={ids.biasNote} aria-valuetext={biasText}
          onChange={(e) => setKnob('forgetBias', e.currentTarget.valueAsNumber)} />
        <output htmlFor={ids.bias}>{biasText}</output>
        <p className="knob-help" id={ids.biasNote}>
          {biasEnabled
            ? 'Added to the LSTM forget gate\u2019s bias. Positive values push f toward 1: the cell keeps its memory, and its gradient, for longer.'
            : `Only the ${FORGET_GATE_CELLS} ${FORGET_GATE_VERB} a forget gate: switch the cell to ${FORGET_GATE_CELLS} (or compare all three) to use this knob.`}
        </p>
      </div>
      <div className="knob">
        <label htmlFor={ids.pad}>Pad sentence to</label>
        <input id={ids.pad} type="range" min={0} max={padMax} step={1} value={Math.min(padTo, padMax)}
          aria-valuetext={padText}
          onChange={(e) => setKnob('padTo', e.currentTarget.valueAsNumber)} />
        <output htmlFor={ids.pad}>{padText}</output>
        <p className="knob-help">
          Appends filler tokens after the {realTokens}-token sentence, so the gradient from the last token has further to travel.
        </p>
      </div>
      <button type="button" onClick={() => {
        setKnob('recurrentScale', 1);
        setKnob('forgetBias', 0);
        setKnob('padTo', 0);
      }}>
        Reset knobs
      </button>
    </Panel>
  );
}
