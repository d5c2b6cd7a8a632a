/** The sentence box: every keystroke reruns the model (it fits in a frame), so the views follow the typing. */

import { useId } from 'react';
import { useVis, useVisStore } from '../state/context';

export function SentenceInput() {
  const sentence = useVis((s) => s.sentence);
  const error = useVis((s) => s.error);
  const store = useVisStore();
  const id = useId();
  const errorId = useId();
  return (
    <div className="sentence-input">
      <label htmlFor={id}>Sentence</label>
      <input
        id={id}
        type="text"
        dir="auto"
        value={sentence}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={error ? errorId : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(e) => store.getState().setSentence(e.currentTarget.value)}
        onFocus={() => store.getState().setSentenceFocus(true)}
        onBlur={() => store.getState().setSentenceFocus(false)}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
