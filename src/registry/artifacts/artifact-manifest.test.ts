import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildManifest, manifestJson, storedManifest as sut } from './artifact-manifest.ts';
import { isArtifactError } from './artifact.errors.ts';

const manifest = buildManifest([
  { name: 'weights.bin', sha256: 'b'.repeat(64), size: 400 },
  { name: 'model.json', sha256: 'a'.repeat(64), size: 12 },
]);
/** The manifest as a JSON column gives it back. */
const stored = () => JSON.parse(JSON.stringify(manifestJson(manifest)));

test('a stored manifest reads back as written', () => {
  assert.deepEqual(sut(stored()), manifest);
  assert.deepEqual(
    sut(stored()).files.map((f) => f.name),
    ['model.json', 'weights.bin'],
  );
});

test('a row altered outside Fragmark is ARTIFACT_CORRUPT, never a read of what it names', () => {
  const altered = [
    null,
    [],
    { ...stored(), files: 'model.json' },
    // A path out of the model folder, with the digest recomputed to match.
    manifestJson(buildManifest([{ name: '../../etc/passwd', sha256: 'a'.repeat(64), size: 12 }])),
    (() => {
      const m = stored();
      m.files[1].sha256 = 'not-hex';
      return m;
    })(),
    (() => {
      const m = stored();
      m.files[1].size = -1;
      return m;
    })(),
    // A file swapped for another blob without the digest following.
    (() => {
      const m = stored();
      m.files[1].sha256 = 'c'.repeat(64);
      return m;
    })(),
  ];
  for (const row of altered) assert.throws(() => sut(row), (error) => isArtifactError(error, 'ARTIFACT_CORRUPT'), JSON.stringify(row));
});
