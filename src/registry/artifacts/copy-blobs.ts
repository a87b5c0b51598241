/** Copies every blob of one store into another (changing stores: `fragmark artifacts copy`). Idempotent. */
import type { ArtifactStore } from './artifact-store.ts';

export async function copyBlobs(from: ArtifactStore, to: ArtifactStore): Promise<{ copied: number; present: number; bytes: number }> {
  const result = { copied: 0, present: 0, bytes: 0 };
  for await (const blob of from.list()) {
    if (await to.has(blob.sha256)) {
      result.present += 1;
      continue;
    }
    const stream = await from.get(blob.sha256);
    if (stream === undefined) continue; // deleted meanwhile
    // Announcing the digest makes the target check the bytes: a damaged source blob is refused, not copied.
    await to.put(stream, { sha256: blob.sha256, size: blob.size });
    result.copied += 1;
    result.bytes += blob.size;
  }
  return result;
}
