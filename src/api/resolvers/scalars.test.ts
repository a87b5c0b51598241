import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError, Kind } from 'graphql';
import { DateTimeScalar as sut } from './scalars.ts';

const refused = (value: string, message: RegExp) =>
  assert.throws(() => sut.parseValue(value), (error: unknown) => error instanceof GraphQLError && message.test(error.message), value);

test('DateTime takes ISO 8601 instants with a zone', () => {
  assert.equal(sut.parseValue('2026-11-25T16:30:00Z').toISOString(), '2026-11-25T16:30:00.000Z');
  assert.equal(sut.parseValue('2026-11-25T16:30Z').toISOString(), '2026-11-25T16:30:00.000Z');
  assert.equal(sut.parseValue('2026-11-25T17:30:00.250+01:00').toISOString(), '2026-11-25T16:30:00.250Z');
  assert.equal(sut.parseValue('2024-02-29T00:00:00Z').toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(sut.parseValue('2000-02-29T00:00:00Z').toISOString(), '2000-02-29T00:00:00.000Z');
  assert.equal(sut.parseValue('0001-01-01T00:00:00Z').toISOString(), '0001-01-01T00:00:00.000Z');
  assert.equal(sut.parseValue('9999-12-31T23:59:59.999Z').toISOString(), '9999-12-31T23:59:59.999Z');
  assert.equal(sut.parseLiteral({ kind: Kind.STRING, value: '2026-01-02T03:04:05Z' }).toISOString(), '2026-01-02T03:04:05.000Z');
  refused('2026-11-25 16:30:00', /ISO 8601/);
  refused('2026-11-25T16:30:00', /ISO 8601/);
});

test('DateTime refuses year 0000 and instants outside 0001-9999 UTC (PostgreSQL cannot store them)', () => {
  refused('0000-01-01T00:00:00Z', /outside the years 0001 to 9999/);
  refused('0000-12-31T23:59:59Z', /outside the years 0001 to 9999/);
  // Year 1 in the local zone, year 0 in UTC.
  refused('0001-01-01T00:30:00+01:00', /outside the years 0001 to 9999/);
  refused('9999-12-31T23:30:00-01:00', /outside the years 0001 to 9999/);
  assert.throws(() => sut.parseLiteral({ kind: Kind.STRING, value: '0000-01-01T00:00:00Z' }), /outside the years/);
});

test('DateTime refuses dates that are not on the calendar instead of rolling them over', () => {
  for (const value of [
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T00:00:00+24:00',
  ]) {
    refused(value, /is not a date and time of the calendar/);
  }
});
