// The bad-data corpus (tests/corpus/): every broken file is reported with its exact problem lines and
// skipped, every valid file beside it still loads, nothing throws, and every loaded incident — hostile
// text included — is answered by every command within Discord's limits without pinging anyone.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { Command, CommandContext, OptionValues } from '../commands/types.ts';
import { UserError } from '../src/errors.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { type LoadResult, loadCatalog } from '../src/incidents/load.ts';
import { displayPath, listIncidentFiles, readIncidentFile } from '../src/incidents/loader.ts';
import { formatProblem, formatProblemWithSource, type ParsedFile } from '../src/incidents/parse.ts';
import type { Incident } from '../src/incidents/schema.ts';
import type { Answer } from '../src/render/answer.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { presentError } from '../src/render/present.ts';
import { toText } from '../src/render/text.ts';
import { inspectPages, pageText } from './corpus/discord-checks.ts';

const CASES = path.join('tests', 'corpus', 'cases');
const EXPECTED = JSON.parse(readFileSync('tests/corpus/expected.json', 'utf8')) as Record<string, string[]>;

/** The counts behind the summary line. */
const tally = { tried: 0, crashed: 0, lostGoodData: 0, pinged: 0 };
const crashes: string[] = [];
const lost: string[] = [];
const pings: string[] = [];

/** A minimal valid incident for the cases written at test time. */
function incidentYaml(id: string, summary = 'A neutral summary.'): string {
  return [
    `id: ${id}`,
    'title: Written at test time',
    'date: { start: 2016-10-29 }',
    'location: { country: Syria, iso3: SYR, place: Aleppo }',
    'type: { event: battles }',
    `summary: ${summary}`,
    'sources: [{ id: wire, name: Wire }]',
    '',
  ].join('\n');
}

/**
 * Cases that cannot live in git, written to a temporary folder: each file name with the exact lines
 * expected for it ([] for a valid file that must load). Paths outside the working directory are shown
 * absolute, as `sitrep validate` shows them.
 */
async function writeTestTimeCases(dir: string): Promise<Record<string, string[]>> {
  const at = (name: string) => path.join(dir, name);
  const line = (name: string, message: string) => `${at(name)}: ${message}`;
  const utf16 = Buffer.from(`\ufeff${incidentYaml('utf16')}`, 'utf16le');

  await writeFile(at('good.yaml'), incidentYaml('tmp-good'));
  await mkdir(at('nested'));
  await writeFile(at('nested/also-good.yaml'), incidentYaml('tmp-also-good'));
  // A sparse file of 4 GiB: refusing it by size is the only way to answer in time, and reading it
  // would fail differently (Node cannot read more than 2 GiB into one buffer).
  const big = await open(at('oversize.yaml'), 'w');
  await big.truncate(4 * 1024 ** 3);
  await big.close();
  await writeFile(
    at('invalid-utf8.yaml'),
    Buffer.from([...Buffer.from('id: x\ntitle: '), 0xc3, 0x28, 0xff, 0x0a]),
  );
  await writeFile(at('utf16le-bom.yaml'), utf16);
  await writeFile(at('utf16be-bom.json'), Buffer.from(utf16).swap16());
  await writeFile(at('utf16le-no-bom.yaml'), Buffer.from(incidentYaml('utf16-nobom'), 'utf16le'));
  await writeFile(
    at('raw-control-bytes.yaml'),
    incidentYaml('raw-controls', 'Red\u001b[31m alert\u0007 now.'),
  );
  await writeFile(at('name-with-\u001b[2J-escape.json'), '[]');
  await symlink(at('does-not-exist.yaml'), at('broken-link.yaml'));
  await symlink('..', at('nested/loop'));

  return {
    'good.yaml': [],
    'nested/also-good.yaml': [],
    'oversize.yaml': [
      line('oversize.yaml', 'file is 4096.0 MiB, over the 64.0 MiB limit; split it into smaller files'),
    ],
    'invalid-utf8.yaml': [line('invalid-utf8.yaml', 'not valid UTF-8 text (save the file as UTF-8)')],
    'utf16le-bom.yaml': [line('utf16le-bom.yaml', 'UTF-16 text, not UTF-8 (save the file as UTF-8)')],
    'utf16be-bom.json': [line('utf16be-bom.json', 'UTF-16 text, not UTF-8 (save the file as UTF-8)')],
    'utf16le-no-bom.yaml': [
      line('utf16le-no-bom.yaml', 'contains NUL bytes: not UTF-8 text (UTF-16?); save the file as UTF-8'),
    ],
    'raw-control-bytes.yaml': [
      line('raw-control-bytes.yaml', 'summary: contains a control character (U+001B)'),
    ],
    'name-with-\u001b[2J-escape.json': [
      `${at('name-with-\\u001b[2J-escape.json')}: the file holds an empty list`,
    ],
    'broken-link.yaml': [line('broken-link.yaml', 'not found')],
    'nested/loop': [line('nested/loop', 'symbolic link loop: this folder was already read')],
  };
}

