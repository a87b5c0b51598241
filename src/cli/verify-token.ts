/**
 * fragmark verify-token <token> (--issuer <url> | --jwks <file>) [--audience <aud>]
 * The third party's offline check of an attestation: signature (EdDSA only), typ, iss, aud,
 * nbf/exp with 60 s clock skew. Exit 0 and the claims when valid; exit 1 with the reason.
 * Needs no API key and no Fragmark server beyond the issuer's public JWKS (or a saved copy).
 */
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { verifyAttestation, verifyAttestationWithIssuer } from '../attestations/crypto/attestation-token.ts';
import { AttestationError } from '../attestations/crypto/attestation.errors.ts';
import type { StrengthClaim } from '../attestations/crypto/attestation-claims.ts';
import { CliError } from './api-client.ts';

type Flags = Map<string, string | true>;
type Out = (human: string, data: object) => void;

export async function verifyToken(args: string[], flags: Flags, out: Out): Promise<number> {
  const [token] = args;
  const issuer = typeof flags.get('issuer') === 'string' ? (flags.get('issuer') as string).replace(/\/+$/, '') : undefined;
  const jwksFile = typeof flags.get('jwks') === 'string' ? (flags.get('jwks') as string) : undefined;
  const audience = typeof flags.get('audience') === 'string' ? (flags.get('audience') as string) : null;
  if (!token || (!issuer && !jwksFile)) {
    throw new CliError('usage: fragmark verify-token <token> (--issuer <url> | --jwks <file>) [--audience <aud>]', 2);
  }
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
    const f = claims.fragmark;
    out(
      [
        `Valid attestation ${String(claims.jti)} issued by ${String(claims.iss)} (key ${verified.header.kid}).`,
        `  verdict:  ${f.verification.verdict.toUpperCase()} (${f.verification.triggersMatched}/${f.verification.triggersQueried} triggers, ${f.verification.mode})`,
        `  model:    ${f.model.name} ${f.model.version} (${f.model.id}), weights ${f.model.digest}`,
        ...(f.watermark.strength ? [`  strength: ${strengthLine(f.watermark.strength)}`] : []),
        `  valid:    ${new Date(Number(claims.iat) * 1000).toISOString()} until ${new Date(Number(claims.exp) * 1000).toISOString()}`,
        `Claims:\n${JSON.stringify(claims, null, 2)}`,
      ].join('\n'),
      { valid: true, header: verified.header, claims },
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

/** The watermark's strength as a third party should read it (docs/verifying-attestations.md). */
function strengthLine(s: StrengthClaim): string {
  const flips = s.flipFractionUnderNoise === null ? 'sensitivity not measured' : `${Math.round(s.flipFractionUnderNoise * 100)}% flipped under weight noise`;
  const figures = `${s.triggers} ${s.method} triggers, ${flips}, tampered from ${s.detectionFloor} mismatched`;
  return s.level === 'weak' ? `WEAK watermark (${figures}): an intact verdict is weak evidence` : `standard (${figures})`;
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
