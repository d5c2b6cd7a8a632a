/**
 * A chart's numbers as a table behind a "Show ..." disclosure, rendered only while it is open (the
 * rows would otherwise be rebuilt on every step), in a scroll box a keyboard user can focus to
 * scroll a table taller than it, named by the table's caption.
 */
import { useId, useState, type ReactNode } from 'react';

export function ValuesTable({ summary, caption, rows }: { summary: string; caption: ReactNode; rows: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  const captionId = useId();
  return (
    <details className="values" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open ? (
        <div className="table-scroll" tabIndex={0} role="group" aria-labelledby={captionId}>
          <table>
            <caption id={captionId}>{caption}</caption>
            {rows()}
          </table>
        </div>
      ) : null}
    </details>
  );
}