/** Each case's file read on its own: a throw is a crash, counted rather than ending the run. */
async function readEachCase(dir: string, names: readonly string[]): Promise<Map<string, ParsedFile>> {
  const parsed = new Map<string, ParsedFile>();
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      parsed.set(name, await readIncidentFile(file, displayPath(file)));
    } catch (error) {
      tally.crashed += 1;
      crashes.push(`${name}: ${String(error)}`);
    }
  }
  return parsed;
}

async function loadFolder(dir: string): Promise<LoadResult | undefined> {
  try {
    return await loadCatalog(dir);
  } catch (error) {
    tally.crashed += 1;
    crashes.push(`loading ${dir}: ${String(error)}`);
    return undefined;
  }
}

/** A valid case whose incidents are not all served from it is good data lost. */
function countLost(
  loaded: LoadResult | undefined,
  dir: string,
  validNames: readonly string[],
  parsed: Map<string, ParsedFile>,
) {
  for (const name of validNames) {
    const shown = displayPath(path.join(dir, name));
    const incidents = parsed.get(name)?.incidents ?? [];
    const served = incidents.filter((i) => loaded?.catalog.entry(i.id)?.file === shown);
    if (incidents.length === 0 || served.length !== incidents.length) {
      tally.lostGoodData += 1;
      lost.push(name);
    }
  }
}

const NOW = new Date('2024-06-01T12:00:00Z');

function contextFor(catalog: Catalog): CommandContext {
  return { catalog, now: NOW, version: '0.0.0-test', loadedAt: NOW };
}

function command(name: string): Command {
  const found = commands.find((c) => c.data.name === name);
  if (!found) throw new Error(`no command /${name}`);
  return found;
}

type Option = NonNullable<Command['data']['options']>[number];

/** A command's value options; a sub-command's options count as the command's (the handlers get them flat). */
function optionsOf(cmd: Command): Option[] {
  return ((cmd.data.options ?? []) as Option[]).flatMap((option) =>
    option.type === 1 && 'options' in option ? ((option.options ?? []) as Option[]) : [option],
  );
}

/**
 * Every command, with options pointing at `incident`: each option on its own (with the required ones),
 * then all of them together. Options are matched by name, so a new command is covered without a change.
 */
function requestsFor(incident: Incident): { name: string; options: OptionValues }[] {
  const quote = incident.quotes.find((q) => q.organization !== undefined) ?? incident.quotes[0];
  const values: Record<string, string | number | undefined> = {
    id: incident.id,
    incident: incident.id,
    country: incident.location.country,
    since: incident.date.start,
    until: incident.date.end ?? incident.date.start,
    type: incident.type.event,
    speaker: quote?.speaker,
    organization: quote?.organization,
    query: incident.title,
  };
  const requests: { name: string; options: OptionValues }[] = [];
  for (const cmd of commands) {
    const options = optionsOf(cmd);
    const valueFor = (option: Option) =>
      option.type === 4 ? ('max_value' in option ? option.max_value : undefined) : values[option.name];
    const required: Record<string, string | number> = {};
    for (const option of options) {
      const value = valueFor(option);
      if ('required' in option && option.required && value !== undefined) required[option.name] = value;
    }
    const all = { ...required };
    requests.push({ name: cmd.data.name, options: required });
    for (const option of options) {
      const value = valueFor(option);
      if (value === undefined || option.name in required) continue;
      requests.push({ name: cmd.data.name, options: { ...required, [option.name]: value } });
      all[option.name] = value;
    }
    if (Object.keys(all).length > Object.keys(required).length + 1) {
      requests.push({ name: cmd.data.name, options: all });
    }
  }
  // Searches that find the incident by what is in it, not only by its title.
  const { place, country } = incident.location;
  requests.push({ name: 'search', options: { query: place ?? country, country, count: 10 } });
  if (quote !== undefined) requests.push({ name: 'quotes', options: { query: quote.text, count: 25 } });
  return requests;
}

