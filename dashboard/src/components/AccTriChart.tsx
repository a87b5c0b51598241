/**
 * AccTri over time as an SVG chart (no chart library, no canvas): one marker per verification,
 * coloured and shaped by verdict (intact: green circle, tampered: red diamond, error: amber
 * triangle on the baseline, since an error has no AccTri), and the pass threshold of the policy.
 * A monitor's scheduled runs carry a ring around their marker.
 */
import { useEffect, useRef, useState } from 'react';
import type { Verdict } from '../api.ts';
import { formatDateTime, formatPercent, formatShortDate } from '../format.ts';

export interface ChartPoint {
  id: string;
  at: string;
  accTri: number | null;
  verdict: Verdict;
  mode: string;
  /** A monitor's scheduled run (ringed); false when started by hand. */
  scheduled?: boolean;
}

const H = 240;
const M = { top: 16, right: 18, bottom: 34, left: 46 };

/** The chart is drawn at its container's width (text stays readable on a phone). */
function useWidth(initial: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => setWidth(Math.max(280, Math.round(element.clientWidth)));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

export function AccTriChart({ points, threshold }: { points: ChartPoint[]; threshold: number | null }) {
  const { ref, width: W } = useWidth(720);
  const data = points
    .filter((p) => p.verdict !== 'PENDING')
    .map((p) => ({ ...p, t: new Date(p.at).getTime() }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  if (data.length === 0) {
    return (
      <figure className="chart" ref={ref}>
        <p className="muted">No completed verifications yet: the chart appears after the first verdict.</p>
      </figure>
    );
  }

  const t0 = data[0]!.t;
  const t1 = data[data.length - 1]!.t;
  const span = Math.max(t1 - t0, 60_000);
  const pad = data.length === 1 ? span : span * 0.04;
  const xMin = t0 - pad;
  const xMax = t1 + pad;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - xMin) / (xMax - xMin)) * innerW;
  const y = (v: number) => M.top + (1 - v) * innerH;
  const yTicks = [0, 0.25, 0.5, 0.75, 1];
  const xTickCount = Math.min(W < 480 ? 3 : 5, Math.max(2, data.length));
  const xTicks = Array.from({ length: xTickCount }, (_, i) => xMin + ((xMax - xMin) * (i + 0.5)) / xTickCount);
  const measured = data.filter((p) => p.accTri !== null);
  const line = measured.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.accTri!).toFixed(1)}`).join(' ');
  const tampered = data.filter((p) => p.verdict === 'TAMPERED').length;
  const errors = data.filter((p) => p.verdict === 'ERROR').length;
  const summary =
    `AccTri of ${data.length} verifications from ${formatDateTime(new Date(t0).toISOString())} to ${formatDateTime(new Date(t1).toISOString())}` +
    `; ${tampered} tampered, ${errors} errors; latest AccTri ${formatPercent(measured[measured.length - 1]?.accTri ?? null)}.`;

  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {yTicks.map((v) => (
          <g key={v}>
            <line className="grid" x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} />
            <text className="axis-label" x={M.left - 8} y={y(v) + 4} textAnchor="end">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} className="axis-label" x={x(t)} y={H - 10} textAnchor="middle">
            {formatShortDate(new Date(t))}
          </text>
        ))}
        {threshold !== null && threshold > 0 && threshold < 1 && (
          <g>
            <line className="threshold" x1={M.left} x2={W - M.right} y1={y(threshold)} y2={y(threshold)} />
            <text className="axis-label threshold-label" x={W - M.right} y={y(threshold) - 5} textAnchor="end">
              intact at ≥ {formatPercent(threshold)}
            </text>
          </g>
        )}
        {line && <path className="series" d={line} />}
        {data.map((p) => {
          const cx = x(p.t);
          const label = `${formatDateTime(p.at)} · ${p.mode.toLowerCase()}${p.scheduled ? ' · scheduled' : ''} · ${p.verdict.toLowerCase()} · AccTri ${formatPercent(p.accTri)}`;
          const ring = p.scheduled ? <circle className="marker-ring" cx={cx} cy={p.verdict === 'ERROR' || p.accTri === null ? y(0) - 4 : y(p.accTri)} r={10} data-scheduled="true" /> : null;
          if (p.verdict === 'ERROR' || p.accTri === null) {
            const by = y(0);
            return (
              <g key={p.id}>
              {ring}
              <path className="marker marker-error" d={`M${cx},${by - 11} L${cx + 7},${by + 1} L${cx - 7},${by + 1} Z`} data-verdict="ERROR">
                <title>{label}</title>
              </path>
              </g>
            );
          }
          const cy = y(p.accTri);
          if (p.verdict === 'TAMPERED') {
            return (
              <g key={p.id}>
              {ring}
              <path className="marker marker-tampered" d={`M${cx},${cy - 7} L${cx + 7},${cy} L${cx},${cy + 7} L${cx - 7},${cy} Z`} data-verdict="TAMPERED">
                <title>{label}</title>
              </path>
              </g>
            );
          }
          return (
            <g key={p.id}>
              {ring}
              <circle className="marker marker-intact" cx={cx} cy={cy} r={5} data-verdict="INTACT">
                <title>{label}</title>
              </circle>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        <span className="legend-item">
          <svg width="14" height="14" aria-hidden="true">
            <circle className="marker marker-intact" cx="7" cy="7" r="5" />
          </svg>
          Intact
        </span>
        <span className="legend-item">
          <svg width="14" height="14" aria-hidden="true">
            <path className="marker marker-tampered" d="M7,0 L14,7 L7,14 L0,7 Z" />
          </svg>
          Tampered
        </span>
        <span className="legend-item">
          <svg width="14" height="14" aria-hidden="true">
            <path className="marker marker-error" d="M7,1 L13,13 L1,13 Z" />
          </svg>
          Error (no AccTri)
        </span>
        {data.some((p) => p.scheduled) && (
          <span className="legend-item">
            <svg width="14" height="14" aria-hidden="true">
              <circle className="marker-ring" cx="7" cy="7" r="6" />
            </svg>
            Scheduled run (monitor)
          </span>
        )}
      </figcaption>
    </figure>
  );
}
