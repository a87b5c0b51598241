/**
 * Every kind of job the worker runs. Adding one: a handler file exporting its `defineJob(...)`,
 * a JobKind (with its queue in src/jobs/job-queue.ts), and a line here.
 */
import { watermarkJob } from '../watermarks/watermark-job.ts';
import { verificationJob } from '../verifications/verification-job.ts';
import { enrollmentJob } from '../verifications/enrollment/enrollment-job.ts';
import { rewrapJob } from '../keys/rewrap-job.ts';
import { webhookDeliveryJob } from '../webhooks/webhook-delivery-job.ts';

export const JOB_DEFINITIONS = [watermarkJob, rewrapJob, verificationJob, enrollmentJob, webhookDeliveryJob] as const;
