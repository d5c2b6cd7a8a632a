/**
 * "Load model": a file picker and drag-and-drop onto the page for a gatescope model file, and the
 * loader for a `model=` path in the link. A bad file is reported inline, naming the field, and the
 * model and sentence on screen stay as they were. The size limit is checked before reading, so
 * even a huge file is answered at once.
 */

import { useEffect, useId, useRef, useState } from 'react';
import { useVisStore } from '../state/context';
import { isModelPath } from '../state/models';
import { DEFAULT_SETTINGS } from '../state/store';
import { checkModelUrl, fetchModel, fileSizeProblem, readModelText, setUserModelLayout, type ModelRead } from '../state/userModel';
import './embed.css';

/** A file's text; FileReader where Blob.text is missing (older browsers, jsdom). */
function readText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

function fileLabel(path: string): string {
  return path.split('/').pop() || path;
}

/** Shows a native modal dialog; jsdom (tests) has no showModal, so fall back to the open attribute. */
export function openDialog(dialog: HTMLDialogElement | null): void {
  if (!dialog || dialog.open) return;
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
}

export function closeDialog(dialog: HTMLDialogElement | null): void {
  if (!dialog) return;
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}

/** The inline error of a failed load; says what is unchanged so the student is not left guessing. */
function LoadError({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div role="alert" className="load-error">
      <p>
        {message} The model and sentence on screen are unchanged.
      </p>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function failureText(name: string, read: Extract<ModelRead, { ok: false }>): string {
  return read.field ? `Could not load “${name}”: the field ${read.message}.` : `Could not load “${name}”: ${read.message}.`;
}

export function LoadModel() {
  const store = useVisStore();
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [dragging, setDragging] = useState(false);
  const inputId = useId();

  async function loadFile(file: File): Promise<void> {
    setStatus('');
    // Before reading: a 200 MB file must be refused at once, not after parsing it.
    const tooBig = fileSizeProblem(file.size);
    if (tooBig) {
      setError(`Could not load “${file.name}”: ${tooBig}.`);
      return;
    }
    let text: string;
    try {
      text = await readText(file);
    } catch {
      setError(`Could not read “${file.name}”.`);
      return;
    }
    const read = readModelText(text);
    if (!read.ok) {
      setError(failureText(file.name, read));
      return;
    }
    setError(null);
    setUserModelLayout(store, read.layout);
    store.getState().loadUserModel(read.model, { label: file.name, source: 'file' });
    setStatus(`Loaded ${file.name}: ${read.model.params.cell.toUpperCase()}, ${read.model.params.hiddenSize} units, ${read.model.tokenizer.vocab.length} tokens in the vocabulary.`);
  }

  // Drag-and-drop anywhere on the page.
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      const file = e.dataTransfer?.files?.[0];
      depth = 0;
      setDragging(false);
      if (!file) return;
      e.preventDefault();
      void loadFile(file);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
    // loadFile only closes over the store and state setters, which are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  return (
    <div className="load-model">
      <button type="button" onClick={() => inputRef.current?.click()} title="A gatescope model file (.json); you can also drop it onto the page">
        Load model
      </button>
      <label htmlFor={inputId} className="visually-hidden">
        Model file
      </label>
      <input
        id={inputId}
        ref={inputRef}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // Clearing lets the same file be chosen again after fixing it.
          e.currentTarget.value = '';
          if (file) void loadFile(file);
        }}
      />
      {error ? <LoadError message={error} onDismiss={() => setError(null)} /> : null}
      <p role="status" className="load-status">
        {status}
      </p>
      <ModelPathLoader />
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop a gatescope model file (.json) to load it
        </div>
      ) : null}
    </div>
  );
}

/**
 * Loads the model a `model=` path names. Paths on this site load at once; an address on another
 * site waits for the user's yes in a dialog; anything else is refused. On failure the model setting
 * goes back to the one before, and the sentence stays.
 */
export function ModelPathLoader() {
  const store = useVisStore();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [ask, setAsk] = useState<{ path: string; url: string; reason: string } | null>(null);
  // The path being (or last) loaded, so re-renders, StrictMode and cell changes do not refetch it.
  const started = useRef<string | null>(null);
  const lastTask = useRef<string>(DEFAULT_SETTINGS.model);

  // The model setting lives in the store: follow it with a subscription, starting from its value now.
  useEffect(() => {
    const follow = (model: string) => {
      if (!isModelPath(model)) {
        lastTask.current = model;
        started.current = null;
        return;
      }
      if (started.current === model) return;
      started.current = model;
      setError(null);
      const check = checkModelUrl(model, document.baseURI);
      if (check.ok) void load(model, check.url);
      else if (check.url) setAsk({ path: model, url: check.url, reason: check.reason });
      else fail(`Did not load the model: ${check.reason}.`);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.model !== prev.model) follow(s.model);
    });
    // As a subscription callback would, after mounting (a link's path is there from the start).
    queueMicrotask(() => follow(store.getState().model));
    return unsubscribe;
    // load and fail only use refs, the store and state setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  useEffect(() => {
    if (ask) openDialog(dialogRef.current);
  }, [ask]);

  function fail(message: string): void {
    setError(message);
    const s = store.getState();
    // Back to the model shown before the link's path; the sentence is not part of the patch.
    if (isModelPath(s.model)) s.applySettings({ model: lastTask.current }, s.urlProblems);
  }

  async function load(path: string, url: string): Promise<void> {
    const read = await fetchModel(url);
    if (store.getState().model !== path) return;
    if (!read.ok) {
      fail(failureText(fileLabel(path), read));
      return;
    }
    setError(null);
    setUserModelLayout(store, read.layout);
    store.getState().loadUserModel(read.model, { label: fileLabel(path), source: 'url', path });
  }

  const answer = (yes: boolean) => {
    const pending = ask;
    closeDialog(dialogRef.current);
    setAsk(null);
    if (!pending) return;
    if (yes) void load(pending.path, pending.url);
    else fail(`Did not load the model: ${pending.reason} and was not confirmed.`);
  };

  return (
    <>
      {error ? <LoadError message={error} onDismiss={() => setError(null)} /> : null}
      <dialog
        ref={dialogRef}
        className="gs-dialog confirm-dialog"
        aria-labelledby={titleId}
        onCancel={(e) => {
          // Escape means no.
          e.preventDefault();
          answer(false);
        }}
      >
        <h2 id={titleId}>Load a model from another site?</h2>
        {ask ? (
          <p>
            This link asks gatescope to load a model file from <code>{ask.url}</code>, which is not on this site. Load it only if you trust where it comes
            from.
          </p>
        ) : null}
        <div className="dialog-buttons">
          <button type="button" onClick={() => answer(false)}>
            Don’t load
          </button>
          <button type="button" className="primary" onClick={() => answer(true)}>
            Load it
          </button>
        </div>
      </dialog>
    </>
  );
}
