/**
 * Evidence commands of `fragmark`:
 *
 *   fragmark evidence show <verificationId>                    the DSSE envelope and its in-toto statement (client: --url/--key)
 *   fragmark evidence export <verificationId> --out <file>     an evidence bundle (client: --url/--key)
 *   fragmark evidence verify <file> [--issuer <url>] [--jwks <file>] [--audience <aud>]   check a bundle offline (no API key, no network)
 *
 * Bundle format and checks: src/attestations/crypto/evidence-bundle.ts.
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { decodeJwt, type JWK } from 'jose';
import { fetchJwks, jwksUrlForIssuer } from '../attestations/crypto/attestation-token.ts';
import { AttestationError } from '../attestations/crypto/attestation.errors.ts';
import { assertStands, fetchAttestationStatus, statusUrlForIssuer } from '../attestations/crypto/attestation-status.ts';
import {
  EVIDENCE_BUNDLE_TYPE,
  howToCheck,
  MAX_EVIDENCE_BUNDLE_BYTES,
  verifyEvidenceBundle,
  type EvidenceBundle,
  type VerifiedEvidence,
} from '../attestations/crypto/evidence-bundle.ts';
import { FRAGMARK_VERSION } from '../common/fragmark-version.ts';
import { ApiClient, CliError, clientOptions } from './api-client.ts';

type Flags = Map<string, string | true>;
type Out = (human: string, data: object) => void;

const flag = (flags: Flags, name: string): string | undefined => (typeof flags.get(name) === 'string' ? (flags.get(name) as string) : undefined);

/** What the API says about a verification: an allow-list of fields, never trigger data or secrets. */
const EVIDENCE_QUERY = `query($id: ID!) { verification(id: $id) {
  id mode verdict triggersQueried triggersMatched accTri triggersExcluded createdAt completedAt policy { kind maxMismatchFraction }
  modelVersion { id label status format inputShape numClasses weightsDigest artifactDigest artifactBytes uploadedAt createdAt inputDomain { min max encoding }
    model { id name description tags createdAt } }
  watermark { id status scheme method triggerCount profile commitment createdAt readyAt policy { kind maxMismatchFraction } inputDomain { min max encoding } }
  attestation { jti token issuedAt expiresAt revoked dsseEnvelope { payload payloadType signatures { keyid sig } } }
} }`;

/** Builds the evidence bundle of a verification from a running server, and checks it before returning it. */
export async function exportEvidence(client: ApiClient, verificationId: string, now: () => Date = () => new Date()): Promise<{ bundle: EvidenceBundle; checked: VerifiedEvidence }> {
  const { verification: v } = await client.graphql(EVIDENCE_QUERY, { id: verificationId });
  if (!v) throw new CliError(`No verification ${verificationId} in your tenant.`);
  const a = v.attestation;
  if (!a) throw new CliError(`Verification ${verificationId} has no attestation (verdict ${v.verdict}): only INTACT and TAMPERED verdicts are signed.`);
  if (!a.dsseEnvelope) throw new CliError(`The attestation of verification ${verificationId} was issued before DSSE envelopes existed; check its token with fragmark verify-token instead.`);
  let payload: ReturnType<typeof decodeJwt>;
  try {
    payload = decodeJwt(a.token);
  } catch {
    throw new CliError('The server returned an attestation token that is not a JWT.');
  }
  const issuer = String(payload.iss).replace(/\/+$/, '');
  // The key set and the status as a third party sees them: from the issuer's public address.
  const jwks = await fetchJwks(jwksUrlForIssuer(issuer));
  const status = await fetchAttestationStatus(issuer, a.jti);
  const exportedAt = now().toISOString();
  const { modelVersion, watermark, attestation: _attestation, ...verification } = v;
  const { model, ...version } = modelVersion;
  const bundle: EvidenceBundle = {
    bundleType: EVIDENCE_BUNDLE_TYPE,
    exportedAt,
    exportedBy: { tool: 'fragmark', version: FRAGMARK_VERSION },
    howToCheck: howToCheck(issuer),
    issuer,
    attestation: { jti: a.jti, token: a.token, issuedAt: a.issuedAt, expiresAt: a.expiresAt },
    dsseEnvelope: a.dsseEnvelope,
    jwks,
    revocation: { ...status, askedAt: exportedAt, source: `${statusUrlForIssuer(issuer)} (query attestationStatus)` },
    facts: { verification, modelVersion: version, model, watermark },
  };
  // Never hand out a bundle that would not verify (an expired token, a key no longer published).
  const audience = typeof payload.aud === 'string' ? payload.aud : null;
  const checked = await verifyEvidenceBundle(bundle, { issuer, audience, now: new Date(exportedAt) });
  return { bundle, checked };
}

