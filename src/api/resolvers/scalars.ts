import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 instants with an explicit zone; serialised in UTC. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, as an ISO 8601 string in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string such as 2026-11-25T16:30:00Z');
    return parseInstant(ast.value);
  },
});

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** What PostgreSQL's timestamp columns and ISO 8601 without an expanded year both hold. */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A real calendar instant: JavaScript's Date would roll 2026-02-30 over to March, and takes year
 * 0000, which PostgreSQL refuses; both are the client's mistake, so they are refused here, as a
 * BAD_USER_INPUT (variables) or a validation error (literals), before anything reaches the database.
 */
function parseInstant(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  if (!match) throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, such as 2026-11-25T16:30:00Z');
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number, number, number, number, number, number, number, number,
  ];
  // Leap years repeat every 400 years; 2000 + year % 400 keeps Date.UTC away from its 19xx mapping of years 0-99.
  const daysInMonth = new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  const date = new Date(value as string);
  if (!valid || Number.isNaN(date.getTime())) throw new GraphQLError(`Invalid DateTime: ${JSON.stringify(value)} is not a date and time of the calendar.`);
  if (date.getTime() < EARLIEST || date.getTime() > LATEST) {
    throw new GraphQLError(`Invalid DateTime: ${JSON.stringify(value)} is outside the years 0001 to 9999 (UTC).`);
  }
  return date;
}
