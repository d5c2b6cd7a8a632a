/** Chooses the task; the cell toggle then picks that task's RNN, LSTM or GRU. Says plainly when weights are random. */

import { useId } from 'react';
import { useVis, useVisShallow, useVisStore } from '../state/context';
import { RANDOM_TASK, USER_TASK, isModelPath } from '../state/models';

export function ModelPicker() {
  const model = useVis((s) => s.model);
  const tasks = useVisShallow((s) => s.library.tasks);
  const status = useVis((s) => s.library.status);
  const info = useVis((s) => s.modelInfo);
  const store = useVisStore();
  const id = useId();
  const statusId = useId();
  // The chosen task stays listed even before the catalogue loads, so the select shows it.
  const options = [...new Set([...tasks, ...(model === RANDOM_TASK ? [] : [model])])];
  return (
    <div className="model-picker">
      <label htmlFor={id}>Model</label>
      <select id={id} value={model} aria-describedby={statusId} onChange={(e) => store.getState().setModel(e.currentTarget.value)}>
        {options.map((t) => (
          <option key={t} value={t}>
            {t === USER_TASK ? 'your model (loaded or in training)' : t}
            {status === 'ready' && !tasks.includes(t) && t !== USER_TASK && !isModelPath(t) ? ' (not available)' : ''}
          </option>
        ))}
        <option value={RANDOM_TASK}>random weights (untrained)</option>
      </select>
      <span id={statusId} className={info.trained ? 'badge trained' : 'badge untrained'} title={info.description}>
        {info.label}
      </span>
    </div>
  );
}
