/** A legend of line series: a short stroke in each series' colour and dash, then its label. */
export interface LegendItem {
  key: string;
  label: string;
  color: string;
  dash?: string;
}

export function SeriesLegend({ label, items }: { label: string; items: readonly LegendItem[] }) {
  return (
    <ul className="series-legend" aria-label={label}>
      {items.map((s) => (
        <li key={s.key}>
          <svg width={26} height={10} aria-hidden="true">
            <line x1={1} x2={25} y1={5} y2={5} stroke={s.color} strokeWidth={2.5} strokeDasharray={s.dash || undefined} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
