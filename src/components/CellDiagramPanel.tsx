/**
 * The cell diagram panel: slices the current step out of the forward trace and hands it to the
 * props-only CellDiagram, plus a keyboard route to choosing the unit the numbers are shown for.
 */
import { memo, useMemo } from 'react';
import { CellDiagram as CellDiagramChart, type CellStepValues } from '../charts/CellDiagram';
import { CELL_VIEWS } from '../charts/cellViews';
import { GATE_NAMES, type ForwardTrace } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { useOnScreen, useVisibleValue } from './useOnScreen';
import { Panel } from './Panel';
import './panels.css';

// Memoised: while the diagram is out of view, the urgent render of a knob move stops here.
const CellDiagram = memo(CellDiagramChart);

/** The values of step t (h_{t-1} and c_{t-1} are zeros at t = 0), each H long. */
export function stepValues(trace: ForwardTrace, t: number): CellStepValues {
  const { H, cell } = trace;
  const names = GATE_NAMES[cell];
  const G = names.length;
  const zeros = new Float64Array(H);
  const row = (a: Float64Array, s: number) => a.subarray(s * H, (s + 1) * H);
  const gates: Record<string, Float64Array> = {};
  names.forEach((name, b) => {
    gates[name] = trace.gates.subarray(t * G * H + b * H, t * G * H + (b + 1) * H);
  });
  return {
    cell,
    H,
    hPrev: t > 0 ? row(trace.h, t - 1) : zeros,
    h: row(trace.h, t),
    cPrev: trace.c ? (t > 0 ? row(trace.c, t - 1) : zeros) : null,
    c: trace.c ? row(trace.c, t) : null,
    gates,
  };
}

export function CellDiagramPanel() {
  const store = useVisStore();
  // Out of view (a student at the knobs), the diagram follows after the frame; the unit box does not.
  const [screenRef, onScreen] = useOnScreen<HTMLDivElement>();
  const trace = useVisibleValue(useVis((s) => s.trace), onScreen);
  const step = useVisibleValue(useVis((s) => s.step), onScreen);
  const liveUnit = useVis((s) => s.unit);
  const unit = useVisibleValue(liveUnit, onScreen);
  const tokens = useVisibleValue(useVis((s) => s.tokens), onScreen);
  const H = useVis((s) => s.trace.H);
  const { setUnit } = store.getState();
  const t = Math.min(step, trace.T - 1);
  const values = useMemo(() => stepValues(trace, Math.max(0, t)), [trace, t]);

  return (
    <Panel id="diagram" notice={CELL_VIEWS[trace.cell].notice.diagram} className="cell-diagram-panel">
      <div className="diagram-unit">
        <label>
          Unit shown{' '}
          <input type="number" min={0} max={H - 1} step={1} value={liveUnit}
            onChange={(e) => {
              const v = e.currentTarget.valueAsNumber;
              if (Number.isFinite(v)) setUnit(v);
            }} />
        </label>{' '}
        <span className="muted">of {H} (click a square in any strip to choose another)</span>
      </div>
      <div ref={screenRef}>
        <CellDiagram values={values} unit={unit} step={t} token={tokens[t] ?? ''} onSelectUnit={setUnit} />
      </div>
    </Panel>
  );
}
