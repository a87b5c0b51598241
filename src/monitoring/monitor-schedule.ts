/**
 * When a monitor runs: every `intervalSeconds`, or at the slots of a five-field cron expression
 * (UTC), each run started up to `jitterSeconds` after its slot at random so that a fleet on the
 * same schedule does not query every endpoint in the same second. A run that was missed (every
 * worker down) is not made up several times: the next slot is computed from the time it runs.
 */
import { CronExpressionParser } from 'cron-parser';
import { MonitoringError } from './monitoring.errors.ts';

export interface MonitorSchedule {
  intervalSeconds: number | null;
  cron: string | null;
  jitterSeconds: number;
}

export interface ScheduleRequest {
  intervalSeconds?: number | null;
  cron?: string | null;
  jitterSeconds?: number | null;
}

/** Longest interval and jitter: a check at least every 30 days, a start at most an hour late. */
export const MAX_INTERVAL_SECONDS = 30 * 86_400;
export const MAX_JITTER_SECONDS = 3600;
const MAX_CRON_CHARS = 100;

/** Checks a request and returns the schedule; `minIntervalSeconds` bounds intervals and cron gaps. */
export function parseSchedule(request: ScheduleRequest, minIntervalSeconds: number): MonitorSchedule {
  const { intervalSeconds = null, cron = null } = request;
  if ((intervalSeconds === null) === (cron === null)) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', 'Give either intervalSeconds or cron.', ['input', intervalSeconds === null ? 'intervalSeconds' : 'cron']);
  }
  const jitterSeconds = request.jitterSeconds ?? 0;
  if (intervalSeconds !== null && (!Number.isInteger(intervalSeconds) || intervalSeconds < minIntervalSeconds || intervalSeconds > MAX_INTERVAL_SECONDS)) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', `intervalSeconds must be a whole number from ${minIntervalSeconds} to ${MAX_INTERVAL_SECONDS}.`, ['input', 'intervalSeconds']);
  }
  if (cron !== null) checkCron(cron, minIntervalSeconds);
  const period = intervalSeconds ?? minIntervalSeconds;
  if (!Number.isInteger(jitterSeconds) || jitterSeconds < 0 || jitterSeconds > Math.min(MAX_JITTER_SECONDS, period)) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', `jitterSeconds must be a whole number from 0 to ${Math.min(MAX_JITTER_SECONDS, period)}.`, ['input', 'jitterSeconds']);
  }
  return { intervalSeconds, cron, jitterSeconds };
}

/**
 * The run after `after`: the first slot later than it, plus jitter (`random` in [0, 1)). Interval
 * slots are `anchor + k * interval`, so a run started late does not push the later ones back.
 */
export function nextRunAfter(schedule: MonitorSchedule, anchor: Date, after: Date, random: () => number = Math.random): Date {
  return withJitter(schedule, nextSlot(schedule, anchor, after), random);
}

/** The first run of a new (or resumed) monitor, anchored at `now`: at once, or its first cron slot. */
export function firstRunAt(schedule: MonitorSchedule, now: Date, random: () => number = Math.random): Date {
  return withJitter(schedule, schedule.intervalSeconds !== null ? now : nextCronSlot(schedule.cron!, now), random);
}

function nextSlot(schedule: MonitorSchedule, anchor: Date, after: Date): Date {
  if (schedule.intervalSeconds === null) return nextCronSlot(schedule.cron!, after);
  const period = schedule.intervalSeconds * 1000;
  const k = Math.floor((after.getTime() - anchor.getTime()) / period) + 1;
  return new Date(anchor.getTime() + Math.max(1, k) * period);
}

function withJitter(schedule: MonitorSchedule, slot: Date, random: () => number): Date {
  return new Date(slot.getTime() + Math.floor(random() * (schedule.jitterSeconds + 1)) * 1000);
}

function nextCronSlot(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' }).next().toDate();
}

function checkCron(cron: string, minIntervalSeconds: number): void {
  const fields = cron.trim().split(/\s+/);
  if (cron.length > MAX_CRON_CHARS || fields.length !== 5) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', 'cron must be a five-field expression (minute hour day-of-month month day-of-week, UTC), e.g. "*/15 * * * *".', ['input', 'cron']);
  }
  let slots: Date[];
  try {
    const parsed = CronExpressionParser.parse(cron, { currentDate: new Date(Date.UTC(2026, 0, 1)), tz: 'UTC' });
    slots = parsed.take(60).map((d) => d.toDate());
  } catch (error) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', `cron is not a valid expression: ${(error as Error).message}`, ['input', 'cron']);
  }
  for (let i = 1; i < slots.length; i++) {
    if (slots[i]!.getTime() - slots[i - 1]!.getTime() < minIntervalSeconds * 1000) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', `cron runs more often than every ${minIntervalSeconds} seconds.`, ['input', 'cron']);
    }
  }
}