/** Runs one request to the end a user would see: an answer, or a user error shown to them. */
async function answer(catalog: Catalog, name: string, options: OptionValues): Promise<Answer | undefined> {
  try {
    return await command(name).execute(options, contextFor(catalog));
  } catch (error) {
    if (error instanceof UserError) return presentError(error.message);
    tally.crashed += 1;
    crashes.push(`/${name} ${JSON.stringify(options).slice(0, 200)}: ${String(error)}`);
    return undefined;
  }
}

/** Renders through the Discord renderer; any page problem is recorded, pings counted apart. */
function render(what: string, result: Answer): ReturnType<typeof toDiscordPages> {
  let pages: ReturnType<typeof toDiscordPages> = [];
  try {
    pages = toDiscordPages(result);
    toText(result);
  } catch (error) {
    tally.crashed += 1;
    crashes.push(`rendering ${what}: ${String(error)}`);
    return pages;
  }
  const report = inspectPages(pages);
  if (report.pings.length > 0) {
    tally.pinged += 1;
    pings.push(`${what}: ${report.pings.join('; ')}`);
  }
  expect.soft([...report.limits, ...report.markup, ...report.bidi], what).toEqual([]);
  return pages;
}

function caseNames(): string[] {
  return Object.keys(EXPECTED).sort();
}

