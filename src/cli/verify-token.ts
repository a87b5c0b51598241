/**
 * fragmark verify-token <token> (--issuer <url> | --jwks <file>) [--audience <aud>] [--offline]
 * The third party's check of an attestation: signature (EdDSA only), typ, iss, aud, nbf/exp with
 * 60 s clock skew, then (with --issuer, unless --offline) the revocation status at the issuer
 * (public GraphQL query attestationStatus, as the dashboard's checker asks it). Exit 0 and the
 * claims when valid and not revoked; exit 1 with the reason. Needs no API key.
 *
 * Revocation is the one thing a token cannot say about itself: a check that skips it says so in
 * its output (--offline, or --jwks without --issuer, which names no issuer to ask).
 */
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { verifyAttestation, verifyAttestationWithIssuer } from '../attestations/crypto/attestation-token.ts';
import { AttestationError } from '../attestations/crypto/attestation.errors.ts';
import { assertStands, fetchAttestationStatus, type IssuerAttestationStatus } from '../attestations/crypto/attestation-status.ts';
import { CliError } from './api-client.ts';

type Flags = Map<string, string | true>;
type Out = (human: string, data: object) => void;

const USAGE = 'usage: fragmark verify-token <token> (--issuer <url> | --jwks <file>) [--audience <aud>] [--offline]';

/** What the output says about revocation. */
type Revocation = { checked: true; revoked: false; checkedAt: string; issuer: string } | { checked: false; why: string };

export async function verifyToken(args: string[], flags: Flags, out: Out): Promise<number> {
  const [token] = args;
  const issuer = typeof flags.get('issuer') === 'string' ? (flags.get('issuer') as string).replace(/\/+$/, '') : undefined;
  const jwksFile = typeof flags.get('jwks') === 'string' ? (flags.get('jwks') as string) : undefined;
  const audience = typeof flags.get('audience') === 'string' ? (flags.get('audience') as string) : null;
  const offline = flags.has('offline');
  if (!token || (!issuer && !jwksFile)) throw new CliError(USAGE, 2);
  try {
    let verified;
    if (jwksFile) {
      let jwks: { keys: JWK[] };
      try {
        jwks = JSON.parse(await readFile(jwksFile, 'utf8'));
      } catch {
        throw new CliError(`${jwksFile} is not a readable JWKS (JSON with a "keys" array).`, 2);
      }
      // With only a JWKS file, the issuer is taken from --issuer when given, else trusted from the token.
      const claimedIssuer = issuer ?? issuerOf(token);
      verified = await verifyAttestation(token, jwks, { issuer: claimedIssuer, audience });
    } else {
      verified = await verifyAttestationWithIssuer(token, { issuer: issuer!, audience });
    }
    const claims = verified.payload;
    const jti = String(claims.jti);
    let revocation: Revocation;
    if (offline) revocation = { checked: false, why: '--offline' };
    else if (!issuer) revocation = { checked: false, why: 'no --issuer to ask' };
    else {
      let status: IssuerAttestationStatus;
      try {
        status = await fetchAttestationStatus(issuer, jti);
      } catch (error) {
        if (error instanceof AttestationError && error.code === 'STATUS_UNAVAILABLE') {
          throw new AttestationError(
            'STATUS_UNAVAILABLE',
            `The signature is valid, but the issuer could not be asked whether the attestation was revoked: ${error.message} ` +
              'Pass --offline to check without it (the output then says that revocation was not checked).',
          );
        }
        throw error;
      }
      try {
        assertStands(status);
      } catch (error) {
        const reason = (error as AttestationError).message;
        out(`Invalid attestation: ${reason}`, { valid: false, code: (error as AttestationError).code, reason, revokedAt: status.revokedAt, revocationReason: status.reason });
        return 1;
      }
      revocation = { checked: true, revoked: false, checkedAt: new Date().toISOString(), issuer };
    }
    const f = claims.fragmark;
    out(
      [
        `Valid attestation ${jti} issued by ${String(claims.iss)} (key ${verified.header.kid}).`,
        `  verdict:  ${f.verification.verdict.toUpperCase()} (${f.verification.triggersMatched}/${f.verification.triggersQueried} triggers, ${f.verification.mode})`,
        `  model:    ${f.model.name} ${f.model.version} (${f.model.id}), weights ${f.model.digest}`,
        `  valid:    ${new Date(Number(claims.iat) * 1000).toISOString()} until ${new Date(Number(claims.exp) * 1000).toISOString()}`,
        revocation.checked
          ? `  revoked:  no (asked ${revocation.issuer} at ${revocation.checkedAt})`
          : `  revoked:  NOT CHECKED (${revocation.why}): this proves who signed the token and when it is valid, not that the issuer still stands by it`,
        `Claims:\n${JSON.stringify(claims, null, 2)}`,
      ].join('\n'),
      { valid: true, header: verified.header, claims, revocation },
    );
    return 0;
  } catch (error) {
    if (error instanceof AttestationError) {
      out(`Invalid attestation: ${error.message}`, { valid: false, code: error.code, reason: error.message });
      return 1;
    }
    throw error;
  }
}

/** The unverified `iss` of a token (used only to pick the expected issuer with a local JWKS). */
function issuerOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    if (typeof payload.iss === 'string') return payload.iss;
  } catch {
    // fall through
  }
  throw new CliError('Invalid attestation: the token is malformed.', 1);
}