/** fragmark evidence export <verificationId> --out <file>: exit 0 written; 1 refused. */
export async function evidenceExport(args: string[], flags: Flags, out: Out): Promise<number> {
  const [verificationId] = args;
  const file = flag(flags, 'out');
  if (!verificationId || !file) throw new CliError('usage: fragmark evidence export <verificationId> --out <file.json>', 2);
  const client = new ApiClient(clientOptions(flags));
  let result;
  try {
    result = await exportEvidence(client, verificationId);
  } catch (error) {
    if (error instanceof AttestationError) throw new CliError(`Cannot export evidence for verification ${verificationId}: ${error.message}`);
    throw error;
  }
  const { bundle, checked } = result;
  // Written beside, then renamed: never a half-written bundle under the requested name.
  const partial = `${file}.partial`;
  await writeFile(partial, JSON.stringify(bundle, null, 2) + '\n', { mode: 0o644 });
  await rename(partial, file);
  const r = bundle.revocation;
  out(
    [
      `Wrote ${file}: attestation ${bundle.attestation.jti} (${checked.token.payload.fragmark.verification.verdict.toUpperCase()}), its in-toto statement (DSSE, key ${checked.keyId}),`,
      `the issuer's key set (${bundle.jwks.keys.length} key${bundle.jwks.keys.length === 1 ? '' : 's'}) and its revocation status as of ${bundle.exportedAt}: ${r.revoked ? `REVOKED (${r.reason})` : 'not revoked'}.`,
      `Check it anywhere, offline: fragmark evidence verify ${file} --issuer ${bundle.issuer}`,
    ].join('\n'),
    { ok: true, file, jti: bundle.attestation.jti, keyId: checked.keyId, revoked: r.revoked, exportedAt: bundle.exportedAt },
  );
  return 0;
}

async function readBundle(file: string): Promise<unknown> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new CliError(`Cannot read ${file}.`, 2);
  }
  try {
    // Checked before reading: a huge file is refused without being loaded.
    const { size } = await handle.stat();
    if (size > MAX_EVIDENCE_BUNDLE_BYTES) throw new AttestationError('EVIDENCE_MALFORMED', `Not a valid evidence bundle: ${file} is larger than ${MAX_EVIDENCE_BUNDLE_BYTES} bytes.`);
    const text = await handle.readFile('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new AttestationError('EVIDENCE_MALFORMED', `Not a valid evidence bundle: ${file} is not JSON.`);
    }
  } finally {
    await handle.close();
  }
}

async function readJwks(file: string): Promise<{ keys: JWK[] }> {
  try {
    const jwks = JSON.parse(await readFile(file, 'utf8')) as { keys?: unknown };
    if (Array.isArray(jwks.keys)) return jwks as { keys: JWK[] };
  } catch {
    // fall through
  }
  throw new CliError(`${file} is not a readable JWKS (JSON with a "keys" array).`, 2);
}

/**
 * fragmark evidence verify <file> [--issuer <url>] [--jwks <file>] [--audience <aud>]
 * Exit 0: valid, and not revoked as recorded at the export; 1: invalid, with the reason.
 */
