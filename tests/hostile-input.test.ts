// Hostile command input, property-based: arbitrary strings (any Unicode, half surrogate pairs, control
// characters, right-to-left text, mention and Markdown syntax, thousands of characters) and arbitrary
// numbers in every option of every command and every autocomplete, over the example data plus the
// corpus's hostile incidents. No answer throws anything but a UserError, exceeds a Discord limit or
// pings anyone; autocomplete always gives Discord a list it accepts.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { Command, CommandContext, OptionValues } from '../commands/types.ts';
import { parseSlashLine } from '../src/cli/slash-line.ts';
import type { DigestConfig } from '../src/config.ts';
import { createDigestService } from '../src/digest/service.ts';
import { UserError } from '../src/errors.ts';
import { Catalog, type CatalogEntry } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { latest } from '../src/incidents/queries.ts';
import { EVENT_TYPES, SUB_EVENT_TYPES } from '../src/incidents/taxonomy.ts';
import { tokenize } from '../src/incidents/text.ts';
import type { Answer } from '../src/render/answer.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { EPHEMERAL_FLAG } from '../src/render/limits.ts';
import { presentError, presentLatest } from '../src/render/present.ts';
import { toText } from '../src/render/text.ts';
import { inspectPages, pageText, problemsOf } from './corpus/discord-checks.ts';

/** Modest run counts: the whole file stays well under 15 s on a slow 2-core machine. */
const RUNS = 150;

/**
 * Runs for one command's property: a command without options has little to vary, and a heavy one (a
 * map drawn as a PNG) stops after its time share, so the file stays fast as commands are added.
 */
function runsFor(command: Command): fc.Parameters<[OptionValues]> {
  return {
    numRuns: optionsOf(command).length === 0 ? 15 : RUNS,
    // Long enough that even a loaded CI machine completes a few runs of the heaviest command (fast-check
    // fails a property interrupted before its first run).
    interruptAfterTimeLimit: 4000,
    markInterruptAsFailure: false,
  };
}

const NOW = new Date('2024-06-01T12:00:00Z');

type Option = NonNullable<Command['data']['options']>[number];
const SUB_COMMAND = 1;
const STRING = 3;
const INTEGER = 4;

let context: CommandContext;
/** Names from the data, so generated input often hits real incidents, countries and speakers. */
let known: string[] = [];
/** Values a user might really type, by option name. */
let plausible: Record<string, string[]> = {};

/** Digests whose own titles are hostile, behind a runner that previews the latest incidents. */
const DIGESTS: DigestConfig[] = [
  {
    id: '1',
    channelId: '123456789012345678',
    cron: '0 7 * * *',
    timezone: 'Europe/Berlin',
    countries: ['Syria'],
    title: 'Morning @everyone <@&123456789012345678> **briefing** 🇸🇾',
    whenEmpty: 'quiet',
  },
  {
    id: '2',
    channelId: '123456789012345679',
    cron: '30 18 * * 1-5',
    timezone: 'Asia/Damascus',
    countries: [],
    title: 'مساء [x](https://evil.example) `code`',
    whenEmpty: 'post',
  },
];

