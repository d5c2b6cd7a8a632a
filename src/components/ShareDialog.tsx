/**
 * "Share & embed": a native modal dialog with the link, the iframe snippet and the <gate-scope>
 * element snippet for the current view, and checkboxes for which panels and controls the embed
 * shows. The dialog traps focus and closes on Escape by itself.
 */

import { useId, useRef, useState } from 'react';
import { useVisShallow } from '../state/context';
import {
  HIDE_PARTS,
  PANEL_LABEL,
  RESIZE_LISTENER,
  elementSnippet,
  iframeSnippet,
  shareLink,
  type HidePart,
  type ShareChoice,
} from '../state/embed';
import { ALL_PANELS, type PanelId } from '../state/panels';
import { settingsOf } from '../state/url';
import { closeDialog, openDialog } from './LoadModel';
import './embed.css';

/** Panels an embed can show: every panel with a label (training stays in the full app). */
const SHARE_PANELS = ALL_PANELS.filter((p) => PANEL_LABEL[p] !== undefined);

/** Copies text, falling back to selecting it when the clipboard is not available (http, permissions). */
async function copyText(text: string, field: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.focus();
    field?.select();
    return false;
  }
}

function Snippet({ label, value, copyLabel, rows, onCopied }: { label: string; value: string; copyLabel: string; rows: number; onCopied: (msg: string) => void }) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  return (
    <div className="snippet">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} ref={ref} readOnly rows={rows} value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
      <button
        type="button"
        onClick={async () => {
          const ok = await copyText(value, ref.current);
          onCopied(ok ? `${label} copied.` : `${label} selected: press Ctrl+C (⌘C) to copy.`);
        }}
      >
        {copyLabel}
      </button>
    </div>
  );
}

/** `base`: the folder the app is served from (default: this page's folder). */
export function ShareDialog({ base }: { base?: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // The snippets are built only while the dialog is open: closed, the view's changes cost it nothing.
  const [open, setOpen] = useState(false);

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
          openDialog(dialogRef.current);
        }}
      >
        Share &amp; embed
      </button>
      <dialog ref={dialogRef} className="gs-dialog share-dialog" aria-labelledby={titleId} onClose={() => setOpen(false)}>
        <div className="dialog-head">
          <h2 id={titleId}>Share &amp; embed</h2>
          <button type="button" onClick={() => closeDialog(dialogRef.current)}>
            Close
          </button>
        </div>
        {open ? <ShareChoices base={base} /> : null}
      </dialog>
    </>
  );
}

/** The dialog's choices and snippets; the checkboxes start from the panels on screen each time it opens. */
function ShareChoices({ base }: { base?: string }) {
  const settings = useVisShallow(settingsOf);
  const [panels, setPanels] = useState<PanelId[] | null>(null);
  const [hide, setHide] = useState<HidePart[]>([]);
  const [message, setMessage] = useState('');
  const appBase = base ?? new URL('./', window.location.href).href;

  const shown = panels ?? settings.panels.filter((p) => SHARE_PANELS.includes(p));
  const choice: ShareChoice = { settings, panels: shown, hide };

  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...list, item] : list.filter((x) => x !== item));

  return (
    <>
      <p className="hint">
        Built from the view on screen: sentence, cell, model, step, unit and knobs. Pick what the embed shows; the snippets update as you tick.
      </p>
      <div className="share-choices">
        <fieldset>
          <legend>Panels to show</legend>
          {SHARE_PANELS.map((p) => (
            <label key={p}>
              <input type="checkbox" checked={shown.includes(p)} onChange={(e) => setPanels(toggle(shown, p, e.currentTarget.checked))} />
              {PANEL_LABEL[p]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Controls to show in the embed</legend>
          {HIDE_PARTS.map((part) => (
            <label key={part.id}>
              <input type="checkbox" checked={!hide.includes(part.id)} onChange={(e) => setHide(toggle(hide, part.id, !e.currentTarget.checked))} />
              {part.label}
            </label>
          ))}
        </fieldset>
      </div>
      <Snippet label="Link" value={shareLink(appBase, choice)} copyLabel="Copy link" rows={2} onCopied={setMessage} />
      <Snippet label="Iframe snippet" value={iframeSnippet(appBase, choice)} copyLabel="Copy iframe snippet" rows={3} onCopied={setMessage} />
      <Snippet label="Auto-height listener for the iframe (once per page)" value={RESIZE_LISTENER} copyLabel="Copy listener" rows={5} onCopied={setMessage} />
      <Snippet label="Element snippet" value={elementSnippet(appBase, choice)} copyLabel="Copy element snippet" rows={6} onCopied={setMessage} />
      <p role="status" className="share-status">
        {message}
      </p>
    </>
  );
}
