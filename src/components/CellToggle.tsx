/** RNN / LSTM / GRU on the same sentence: a native radio group, so arrow keys move between cells. */

import { useId } from 'react';
import { CELL_KINDS, type CellKind } from '../engine';
import { useVis, useVisStore } from '../state/context';
import { CELL_LABEL } from '../state/store';

export function CellToggle() {
  const cell = useVis((s) => s.cell);
  const store = useVisStore();
  const labelId = useId();
  const name = useId();
  return (
    <div role="radiogroup" aria-labelledby={labelId} className="segmented">
      <span id={labelId} className="segmented-label">
        Cell
      </span>
      {CELL_KINDS.map((c: CellKind) => (
        <label key={c} className={c === cell ? 'on' : undefined}>
          <input type="radio" name={name} value={c} checked={c === cell} onChange={() => store.getState().setCell(c)} />
          {CELL_LABEL[c]}
        </label>
      ))}
    </div>
  );
}
