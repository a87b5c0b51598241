/**
 * The demo's report: one self-contained HTML page (no scripts, no external resources) with an
 * SVG chart of AccTri per check, coloured by verdict, the verdict timeline, and per verdict a
 * link to its evidence bundle (a JSON file beside the page).
 */
export interface DemoRow {
  label: string;
  verificationId: string;
  mode: string;
  verdict: string;
  accTri: number | null;
  jti: string | null;
  token: string | null;
  at: string;
  tokenValid: boolean;
  /** The evidence bundle's path, relative to the report (evidence/<n>-<label>.json). */
  evidence: string | null;
  /** The bundle verified offline when it was written. */
  evidenceValid: boolean;
}

const COLOUR: Record<string, string> = { INTACT: '#1a7f37', TAMPERED: '#cf222e', ERROR: '#9a6700', PENDING: '#57606a' };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderReport(rows: DemoRow[], context: { model: string; watermark: { triggerCount: number; method: string; commitment: string } }): string {
  const barHeight = 34;
  const chartWidth = 720;
  const labelWidth = 250;
  const plot = chartWidth - labelWidth - 130;
  const bars = rows
    .map((row, i) => {
      const y = 30 + i * barHeight;
      const value = row.accTri ?? 0;
      const width = Math.max(2, value * plot);
      return `<text x="${labelWidth - 10}" y="${y + 20}" text-anchor="end">${escape(row.label)}</text>
  <rect x="${labelWidth}" y="${y + 6}" width="${width.toFixed(1)}" height="20" fill="${COLOUR[row.verdict] ?? '#57606a'}"><title>${row.verdict} ${value.toFixed(3)}</title></rect>
  <text x="${labelWidth + width + 6}" y="${y + 20}">${value.toFixed(3)} ${row.verdict}</text>`;
    })
    .join('\n  ');
  const chartHeight = 40 + rows.length * barHeight;
  const axis = `<line x1="${labelWidth}" y1="22" x2="${labelWidth}" y2="${chartHeight - 6}" stroke="#8c959f"/>
  <line x1="${labelWidth + plot}" y1="22" x2="${labelWidth + plot}" y2="${chartHeight - 6}" stroke="#d0d7de" stroke-dasharray="4 3"/>
  <text x="${labelWidth + plot}" y="16" text-anchor="middle">AccTri 1.0</text>`;

  const step = rows.length > 1 ? (chartWidth - 80) / (rows.length - 1) : 0;
  const timeline = rows
    .map((row, i) => {
      const x = 40 + i * step;
      return `<circle cx="${x}" cy="40" r="11" fill="${COLOUR[row.verdict] ?? '#57606a'}"><title>${escape(row.label)}: ${row.verdict}</title></circle>
  <text x="${x}" y="72" text-anchor="middle" font-size="11">${i + 1}. ${row.verdict}</text>`;
    })
    .join('\n  ');

  const tableRows = rows
    .map(
      (row, i) =>
        `<tr><td>${i + 1}</td><td>${escape(row.label)}</td><td>${row.mode}</td><td><span class="badge" style="background:${COLOUR[row.verdict]}">${row.verdict}</span></td><td>${row.accTri === null ? '-' : row.accTri.toFixed(3)}</td><td><code>${row.jti ?? '-'}</code></td><td>${row.tokenValid ? 'valid' : 'invalid'}</td><td>${row.evidence ? `<a href="${escape(row.evidence)}">${escape(row.evidence.replace(/^evidence\//, ''))}</a>` : '-'}</td></tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fragmark demo report</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2328; }
  svg text { font: 13px system-ui, sans-serif; fill: #1f2328; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #d0d7de; padding: .4rem; text-align: left; font-size: 14px; }
  .badge { color: white; border-radius: 1rem; padding: .1rem .6rem; font-weight: 600; font-size: 12px; }
  code { font-size: 12px; }
</style></head><body>
<h1>Fragmark demo report</h1>
<p>Model <strong>${escape(context.model)}</strong>, watermark of ${context.watermark.triggerCount} fragile triggers (${escape(context.watermark.method)}),
commitment <code>${escape(context.watermark.commitment)}</code>. Each check asks the model for the labels of the secret triggers:
the untouched model keeps all of them (AccTri 1.0, INTACT); a changed model loses some (TAMPERED).</p>
<h2>AccTri of clean and attacked models</h2>
<svg role="img" aria-label="AccTri per check" width="${chartWidth}" height="${chartHeight}" viewBox="0 0 ${chartWidth} ${chartHeight}">
  ${axis}
  ${bars}
</svg>
<h2>Verdict timeline</h2>
<svg role="img" aria-label="Verdicts in order" width="${chartWidth}" height="90" viewBox="0 0 ${chartWidth} 90">
  <line x1="40" y1="40" x2="${chartWidth - 40}" y2="40" stroke="#d0d7de" stroke-width="3"/>
  ${timeline}
</svg>
<h2>Checks</h2>
<table><thead><tr><th>#</th><th>check</th><th>mode</th><th>verdict</th><th>AccTri</th><th>attestation (jti)</th><th>token</th><th>evidence</th></tr></thead>
<tbody>
${tableRows}
</tbody></table>
<p>Every token was verified with <code>fragmark verify-token --issuer …</code> against the server's published keys, and its revocation status asked.</p>
<p>Each verdict's evidence bundle (in the <code>evidence/</code> folder next to this page) holds the token, the same verdict as an in-toto
statement in a DSSE envelope signed by the same key, the server's key set and the revocation status at export, and says how to check it.
<code>npx fragmark evidence verify evidence/&lt;file&gt;.json --audience demo-auditor</code> checks it offline, also after this demo's server is gone.</p>
</body></html>
`;
}
