/**
 * Does a signature cover exactly an artifact? model_signing's verifier hashes the model folder
 * again and requires the same files with the same digests, no more and no fewer
 * (model_signing/verifying.py: `actual_manifest != expected_manifest`). Fragmark has the digests of
 * every uploaded file already (its artifact manifest, computed server-side at upload), so the same
 * comparison needs no rehashing. Files a signer left out with ignore_paths are not excused: every
 * uploaded file is loaded as part of the model, so every one must be signed.
 */
import { quoteName, type StoredFile } from '../artifacts/artifact-manifest.ts';
import type { OmsResource } from './oms-statement.ts';

/** Why the resources are not exactly the files, naming the first file (by name) that differs; undefined when they are. */
export function artifactMismatch(resources: readonly OmsResource[], files: readonly StoredFile[]): string | undefined {
  const signed = new Map(resources.map((r) => [r.name, r.sha256]));
  const uploaded = new Map(files.map((f) => [f.name, f.sha256]));
  const names = [...new Set([...signed.keys(), ...uploaded.keys()])].sort();
  for (const name of names) {
    const signedDigest = signed.get(name);
    const uploadedDigest = uploaded.get(name);
    if (signedDigest === undefined) return `The uploaded file ${quoteName(name)} is not covered by the signature.`;
    if (uploadedDigest === undefined) return `The signature covers ${quoteName(name)}, which is not in the version's artifact.`;
    if (signedDigest !== uploadedDigest) {
      return `The file ${quoteName(name)} does not match the signature: signed sha256 ${signedDigest}, uploaded ${uploadedDigest}.`;
    }
  }
  return undefined;
}
