import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_FLAGS } from './command-flags.ts';
import { describedPart, USAGE, usageOf as sut } from './usage.ts';

/** Described once for all client commands, in the Options section. */
const EVERYWHERE = new Set(['url', 'key']);

test('every command has its own --help, which describes every flag it declares and lists them all', () => {
  for (const [command, flags] of Object.entries(COMMAND_FLAGS)) {
    const help = sut(command);
    assert.notEqual(help, USAGE, `${command} has its own part of the usage`);
    assert.ok(help.startsWith(`Usage: fragmark ${command.replace(/^monitors (pause|resume)$/, 'monitors pause|resume')}`), `${command}: ${help.split('\n')[0]}`);
    const described = describedPart(command);
    const options = help.split('\n').at(-1)!;
    for (const flag of flags) {
      assert.match(options, new RegExp(`--${flag}(\\s|$)`), `${command} --help lists --${flag}`);
      if (!EVERYWHERE.has(flag)) assert.match(described, new RegExp(`--${flag}\\b`), `${command} --help describes --${flag}`);
    }
    assert.match(options, /--json --help$/);
  }
});

test('value flags show that they take a value; an unknown command gets the whole usage', () => {
  assert.match(sut('keys create'), /Options: .*--role <value> .*--json --help$/);
  assert.equal(sut('nope'), USAGE);
});