beforeAll(async () => {
  const example = await loadCatalog('data');
  const corpus = await loadCatalog('tests/corpus/cases');
  const entries = (from: Catalog): CatalogEntry[] =>
    [...from.all()].flatMap((incident) => from.entry(incident.id) ?? []);
  const catalog = Catalog.fromEntries([...entries(example.catalog), ...entries(corpus.catalog)]);
  expect(catalog.has('corpus-valid-injection-yaml')).toBe(true);
  expect(catalog.has('2016-10-30-aleppo-west-shelling')).toBe(true);
  const digests = createDigestService(
    DIGESTS,
    {
      preview: async () => presentLatest(latest(catalog, { count: 10 }, NOW)),
      state: async () => ({
        cursor: undefined,
        pending: undefined,
        last: undefined,
        lastScheduled: undefined,
      }),
    },
    () => NOW.getTime(),
  );
  context = { catalog, now: NOW, version: '0.0.0-test', loadedAt: NOW, digests };

  const incidents = [...catalog.all()];
  const quotes = incidents.flatMap((i) => i.quotes);
  const distinct = (values: (string | undefined)[]) => [
    ...new Set(values.filter((v): v is string => v !== undefined && v !== '')),
  ];
  const prefixes = (values: string[]) => values.flatMap((v) => [v, cut(v, 3), v.toUpperCase()]);
  plausible = {
    id: distinct(
      incidents.flatMap((i) => [i.id, i.id.toUpperCase(), ` ${i.id} `, i.title, i.id.slice(0, -1)]),
    ),
    country: distinct(
      prefixes(
        incidents
          .flatMap((i) => [i.location.country, i.location.iso3?.toLowerCase()])
          .filter((v): v is string => v !== undefined),
      ),
    ),
    speaker: distinct(prefixes(quotes.map((q) => q.speaker))),
    organization: distinct(
      prefixes(quotes.map((q) => q.organization).filter((v): v is string => v !== undefined)),
    ),
    query: distinct(
      incidents.flatMap((i) => [...tokenize(i.title), ...tokenize(i.summary).slice(0, 20), i.title]),
    ),
    since: [
      '2016',
      '2016-10',
      '2016-10-28',
      '2016-10-31',
      '2015-1-1',
      '10y',
      '8 years',
      'last year',
      '7d',
      'today',
    ],
    until: ['2016', '2016-10', '2016-10-29', '2017-02', '2016/10/30', 'yesterday', '1y'],
    type: distinct([
      ...Object.keys(EVENT_TYPES),
      ...Object.values(EVENT_TYPES),
      ...Object.keys(SUB_EVENT_TYPES),
    ]),
    digest: ['1', '2', ' 1 ', 'Morning', DIGESTS[0]?.title ?? ''],
  };
  plausible.incident = plausible.id ?? [];
  known = distinct([
    ...Object.values(plausible).flat(),
    ...quotes.map((q) => cut(q.text, 40)),
    ...incidents.flatMap((i) => i.casualties.map((c) => c.claimant)),
  ]);
});

const FRAGMENTS = [
  '@everyone',
  '@here',
  '<@123456789012345678>',
  '<@!123456789012345678>',
  '<@&123456789012345678>',
  '<#123456789012345678>',
  '</ban:1>',
  '```',
  '`',
  '[x](https://evil.example)',
  'https://evil.example/@everyone',
  '# ',
  '\n',
  '\r\n',
  '> ',
  '>>> ',
  '-# ',
  '||',
  '**',
  '_',
  '~~',
  '\\',
  '"',
  "'",
  '“',
  '”',
  ':',
  ' ',
  '\t',
  '\u00a0',
  'count:',
  'query:',
  'country:',
  'id:',
  '$&',
  '$1',
  '.*',
  '(?:',
  '%',
  'حلب',
  'سامح',
  '\u202e',
  '\u200f',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u0000',
  '\u001b[2J',
  '\u0007',
  '\u0301',
  '\ud800',
  '\udfff',
  '👨‍👩‍👧‍👦',
  '🇸🇾',
  'e\u0301',
  'Syria',
  'syr',
  'SYR',
  'iraq',
  'Aleppo',
  'aleppo shelling',
  'toxic gas',
  'Samah Hadid',
  'Amnesty',
  'United Nations',
  'the',
  'of',
  'a',
  'battles',
  'Explosions/Remote violence',
  'shelling_artillery_missile_attack',
  '2016',
  '2016-10',
  '2016-10-28',
  '2016-02-30',
  '2016-13',
  '0000-01-01',
  '9999-12-31',
  '7d',
  '3m',
  '999999y',
  '100000 years ago',
  'last week',
  'today',
  'yesterday',
  '0',
  '-1',
  '1e309',
  'NaN',
];

/** One piece of hostile text: a fragment, a name from the data, any code point, or half a surrogate pair. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...known)) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);

/** At most `max` UTF-16 units, without leaving half of a surrogate pair at the end. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** For option `name`: what users type for it, hostile text, or the two run together. */
function optionText(name: string, max: number): fc.Arbitrary<string> {
  const real = fc.constant(null).chain(() => fc.constantFrom(...(plausible[name] ?? known)));
  return fc
    .oneof(
      { weight: 4, arbitrary: real },
      { weight: 4, arbitrary: hostileText(max) },
      { weight: 2, arbitrary: fc.tuple(real, piece, real).map((parts) => parts.join('')) },
    )
    .map((text) => cut(text, max));
}