export async function evidenceVerify(args: string[], flags: Flags, out: Out): Promise<number> {
  const [file] = args;
  if (!file) throw new CliError('usage: fragmark evidence verify <file.json> [--issuer <url>] [--jwks <trusted key set>] [--audience <aud>]', 2);
  const jwksFile = flag(flags, 'jwks');
  const jwks = jwksFile ? await readJwks(jwksFile) : undefined;
  try {
    const checked = await verifyEvidenceBundle(await readBundle(file), { issuer: flag(flags, 'issuer'), audience: flag(flags, 'audience') ?? null, ...(jwks ? { jwks } : {}) });
    const r = checked.revocation;
    const asOf = ` (as recorded at the export, ${checked.exportedAt.toISOString()})`;
    assertStands(r, asOf);
    const claims = checked.token.payload;
    const v = claims.fragmark.verification;
    out(
      [
        `Valid evidence for attestation ${String(claims.jti)} issued by ${checked.issuer} (key ${checked.keyId}).`,
        `  token:      signature and claims valid against the bundled key set, as of the export (${checked.exportedAt.toISOString()})${checked.expiredSinceExport ? '; it has expired since' : ''}`,
        `  statement:  in-toto ${checked.statement.predicateType}, signed by the same key; it agrees with the token (verification, verdict, digests)`,
        `  verdict:    ${v.verdict.toUpperCase()} (${v.triggersMatched}/${v.triggersQueried} triggers, ${v.mode}), properties: ${checked.statement.predicate.properties.join(', ') || 'none'}`,
        `  model:      ${claims.fragmark.model.name} ${claims.fragmark.model.version}, weights sha256 ${claims.fragmark.model.digest}`,
        `  revoked:    no, as recorded at the export (${checked.exportedAt.toISOString()}); not signed: for the current status run fragmark verify-token with --issuer ${checked.issuer}`,
        checked.issuerPinned
          ? `  issuer:     ${checked.issuer}, as you named it`
          : `  issuer:     NOT PINNED: taken from the bundle (pass --issuer with the issuer you trust)`,
        checked.keyPinned
          ? `  key:        ${checked.keyId}, from your key set (${jwksFile})`
          : `  key:        ${checked.keyId}, from the bundle's snapshot: a bundle proves only that the holder of this key signed it; compare the key id with the issuer's published one, or pass --jwks with a key set you obtained yourself`,
      ].join('\n'),
      {
        valid: true,
        jti: claims.jti,
        issuer: checked.issuer,
        issuerPinned: checked.issuerPinned,
        keyPinned: checked.keyPinned,
        keyId: checked.keyId,
        exportedAt: checked.exportedAt.toISOString(),
        expiredSinceExport: checked.expiredSinceExport,
        verdict: v.verdict,
        properties: checked.statement.predicate.properties,
        revocation: { ...r, asOfExport: true },
        claims,
      },
    );
    return 0;
  } catch (error) {
    if (error instanceof AttestationError) {
      out(`Invalid evidence: ${error.message}`, { valid: false, code: error.code, reason: error.message });
      return 1;
    }
    throw error;
  }
}

/** fragmark evidence show <verificationId>: the envelope (stdout with --json) and the statement it signs. */
export async function evidenceShow(args: string[], flags: Flags, out: Out): Promise<number> {
  const [verificationId] = args;
  if (!verificationId) throw new CliError('usage: fragmark evidence show <verificationId>', 2);
  const client = new ApiClient(clientOptions(flags));
  const { verification: v } = await client.graphql(
    `query($id: ID!) { verification(id: $id) { id verdict attestation { jti dsseEnvelope { payload payloadType signatures { keyid sig } } statement } } }`,
    { id: verificationId },
  );
  if (!v) throw new CliError(`No verification ${verificationId} in your tenant.`);
  if (!v.attestation?.dsseEnvelope) throw new CliError(`Verification ${verificationId} has no DSSE envelope (verdict ${v.verdict}; attestations issued before envelopes have none).`);
  const statement = JSON.parse(v.attestation.statement);
  out(
    [
      `In-toto statement of attestation ${v.attestation.jti} (verification ${v.id}), as signed in its DSSE envelope:`,
      JSON.stringify(statement, null, 2),
      'DSSE envelope (save it as a .json file for in-toto tools):',
      JSON.stringify(v.attestation.dsseEnvelope),
    ].join('\n'),
    { ok: true, jti: v.attestation.jti, dsseEnvelope: v.attestation.dsseEnvelope, statement },
  );
  return 0;
}
