/** Small shared pieces: verdict and status badges, loading and error states, progress bars. */
import type { ReactNode } from 'react';
import type { JobStatus, Verdict } from '../api.ts';
import { formatDateTime, formatRelative } from '../format.ts';

const VERDICT_TEXT: Record<Verdict | 'NONE', string> = {
  INTACT: 'Intact',
  TAMPERED: 'Tampered',
  ERROR: 'Error',
  PENDING: 'Pending',
  NONE: 'Never verified',
};

export function VerdictBadge({ verdict }: { verdict: Verdict | null | undefined }) {
  const key = verdict ?? 'NONE';
  return (
    <span className={`badge badge-${key.toLowerCase()}`} data-verdict={key}>
      <span className="badge-dot" aria-hidden="true" />
      {VERDICT_TEXT[key]}
    </span>
  );
}

const STATUS_CLASS: Record<JobStatus | 'READY' | 'PENDING' | 'ENROLLED', string> = {
  READY: 'intact',
  ENROLLED: 'intact',
  PENDING: 'pending',
  QUEUED: 'pending',
  RUNNING: 'running',
  SUCCEEDED: 'intact',
  FAILED: 'tampered',
  CANCELLED: 'none',
};

export function StatusBadge({ status }: { status: JobStatus | string }) {
  const cls = STATUS_CLASS[status as JobStatus] ?? 'none';
  // Job and watermark statuses share the verdict palette: green done, red failed, blue running.
  return <span className={`badge badge-${cls}`}>{status.charAt(0) + status.slice(1).toLowerCase()}</span>;
}

export function Time({ iso, relative = false }: { iso: string | null | undefined; relative?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {relative ? formatRelative(iso) : formatDateTime(iso)}
    </time>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="alert alert-error" role="alert">
      <strong>Something went wrong.</strong> {message}
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Mono({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <code className="mono" title={title}>
      {children}
    </code>
  );
}
