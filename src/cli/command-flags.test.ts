import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { COMMAND_FLAGS, CommandFlags, commandOf, parseCommandLine, unknownFlag as sut, VALUE_FLAGS, valueProblem } from './command-flags.ts';

test('unknown flags are named, with the flags the command takes', () => {
  assert.equal(sut('verify', ['wait', 'endpoint-id', 'json']), null);
  assert.match(sut('verify', ['endpiont-id'])!, /does not take --endpiont-id; it takes .*--endpoint-id/);
  assert.match(sut('serve', ['url'])!, /fragmark serve does not take --url/);
});

test('commands of one or two words', () => {
  assert.equal(commandOf(['endpoints', 'enroll', 'x']), 'endpoints enroll');
  assert.equal(commandOf(['verify', 'id']), 'verify');
  assert.equal(commandOf(['nope']), null);
});

test('flags: values inline or next, a value may start with one dash, repeats are reported', () => {
  const sut = parseCommandLine(['models', 'push', 'm', 'dir', '--version', '1', '--input-range', '-1,1', '--nonce=a=b', '--json', '--tags', 'x', '--tags=y']);
  assert.deepEqual(sut.command, ['models', 'push', 'm', 'dir']);
  assert.deepEqual([...sut.flags], [['version', '1'], ['input-range', '-1,1'], ['nonce', 'a=b'], ['json', true], ['tags', 'y']]);
  assert.deepEqual(sut.repeated, ['tags']);
});

test('a value flag without its value, or a switch with one, is a problem (verify --endpoint alone is not)', () => {
  assert.match(valueProblem('models list', new Map([['first', true]]))!, /--first needs a value/);
  assert.match(valueProblem('verify', new Map([['wait', 'no']]))!, /--wait is a switch and takes no value/);
  assert.equal(valueProblem('verify', new Map([['endpoint', true], ['wait', true]])), null);
  assert.match(valueProblem('endpoints enroll', new Map([['endpoint', true]]))!, /--endpoint needs a value/);
});

test('a command that reads a flag it does not declare fails; declared ones read as a Map', () => {
  const sut = new CommandFlags('keys list', [['all', true]]);
  assert.equal(sut.has('all'), true);
  assert.equal(sut.get('first'), undefined);
  assert.throws(() => sut.get('role'), /fragmark keys list reads --role, which COMMAND_FLAGS .* does not declare/);
});

test('every flag the commands read is declared by some command, and those read as values are VALUE_FLAGS', async () => {
  const dir = new URL('./', import.meta.url);
  const declared = new Set(Object.values(COMMAND_FLAGS).flat());
  const read = { value: new Set<string>(), any: new Set<string>() };
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = await readFile(new URL(file, dir), 'utf8');
    for (const m of source.matchAll(/\bflag\(flags, '([\w-]+)'\)/g)) read.value.add(m[1]!);
    for (const m of source.matchAll(/\bflags\.(?:has|get)\('([\w-]+)'\)/g)) read.any.add(m[1]!);
  }
  assert.ok(read.value.size > 30 && read.any.size > 5, 'the patterns still find the reads');
  for (const name of [...read.value, ...read.any]) assert.ok(declared.has(name) || name === 'json' || name === 'help', `--${name} is read but no command declares it`);
  for (const name of read.value) assert.ok(VALUE_FLAGS.has(name), `--${name} is read as a value but is not in VALUE_FLAGS`);
});
