/**
 * A kind of job as the worker runs it: its kind (which fixes its queue, and so whether it holds
 * a CPU or waits on I/O: QUEUE_OF_KIND, QUEUE_RESOURCE) and the handler the runtime calls for
 * each attempt. Handlers receive what they need (`Deps`) and never write job status themselves
 * beyond their final, fenced transaction; the runtime owns interruptions (job-runtime.ts).
 * Adding a kind: its handler file exporting a definition, and one line in src/app/job-definitions.ts.
 */
import type { JobKind } from '../db/generated/client.ts';
import type { RunningJob } from './job-runtime.ts';

export interface JobDefinition<Deps> {
  kind: JobKind;
  /** Most attempts one worker runs at once; default: the resource's slots (CPU or I/O). */
  maxConcurrency?: number;
  run(deps: Deps, job: RunningJob): Promise<void>;
}

export function defineJob<Deps>(definition: JobDefinition<Deps>): JobDefinition<Deps> {
  return definition;
}
