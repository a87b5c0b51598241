import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstRunAt, nextRunAfter, parseSchedule } from './monitor-schedule.ts';
import { MonitoringError } from './monitoring.errors.ts';

const at = (iso: string) => new Date(iso);
const refused = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof MonitoringError && e.code === 'INVALID_MONITOR_INPUT' && message.test(e.message));

test('interval runs fall at anchor + k x interval, however late the last run started', () => {
  const sut = parseSchedule({ intervalSeconds: 60 }, 60);
  const anchor = at('2026-12-01T10:00:00Z');
  assert.deepEqual(nextRunAfter(sut, anchor, at('2026-12-01T10:00:00Z'), () => 0), at('2026-12-01T10:01:00Z'));
  // Started 17 s late: the next slot is still on the grid, not 60 s after the late start.
  assert.deepEqual(nextRunAfter(sut, anchor, at('2026-12-01T10:01:17Z'), () => 0), at('2026-12-01T10:02:00Z'));
  // Every worker down for 5 minutes: one run, then back on the grid (missed slots are not replayed).
  assert.deepEqual(nextRunAfter(sut, anchor, at('2026-12-01T10:06:30Z'), () => 0), at('2026-12-01T10:07:00Z'));
});

test('jitter delays a run by 0 to jitterSeconds, whole seconds', () => {
  const sut = parseSchedule({ intervalSeconds: 300, jitterSeconds: 30 }, 60);
  const anchor = at('2026-12-01T10:00:00Z');
  assert.deepEqual(nextRunAfter(sut, anchor, anchor, () => 0), at('2026-12-01T10:05:00Z'));
  assert.deepEqual(nextRunAfter(sut, anchor, anchor, () => 0.999), at('2026-12-01T10:05:30Z'));
  assert.deepEqual(firstRunAt(sut, anchor, () => 0.5), at('2026-12-01T10:00:15Z'));
});

test('cron schedules run at their UTC slots; the first run waits for the first slot', () => {
  const sut = parseSchedule({ cron: '*/15 * * * *' }, 60);
  assert.deepEqual(firstRunAt(sut, at('2026-12-01T10:07:00Z'), () => 0), at('2026-12-01T10:15:00Z'));
  assert.deepEqual(nextRunAfter(sut, at('2026-01-01T00:00:00Z'), at('2026-12-01T10:15:02Z'), () => 0), at('2026-12-01T10:30:00Z'));
  const daily = parseSchedule({ cron: '30 2 * * *' }, 60);
  assert.deepEqual(firstRunAt(daily, at('2026-12-01T10:07:00Z'), () => 0), at('2026-12-02T02:30:00Z'));
});

test('bad schedules are refused, saying what is allowed', () => {
  refused(() => parseSchedule({}, 60), /either intervalSeconds or cron/);
  refused(() => parseSchedule({ intervalSeconds: 60, cron: '* * * * *' }, 60), /either intervalSeconds or cron/);
  refused(() => parseSchedule({ intervalSeconds: 59 }, 60), /from 60 to 2592000/);
  refused(() => parseSchedule({ intervalSeconds: 90.5 }, 60), /whole number/);
  refused(() => parseSchedule({ intervalSeconds: 31 * 86_400 }, 60), /from 60 to 2592000/);
  refused(() => parseSchedule({ cron: '*/30 * * * * *' }, 60), /five-field/);
  refused(() => parseSchedule({ cron: 'every minute' }, 60), /five-field/);
  refused(() => parseSchedule({ cron: '61 * * * *' }, 60), /not a valid expression/);
  refused(() => parseSchedule({ cron: '* * * * *' }, 120), /more often than every 120 seconds/);
  refused(() => parseSchedule({ intervalSeconds: 60, jitterSeconds: 61 }, 60), /jitterSeconds must be a whole number from 0 to 60/);
  refused(() => parseSchedule({ intervalSeconds: 86_400, jitterSeconds: 3601 }, 60), /from 0 to 3600/);
  assert.deepEqual(parseSchedule({ cron: '0 * * * *', jitterSeconds: 60 }, 60), { intervalSeconds: null, cron: '0 * * * *', jitterSeconds: 60 });
});