/** Hostile text of at most `max` UTF-16 units (Discord counts max_length in characters; we cut by units). */
function hostileText(max: number): fc.Arbitrary<string> {
  const short = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
  const long = fc
    .tuple(piece, fc.integer({ min: 20, max: 1500 }))
    .map(([p, n]) => p.repeat(n))
    .filter((s) => s.length > 0);
  const huge = fc.string({ unit: 'binary', minLength: 500, maxLength: 4000 });
  return fc
    .oneof({ weight: 6, arbitrary: short }, { weight: 1, arbitrary: long }, { weight: 1, arbitrary: huge })
    .map((s) => cut(s, max));
}

/** Any number a buggy client or the offline console could send. */
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, -0, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Infinity, -Infinity, Number.NaN),
);

/** A command's value options; a sub-command's options count as the command's (the handlers get them flat). */
function optionsOf(command: Command): Option[] {
  return ((command.data.options ?? []) as Option[]).flatMap((option) =>
    option.type === SUB_COMMAND && 'options' in option ? ((option.options ?? []) as Option[]) : [option],
  );
}

/** Options as Discord delivers them: choices from the list, max_length and min/max values respected. */
function discordOptions(command: Command): fc.Arbitrary<OptionValues> {
  const shape: Record<string, fc.Arbitrary<string | number>> = {};
  const required: string[] = [];
  for (const option of optionsOf(command)) {
    if (option.type === STRING) {
      const choices = 'choices' in option ? (option.choices ?? []) : [];
      const max = 'max_length' in option ? (option.max_length ?? 6000) : 6000;
      shape[option.name] =
        choices.length > 0
          ? fc.constantFrom(...choices.map((c) => String(c.value)))
          : optionText(option.name, max);
    } else if (option.type === INTEGER) {
      const min = 'min_value' in option ? option.min_value : undefined;
      const max = 'max_value' in option ? option.max_value : undefined;
      shape[option.name] = fc.integer({
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      });
    }
    if ('required' in option && option.required) required.push(option.name);
  }
  return fc.record(shape, { requiredKeys: required });
}

/** Anything at all in any option, plus options the command does not have. */
function wildOptions(command: Command): fc.Arbitrary<OptionValues> {
  const value = (name: string) => fc.oneof(optionText(name, 6000), anyNumber, fc.boolean());
  const shape: Record<string, fc.Arbitrary<string | number | boolean>> = {};
  for (const option of optionsOf(command)) shape[option.name] = value(option.name);
  shape.nonsense = value('nonsense');
  return fc.record(shape, { requiredKeys: [] });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Bidirectional marks, embeddings, overrides and isolates: none may reach a reply. */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');

function command(name: string): Command {
  const found = commands.find((c) => c.data.name === name);
  if (!found) throw new Error(`no command /${name}`);
  return found;
}

/**
 * Runs a command to the end a user sees and checks it: an answer, or a UserError shown as one. Any other
 * throw fails the property with that error.
 */

async function answerAndCheck(command: Command, options: OptionValues): Promise<void> {
  let pages: ReturnType<typeof toDiscordPages>;
  try {
    const answer = await command.execute(options, context);
    pages = toDiscordPages(answer);
    // The terminal gets no bidirectional control either (inspectPages checks the Discord pages).
    expect(toText(answer)).not.toMatch(BIDI_CONTROL);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message.length).toBeLessThanOrEqual(2000);
    pages = toDiscordPages(presentError(error.message));
    expect(pages.every((p) => p.flags === EPHEMERAL_FLAG)).toBe(true);
  }
  expect(problemsOf(inspectPages(pages))).toEqual([]);
}

function checkChoices(choices: readonly { name: string; value: string }[]): void {
  expect(choices.length).toBeLessThanOrEqual(25);
  for (const { name, value } of choices) {
    expect(name.length).toBeGreaterThanOrEqual(1);
    expect(name.length).toBeLessThanOrEqual(100);
    expect(value.length).toBeGreaterThanOrEqual(1);
    expect(value.length).toBeLessThanOrEqual(100);
    // Choices come from the data, which is well-formed: a cut must not leave half a character.
    expect(LONE_SURROGATE.test(name) || LONE_SURROGATE.test(value)).toBe(false);
  }
}

