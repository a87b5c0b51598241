import { DomainError } from '../errors/domain-error.ts';

export type JobsErrorCode = 'JOB_NOT_FOUND' | 'JOB_FINISHED';

export class JobsError extends DomainError<JobsErrorCode> {}
