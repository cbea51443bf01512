import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { completeLine } from '../src/cli/console.ts';
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

  it('reads a sub-command and its options, passing its name as `subcommand` as Discord does', () => {
    expect(parse('/digest preview')).toEqual({ name: 'digest', options: { subcommand: 'preview' } });
    expect(parse('/digest preview digest:2')).toEqual({
      name: 'digest',
      options: { subcommand: 'preview', digest: '2' },
    });
    expect(parse('/digest-admin STATUS')).toEqual({
      name: 'digest-admin',
      options: { subcommand: 'status' },
    });
  });

  it('keeps a colon after a word that is no near miss of an option name, and in a quoted value', () => {
    expect(parse('/search query:note: 10:00 country:Syria').options).toEqual({
      query: 'note: 10:00',
      country: 'Syria',
    });
    expect(parse('/search query:"countr: x"').options).toEqual({ query: 'countr: x' });
  });

  it.each([
    ['/nope', /^Unknown command \/nope\. Commands: \/latest/],
    ['/lates', /^Unknown command \/lates\. Did you mean \/latest\? Commands: \/latest/],
    ['/serch query:x', /^Unknown command \/serch\. Did you mean \/search\?/],
    ['/latest count:11', /^count must be between 1 and 10\./],
    ['/latest count:two', /^count must be a whole number, not "two"\./],
    [
      '/latest cuont:3',
      /^Unknown option "cuont"\. Did you mean count:\? Options of \/latest: count: country: type: since:/,
    ],
    ['/latest cont:3', /^Unknown option "cont"\. Did you mean count:\?/],
    ['/latest count:3 countr:Syria', /^Unknown option "countr"\. Did you mean country:\?/],
    ['/latest zzz:3', /^Unknown option "zzz"\. Options of \/latest:/],
    ['/digest', /^\/digest needs a sub-command: \/digest preview, \/digest status, \/digest why\./],
    ['/digest previw', /^Unknown sub-command "previw" of \/digest\. Did you mean \/digest preview\?/],
    [
      '/digest preview digets:1',
      /^Unknown option "digets"\. Did you mean digest:\? Options of \/digest preview: digest:/,
    ],
    ['/digest-admin status extra', /^Unexpected "extra"\. \/digest-admin status takes no options\./],
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

describe('console completion', () => {
  it('completes sub-command names, then the sub-command’s options', () => {
    expect(completeLine('/dig')).toEqual([['/digest ', '/digest-admin '], '/dig']);
    expect(completeLine('/digest p')).toEqual([['preview '], 'p']);
    expect(completeLine('/digest preview d')).toEqual([['digest:'], 'd']);
    expect(completeLine('/latest co')).toEqual([['count:', 'country:'], 'co']);
  });
});