describe('the bad-data corpus', () => {
  let tmp = '';
  let tmpExpected: Record<string, string[]> = {};
  let corpus: LoadResult | undefined;
  let written: LoadResult | undefined;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'sitrep-corpus-'));
    tmpExpected = await writeTestTimeCases(tmp);
    corpus = await loadFolder(CASES);
    written = await loadFolder(tmp);
  });

  afterAll(async () => {
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  it('has an expectation for every case file, and a file for every expectation', async () => {
    const { files } = await listIncidentFiles(CASES);
    const onDisk = files.map((f) => path.relative(CASES, f).split(path.sep).join('/')).sort();
    expect(onDisk).toEqual(caseNames());
    expect(caseNames().filter((n) => (EXPECTED[n] ?? []).length > 0).length).toBeGreaterThanOrEqual(40);
  });

  it('reports exactly the expected lines for the cases in git, and nothing else', async () => {
    const names = caseNames();
    const bad = names.filter((n) => (EXPECTED[n] ?? []).length > 0);
    tally.tried += bad.length;
    const parsed = await readEachCase(CASES, names);
    countLost(
      corpus,
      CASES,
      names.filter((n) => (EXPECTED[n] ?? []).length === 0),
      parsed,
    );

    expect(corpus, 'loading the corpus folder threw').toBeDefined();
    const reported = (corpus?.problems ?? []).map(formatProblemWithSource).sort();
    const expected = names.flatMap((n) => EXPECTED[n] ?? []).sort();
    expect(reported).toEqual(expected);
  });

  it('reports the cases written at test time (size, encodings, raw bytes, links) and loads the rest', async () => {
    const names = Object.keys(tmpExpected).sort();
    const files = names.filter((n) => n !== 'nested/loop' && n !== 'broken-link.yaml');
    tally.tried += names.filter((n) => (tmpExpected[n] ?? []).length > 0).length;
    const parsed = await readEachCase(tmp, files);
    countLost(
      written,
      tmp,
      names.filter((n) => (tmpExpected[n] ?? []).length === 0),
      parsed,
    );

    expect(written, 'loading the folder threw').toBeDefined();
    const reported = (written?.problems ?? []).map(formatProblemWithSource).sort();
    expect(reported).toEqual(names.flatMap((n) => tmpExpected[n] ?? []).sort());
    expect([...(written?.catalog.all() ?? [])].map((i) => i.id).sort()).toEqual([
      'tmp-also-good',
      'tmp-good',
    ]);
  });

  it('refuses a file over the size limit by its size, without reading it', async () => {
    const started = performance.now();
    const parsed = await readIncidentFile(path.join(tmp, 'oversize.yaml'), 'oversize.yaml', 1024);
    expect(parsed.incidents).toEqual([]);
    expect(parsed.problems.map(formatProblem)).toEqual([
      'oversize.yaml: file is 4096.0 MiB, over the 1.0 KiB limit; split it into smaller files',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('loads the valid cases, with their hostile text exactly as written', () => {
    const catalog = corpus?.catalog;
    const arabic = catalog?.get('corpus-valid-rtl-arabic');
    expect(arabic?.quotes[0]?.speaker).toBe('سامح');
    expect(Buffer.from(arabic?.location.place ?? '')).toEqual(Buffer.from('حلب', 'utf8'));
    expect(arabic?.title).toBe('قصف الأحياء الغربية في حلب');
    expect(arabic?.actors[1]?.name).toBe('مدنيون \u200fفي حلب');

    const zeroWidth = catalog?.get('corpus-valid-zero-width');
    expect(zeroWidth?.title).toBe('Shelling of west\u200bAleppo');
    expect(zeroWidth?.location.place).toBe('Al\ufeffeppo road');
    expect(zeroWidth?.actors.map((a) => a.name)).toEqual(['می\u200cخواهم', 'Side\u200dB']);

    const emoji = catalog?.get('corpus-valid-emoji');
    expect(emoji?.title).toContain('👨‍👩‍👧‍👦');
    expect(emoji?.location.country).toBe('Syria 🇸🇾');

    const injected = catalog?.get('corpus-valid-injection-yaml');
    expect(injected?.title).toContain('@everyone');
    expect(injected?.summary).toContain('```js');
  });

  it('carries Arabic names byte for byte into Discord pages and terminal text, less the direction mark', async () => {
    const catalog = corpus?.catalog;
    if (!catalog) throw new Error('corpus did not load');
    const briefing = await command('incident').execute(
      { id: 'corpus-valid-rtl-arabic' },
      contextFor(catalog),
    );
    const shown = pageText(toDiscordPages(briefing));
    for (const name of [
      'سامح',
      'حلب',
      'منظمة العفو الدولية',
      'قصف الأحياء الغربية في حلب',
      // The file's right-to-left mark (U+200F) loads, but no reply carries a bidirectional mark.
      'مدنيون في حلب',
    ]) {
      expect(shown).toContain(name);
      expect(toText(briefing)).toContain(name);
    }
    expect(`${shown}${toText(briefing)}`).not.toContain('\u200f');
    const quotes = await command('quotes').execute({ speaker: 'سامح' }, contextFor(catalog));
    expect(pageText(toDiscordPages(quotes))).toContain('لا شيء يبرر استهداف المدنيين.');
    const choices = command('quotes').autocomplete?.(
      { name: 'speaker', value: 'سا' },
      {},
      contextFor(catalog),
    );
    expect(choices).toContainEqual({ name: 'سامح', value: 'سامح' });
  });

  it('answers every loaded incident through every command within Discord limits, pinging nobody', async () => {
    for (const loaded of [corpus, written]) {
      const catalog = loaded?.catalog;
      if (!catalog) continue;
      // The same question for two incidents (/about, a country's map) is asked once per catalog.
      const asked = new Set<string>();
      for (const incident of [...catalog.all()]) {
        for (const { name, options } of requestsFor(incident)) {
          const key = `${name} ${JSON.stringify(options)}`;
          if (asked.has(key)) continue;
          asked.add(key);
          const result = await answer(catalog, name, options);
          if (result !== undefined)
            render(`${incident.id}: /${name} ${JSON.stringify(options).slice(0, 120)}`, result);
        }
        const context = contextFor(catalog);
        for (const cmd of commands) {
          for (const option of optionsOf(cmd)) {
            if (!('autocomplete' in option) || !option.autocomplete) continue;
            for (const typed of [incident.title, incident.id, incident.location.country, '']) {
              const choices = cmd.autocomplete?.({ name: option.name, value: typed }, {}, context) ?? [];
              expect.soft(choices.length).toBeLessThanOrEqual(25);
              for (const choice of choices) {
                expect.soft(choice.name.length, choice.name).toBeGreaterThan(0);
                expect.soft(choice.name.length, choice.name).toBeLessThanOrEqual(100);
                expect.soft(choice.value.length, choice.value).toBeGreaterThan(0);
                expect.soft(choice.value.length, choice.value).toBeLessThanOrEqual(100);
              }
            }
          }
        }
      }
    }
    // The hostile incidents must actually have been answered, or the check above proves nothing.
    const ids = [...(corpus?.catalog.all() ?? [])].map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'corpus-valid-injection-yaml',
        'corpus-valid-injection-json',
        'corpus-valid-oversized-answer',
      ]),
    );
    // Every /casualties, /trends and /map answer draws its PNG (about 0.3 s each here, 60 of them): on a
    // loaded 2-core CI machine that alone passed the default 30 s.
  }, 180_000);

  it('sums up: bad inputs tried, none crashed, no good data lost, nobody pinged', () => {
    const line = `corpus: ${tally.tried} bad inputs tried, ${tally.crashed} crashed, ${tally.lostGoodData} lost good data, ${tally.pinged} pinged`;
    console.log(line);
    expect(crashes).toEqual([]);
    expect(lost).toEqual([]);
    expect(pings).toEqual([]);
    expect(tally.tried).toBeGreaterThanOrEqual(40);
    expect(line).toMatch(/ 0 crashed, 0 lost good data, 0 pinged$/);
  });
});
