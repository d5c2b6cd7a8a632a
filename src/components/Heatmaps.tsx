/**
 * Heatmaps over time for h, c and every gate of the current cell: rows are units, columns tokens.
 * Hovering shows the exact value; clicking selects that unit everywhere and jumps to that step.
 */

import { memo, useCallback, useId, useMemo } from 'react';
import { Heatmap, type HeatCell } from '../charts/Heatmap';
import { CELL_VIEWS } from '../charts/cellViews';
import { useWidth } from '../charts/useWidth';
import type { ForwardTrace } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { seriesOf, type SeriesRef } from '../state/selectors';
import { Panel } from './Panel';
import { useOnScreen, useVisibleValue } from './useOnScreen';

// Memoised: a region whose plot is out of view re-renders on a knob move, its map does not.
const MemoHeatmap = memo(Heatmap);

function sourceOf(trace: ForwardTrace, ref: SeriesRef): Float64Array {
  if (ref.source === 'h') return trace.h;
  if (ref.source === 'c') return trace.c ?? new Float64Array(trace.T * trace.H);
  return trace.gates;
}

/** Fixed domains so colours mean the same at every step; the cell state grows past 1, so its range follows the data. */
function domainOf(trace: ForwardTrace, ref: SeriesRef): readonly [number, number] {
  if (ref.kind === 'sequential') return [0, 1];
  if (ref.source !== 'c' || !trace.c) return [-1, 1];
  let m = 1;
  for (const v of trace.c) if (Math.abs(v) > m) m = Math.abs(v);
  const r = Math.ceil(m * 2) / 2;
  return [-r, r];
}

export function Heatmaps() {
  const trace = useVis((s) => s.trace);
  const unit = useVis((s) => s.unit);
  const store = useVisStore();
  const series = useMemo(() => seriesOf(trace.cell, trace.H), [trace.cell, trace.H]);
  return (
    <Panel
      id="heatmaps"
      className="panel-wide"
      notice={CELL_VIEWS[trace.cell].notice.heatmaps}
      actions={
        <label className="inline-field">
          Selected unit
          <input
            type="number"
            min={0}
            max={trace.H - 1}
            step={1}
            value={unit}
            onChange={(e) => {
              const v = e.currentTarget.valueAsNumber;
              if (Number.isFinite(v)) store.getState().setUnit(v);
            }}
          />
        </label>
      }
    >
      <div className="heatmap-grid">
        {series.map((ref) => (
          <HeatmapRegion key={ref.key} refSeries={ref} trace={trace} />
        ))}
      </div>
    </Panel>
  );
}

/**
 * One region per map; it alone subscribes to hover, step and unit so a hover re-renders only the
 * overlays. Memoised: while the maps are out of view, a knob move's urgent render stops here.
 */
const HeatmapRegion = memo(function HeatmapRegion({ refSeries, trace: liveTrace }: { refSeries: SeriesRef; trace: ForwardTrace }) {
  // Each map watches its own plot: one out of view, or under the sticky bar with only its legend
  // showing, follows after the frame and leaves its canvas unpainted.
  const [plotRef, onScreen] = useOnScreen<HTMLDivElement>();
  const trace = useVisibleValue(liveTrace, onScreen);
  const tokens = useVisibleValue(useVis((s) => s.tokens), onScreen);
  const padded = useVisibleValue(useVis((s) => s.padded), onScreen);
  const step = useVisibleValue(useVis((s) => s.step), onScreen);
  const unit = useVisibleValue(useVis((s) => s.unit), onScreen);
  const hover = useVisibleValue(useVis((s) => s.hover), onScreen);
  const store = useVisStore();
  const [ref, width] = useWidth<HTMLElement>(320);
  const values = sourceOf(trace, refSeries);
  const domain = useMemo(() => domainOf(trace, refSeries), [trace, refSeries]);
  const headingId = useId();
  const onHover = useCallback((cell: HeatCell | null) => store.getState().setHover(cell), [store]);
  const onSelect = useCallback(
    (cell: HeatCell) => {
      store.getState().setUnit(cell.unit);
      store.getState().setStep(cell.step);
    },
    [store],
  );
  return (
    <section ref={ref} className="heatmap-region" aria-labelledby={headingId}>
      <h3 id={headingId}>{refSeries.name}</h3>
      <MemoHeatmap
        name={refSeries.name}
        values={values}
        T={trace.T}
        H={trace.H}
        offset={refSeries.offset}
        stride={refSeries.stride}
        kind={refSeries.kind}
        domain={domain}
        tokens={tokens}
        padded={padded}
        step={step}
        unit={unit}
        hover={hover}
        width={width}
        shown={onScreen}
        plotRef={plotRef}
        onHover={onHover}
        onSelect={onSelect}
      />
    </section>
  );
});