describe('hostile command input', () => {
  for (const command of commands) {
    const name = command.data.name;

    it(`/${name}: any option values Discord would deliver give an answer or a UserError, within limits`, async () => {
      await fc.assert(
        fc.asyncProperty(discordOptions(command), (options) => answerAndCheck(command, options)),
        runsFor(command),
      );
    });

    it(`/${name}: out-of-range, wrong-typed and unknown options are refused or clamped, never a crash`, async () => {
      await fc.assert(
        fc.asyncProperty(wildOptions(command), (options) => answerAndCheck(command, options)),
        runsFor(command),
      );
    });
  }

  it('clamps counts Discord would refuse (0, negative, huge, fractional, not a number) to the declared range', async () => {
    const counts = [0, -5, 11, 26, 1e9, 2.5, Number.NaN, Infinity, -Infinity];
    const shown = (answer: Answer) =>
      answer.sections.reduce(
        (n, s) => n + (s.fields?.length ?? 0) + (s.description?.match(/\nIncident: /g)?.length ?? 0),
        0,
      );
    for (const count of counts) {
      const latestAnswer = await command('latest').execute({ count }, context);
      expect(shown(latestAnswer)).toBeGreaterThanOrEqual(1);
      expect(shown(latestAnswer)).toBeLessThanOrEqual(10);
      const searchAnswer = await command('search').execute({ query: 'aleppo', count }, context);
      expect(shown(searchAnswer)).toBeGreaterThanOrEqual(1);
      expect(shown(searchAnswer)).toBeLessThanOrEqual(10);
      const quotesAnswer = await command('quotes').execute({ count }, context);
      expect(shown(quotesAnswer)).toBeGreaterThanOrEqual(1);
      expect(shown(quotesAnswer)).toBeLessThanOrEqual(25);
    }
  });

  it('autocomplete of every option of every command gives Discord a list it accepts, never a throw', () => {
    const targets = commands.flatMap((command) =>
      command.autocomplete === undefined
        ? []
        : optionsOf(command).map((option) => ({ command, option: option.name })),
    );
    const focused = fc.constantFrom(...targets).chain((target) =>
      fc.record({
        target: fc.constant(target),
        // What the user has typed so far: within max_length from Discord, but a buggy client may send more.
        value: fc.oneof(
          { weight: 4, arbitrary: optionText(target.option, 100) },
          { weight: 1, arbitrary: optionText(target.option, 6000) },
        ),
        otherName: fc.option(fc.constantFrom('nonsense', ''), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(focused, ({ target, value, otherName }) => {
        const choices =
          target.command.autocomplete?.({ name: otherName ?? target.option, value }, {}, context) ?? [];
        checkChoices(choices);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a right-to-left override typed into /search is not echoed into the public reply', async () => {
    for (const query of ['aleppo\u202e', '\u202eoppela', 'x\u2067y\u200f\u061cz\u202a']) {
      let answer: Answer;
      try {
        answer = await command('search').execute({ query }, context);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        answer = presentError(error.message);
      }
      // The answer echoes the query as typed ("Search: …"); the pages and the terminal show it without
      // its controls.
      expect(JSON.stringify(answer)).toContain(query);
      expect(pageText(toDiscordPages(answer))).toContain(query.replace(BIDI_CONTROLS, ''));
      const pages = toDiscordPages(answer);
      expect(JSON.stringify(pages)).not.toMatch(BIDI_CONTROL);
      expect(toText(answer)).not.toMatch(BIDI_CONTROL);
      expect(problemsOf(inspectPages(pages))).toEqual([]);
    }
  });

  it('parsing any typed line throws nothing but a UserError', () => {
    fc.assert(
      fc.property(hostileText(6000), (line) => {
        try {
          parseSlashLine(line, commands);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          expect(problemsOf(inspectPages(toDiscordPages(presentError(error.message))))).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a typed line that names a command and its options is answered or refused, never a crash', async () => {
    const line = fc
      .tuple(
        fc.constantFrom(...commands),
        fc.array(fc.tuple(fc.nat(), hostileText(300)), { maxLength: 4 }),
        fc.constantFrom('/', '', '  /'),
      )
      .map(([command, parts, slash]) => {
        const names = optionsOf(command).map((o) => o.name);
        const rest = parts
          .map(([i, value]) => (names.length === 0 ? value : `${names[i % names.length]}:${value}`))
          .join(' ');
        // A command with sub-commands (/digest preview) is typed with the first one's name.
        const sub = ((command.data.options ?? []) as Option[]).find((o) => o.type === SUB_COMMAND);
        return `${slash}${command.data.name}${sub ? ` ${sub.name}` : ''} ${rest}`;
      });
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        let parsed: ReturnType<typeof parseSlashLine>;
        try {
          parsed = parseSlashLine(text, commands);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          return;
        }
        await answerAndCheck(parsed.command, parsed.options);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 1000, markInterruptAsFailure: false },
    );
  });
});
