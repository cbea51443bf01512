import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { parseSlashLine } from '../src/cli/slash-line.ts';
import { UserError } from '../src/errors.ts';

const parse = (line: string) => {
  const parsed = parseSlashLine(line, commands);
  return { name: parsed.command.data.name, options: parsed.options };
};

describe('parseSlashLine', () => {
  it('reads a command with no options, with or without the slash', () => {
    expect(parse('/latest')).toEqual({ name: 'latest', options: {} });
    expect(parse('  latest  ')).toEqual({ name: 'latest', options: {} });
  });

  it('converts integers and lets a value run until the next option', () => {
    expect(parse('/quotes speaker:Samah Hadid count:3')).toEqual({
      name: 'quotes',
      options: { speaker: 'Samah Hadid', count: 3 },
    });
    expect(parse('/search query:toxic gas shells country:Syria')).toEqual({
      name: 'search',
      options: { query: 'toxic gas shells', country: 'Syria' },
    });
  });

  it('keeps a colon inside a value that is not an option name', () => {
    expect(parse('/search query:note: 10:00 curfew')).toEqual({
      name: 'search',
      options: { query: 'note: 10:00 curfew' },
    });
  });

  it('strips quotes around a value', () => {
    expect(parse('/search query:"country: Syria"')).toEqual({
      name: 'search',
      options: { query: 'country: Syria' },
    });
  });

  it('matches choices by value or label, case-insensitively', () => {
    expect(parse('/latest type:Explosions/Remote violence').options).toEqual({
      type: 'explosions_remote_violence',
    });
    expect(parse('/latest type:BATTLES').options).toEqual({ type: 'battles' });
  });

  it.each([
    ['/nope', /^Unknown command \/nope\. Commands: \/latest/],
    ['/latest count:11', /^count must be between 1 and 10\./],
    ['/latest count:two', /^count must be a whole number, not "two"\./],
    ['/latest cuont:3', /^Unknown option "cuont"\. Options of \/latest: count: country: type: since:/],
    ['/latest hello', /^Unexpected "hello": write option:value\./],
    ['/latest type:earthquake', /^type must be one of: battles, /],
    ['/incident', /^\/incident needs id:/],
    ['/search query:a query:b', /^Option query is given twice\./],
    ['/about extra', /^Unexpected "extra"\. \/about takes no options\./],
    [`/search query:${'x'.repeat(201)}`, /^query is at most 200 characters\./],
    ['', /^Type a command/],
  ])('%s is refused with a helpful message', (line, message) => {
    expect(() => parseSlashLine(line, commands)).toThrow(UserError);
    expect(() => parseSlashLine(line, commands)).toThrow(message);
  });
});
