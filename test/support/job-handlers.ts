/**
 * What a worker hands its job handlers (src/app/worker.ts), built from a test API's parts, for
 * tests that call the handlers in their own process against the real database, vault and queue.
 */
import type { Config } from '../../src/config/config.ts';
import { egressPolicyFrom } from '../../src/endpoints/egress-policy.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { TestApi } from './api.ts';

export function inProcessJobDeps(api: TestApi, engine: Partial<Config['engine']> = {}) {
  return {
    db: api.database.db,
    vault: api.vault,
    store: api.store,
    issuer: api.issuer,
    logger: createLogger('error', {}, () => {}),
    workerId: 'test-worker',
    engine: { backend: 'wasm' as const, wasmThreads: 1, ...engine },
    // The worker's policy comes from the same configuration as the API's.
    egress: egressPolicyFrom(api.config),
  };
}
