/** Running and recent jobs, polled every two seconds while the page is visible. */
import { gql, type JobStatus, type Verdict } from '../api.ts';
import { ErrorBox, Loading, ProgressBar, Section, StatusBadge, Time, VerdictBadge } from '../components/ui.tsx';
import { formatPercent, shortId } from '../format.ts';
import { useQuery } from '../hooks.ts';
import { Link } from '../router.tsx';
import { JOBS } from '../queries.ts';

interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  watermark: { id: string; modelVersion: { id: string; label: string; model: { id: string; name: string } } } | null;
}

interface JobsData {
  running: { edges: Array<{ node: Job }> };
  queued: { edges: Array<{ node: Job }> };
  recent: { totalCount: number; edges: Array<{ node: Job }> };
  verifications: {
    edges: Array<{ node: { id: string; verdict: Verdict; job: { id: string } | null; modelVersion: { id: string; label: string; model: { id: string; name: string } } } }>;
  };
}


const POLL_MS = 2000;

const KIND: Record<string, string> = { WATERMARK: 'Watermark', VERIFY: 'Verification', REWRAP: 'Key rewrap' };
const kindLabel = (kind: string) => KIND[kind] ?? kind.charAt(0) + kind.slice(1).toLowerCase();

export function JobsPage() {
  const query = useQuery(() => gql<JobsData>(JOBS), [], POLL_MS);
  if (!query.data) return query.error !== undefined ? <ErrorBox error={query.error} onRetry={query.reload} /> : <Loading what="jobs" />;
  const data = query.data;
  const byJob = new Map(data.verifications.edges.filter((e) => e.node.job).map((e) => [e.node.job!.id, e.node]));
  const active = [...data.running.edges, ...data.queued.edges].map((e) => e.node);
  const activeIds = new Set(active.map((j) => j.id));
  // Job ids are random UUIDs and the connection pages by id, so order the page by creation time here.
  const recent = data.recent.edges
    .map((e) => e.node)
    .filter((j) => !activeIds.has(j.id))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const subject = (job: Job) => {
    const version = job.watermark?.modelVersion ?? byJob.get(job.id)?.modelVersion;
    if (!version) return <span className="muted">—</span>;
    return (
      <>
        <Link to={`/versions/${version.id}`}>
          {version.model.name} {version.label}
        </Link>
      </>
    );
  };

  return (
    <>
      <div className="page-header">
        <h1>Jobs</h1>
        <p className="live small muted" aria-live="off">
          <span className="live-dot" aria-hidden="true" /> Live · updated {query.updatedAt ? new Date(query.updatedAt).toLocaleTimeString() : '—'}
        </p>
      </div>
      {query.error !== undefined && <ErrorBox error={query.error} onRetry={query.reload} />}
      <Section title={`Running and queued (${active.length})`} id="active-jobs">
        {active.length === 0 ? (
          <p className="muted">No job is running.</p>
        ) : (
          <ul className="job-list">
            {active.map((job) => (
              <li key={job.id} className="job" data-job={job.id}>
                <div className="job-head">
                  <strong>{kindLabel(job.kind)}</strong> {subject(job)}
                  <StatusBadge status={job.status} />
                  <span className="job-pct num">{formatPercent(job.progress, 0)}</span>
                </div>
                <ProgressBar value={job.progress} label={`${job.kind.toLowerCase()} job ${shortId(job.id)} progress`} />
                <div className="small muted job-meta">
                  {job.message ?? (job.status === 'QUEUED' ? 'Waiting for a worker' : 'Working')}
                  {' · '}
                  {job.startedAt ? (
                    <>
                      started <Time iso={job.startedAt} relative />
                    </>
                  ) : (
                    <>
                      queued <Time iso={job.createdAt} relative />
                    </>
                  )}
                  {job.attempts > 1 && ` · attempt ${job.attempts}`}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Recent jobs" id="recent-jobs">
        {recent.length === 0 ? (
          <p className="muted">No finished jobs yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col">Result</th>
                  <th scope="col">Created</th>
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((job) => {
                  const verification = byJob.get(job.id);
                  return (
                    <tr key={job.id} data-job={job.id}>
                      <td data-label="Kind">{kindLabel(job.kind)}</td>
                      <td data-label="Subject">{subject(job)}</td>
                      <td data-label="Status">
                        <StatusBadge status={job.status} />
                      </td>
                      <td data-label="Result">
                        {job.error ? (
                          <span className="small error-reason">{job.error}</span>
                        ) : verification ? (
                          <VerdictBadge verdict={verification.verdict} />
                        ) : (
                          <span className="small">{job.message ?? '—'}</span>
                        )}
                      </td>
                      <td data-label="Created">
                        <Time iso={job.createdAt} relative />
                      </td>
                      <td data-label="Finished">
                        <Time iso={job.finishedAt} relative />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
