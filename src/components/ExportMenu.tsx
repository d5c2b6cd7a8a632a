/**
 * "Export": the view's link to the clipboard, the trace as JSON (the trace command's format) or
 * CSV, and every chart on screen as SVG or PNG. The chart list is read from the page when the menu
 * opens, so it always matches the panels shown.
 */

import { useRef, useState } from 'react';
import { useVisStore } from '../state/context';
import { shareLink } from '../state/embed';
import { chartSvg, downloadBlob, exportLayout, findCharts, slug, svgToPng, traceCsv, traceJsonText, type ChartRef } from '../state/exporters';
import type { VisState } from '../state/store';
import { settingsOf } from '../state/url';
import './embed.css';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function ExportMenu() {
  const store = useVisStore();
  const boxRef = useRef<HTMLDetailsElement>(null);
  const [charts, setCharts] = useState<ChartRef[]>([]);
  const [message, setMessage] = useState('');
  // The list opens towards the side with room: the header wraps differently at every width.
  const [alignRight, setAlignRight] = useState(false);

  const root = (): ParentNode & Node => {
    const node = boxRef.current?.getRootNode();
    return node instanceof Document || (typeof ShadowRoot !== 'undefined' && node instanceof ShadowRoot) ? node : document;
  };
  const host = (): ParentNode & Node => {
    const r = root();
    return r instanceof Document ? r.body : r;
  };
  const base = (s: VisState) => `${s.cell}-step${s.step + 1}`;

  const run = async (what: string, job: () => Promise<void> | void) => {
    try {
      await job();
      setMessage(`${what}: done.`);
    } catch (err) {
      setMessage(`${what} failed: ${errorText(err)}.`);
    }
  };

  const saveChart = (chart: ChartRef, format: 'svg' | 'png') =>
    run(`${chart.name} as ${format.toUpperCase()}`, async () => {
      // Panels re-render while the menu is open; take the chart as it is now.
      const current = findCharts(root()).find((c) => c.name === chart.name) ?? chart;
      const { svg, width, height } = chartSvg(current);
      const name = `gatescope-${slug(chart.name)}-${base(store.getState())}.${format}`;
      const blob = format === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg, width, height);
      downloadBlob(blob, name, host());
    });

  return (
    <details
      ref={boxRef}
      className="export-menu"
      onToggle={(e) => {
        if (e.currentTarget.open) {
          const box = e.currentTarget.getBoundingClientRect();
          setAlignRight(box.left + 360 > window.innerWidth);
          setCharts(findCharts(root()));
          setMessage('');
        }
      }}
    >
      <summary>Export</summary>
      <div className={alignRight ? 'export-list align-right' : 'export-list'}>
        <div role="group" aria-label="Link and data">
          <button
            type="button"
            onClick={() =>
              run('Copy link', async () => {
                const s = store.getState();
                const settings = settingsOf(s);
                await navigator.clipboard.writeText(shareLink(new URL('./', window.location.href).href, { settings, panels: settings.panels, hide: [] }));
              })
            }
          >
            Copy link
          </button>
          <button
            type="button"
            onClick={() =>
              run('Trace as JSON', () => {
                const s = store.getState();
                const text = traceJsonText(s, exportLayout(store));
                downloadBlob(new Blob([text, '\n'], { type: 'application/json' }), `gatescope-trace-${s.cell}-${slug(s.sentence)}.json`, host());
              })
            }
          >
            Trace as JSON
          </button>
          <button
            type="button"
            onClick={() =>
              run('Trace as CSV', () => {
                const s = store.getState();
                downloadBlob(new Blob([traceCsv(s)], { type: 'text/csv' }), `gatescope-trace-${s.cell}-${slug(s.sentence)}.csv`, host());
              })
            }
          >
            Trace as CSV
          </button>
        </div>
        {charts.length > 0 ? (
          <table className="export-charts">
            <caption className="visually-hidden">Charts on this page</caption>
            <tbody>
              {charts.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>
                    <button type="button" aria-label={`${c.name} as SVG`} onClick={() => saveChart(c, 'svg')}>
                      SVG
                    </button>
                  </td>
                  <td>
                    <button type="button" aria-label={`${c.name} as PNG`} onClick={() => saveChart(c, 'png')}>
                      PNG
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="hint">No charts on screen: turn on a panel to export its chart.</p>
        )}
        <p role="status" className="export-status">
          {message}
        </p>
      </div>
    </details>
  );
}
