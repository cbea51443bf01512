import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.ts';
import { Catalog, compareNewestFirst } from '../src/incidents/catalog.ts';
import { readIncidentFolder } from '../src/incidents/loader.ts';
import {
  casualtyClaims,
  datasetStats,
  findQuotes,
  foldText,
  getIncident,
  latest,
  parseSince,
  parseUntil,
  searchIncidents,
  suggestCountries,
  suggestIncidents,
  suggestOrganizations,
  suggestSpeakers,
  warmIndexes,
} from '../src/incidents/queries.ts';
import type { Incident, IncidentInput } from '../src/incidents/schema.ts';
import { userError } from './helpers/expect.ts';
import { catalogOfFiles, makeCatalog, makeIncident } from './helpers/incidents.ts';

const now = new Date('2020-06-15T12:00:00Z');

/** An incident on one day (or a range), newest-first order then follows the dates. */
function on(start: string, overrides: Partial<IncidentInput> = {}, end?: string): Incident {
  return makeIncident({ date: end ? { start, end } : { start }, ...overrides });
}

const quote = (speaker: string, text: string, extra: Record<string, string> = {}) => ({
  speaker,
  text,
  source: 'src-1',
  ...extra,
});

const claim = (claimant: string, killed: number, period?: { from: string; to?: string }) => ({
  claimant,
  killed: { best: killed },
  source: 'src-1',
  ...(period ? { period } : {}),
});

describe('foldText', () => {
  it('folds case and accents so typed text meets stored text', () => {
    expect(foldText('ALEPPO')).toBe('aleppo');
    expect(foldText('Alép')).toBe('alep');
    expect(foldText('Côte d’Ivoire')).toBe('cote d’ivoire');
    expect(foldText('Ae\u0301')).toBe('ae');
  });

  it('keeps non-Latin letters intact', () => {
    expect(foldText('حلب')).toBe('حلب');
    expect(foldText('Донецьк')).toBe('донецьк');
  });
});

describe('parseSince', () => {
  it('reads full dates, months and years as the first day they cover', () => {
    expect(parseSince('2016-10-28', now)).toBe('2016-10-28');
    expect(parseSince(' 2016-10 ', now)).toBe('2016-10-01');
    expect(parseSince('2016', now)).toBe('2016-01-01');
  });

  it('counts relative times back from now, in UTC', () => {
    expect(parseSince('7d', now)).toBe('2020-06-08');
    expect(parseSince('24h', now)).toBe('2020-06-14');
    expect(parseSince('2w', now)).toBe('2020-06-01');
    expect(parseSince('3m', now)).toBe('2020-03-15');
    expect(parseSince('1y', now)).toBe('2019-06-15');
  });

  it('accepts relative times written with words and spaces', () => {
    expect(parseSince('7 days', now)).toBe('2020-06-08');
    expect(parseSince('2 Weeks', now)).toBe('2020-06-01');
    expect(parseSince('3 months ago', now)).toBe('2020-03-15');
    expect(parseSince('last week', now)).toBe('2020-06-08');
    expect(parseSince('today', now)).toBe('2020-06-15');
    expect(parseSince('Yesterday', now)).toBe('2020-06-14');
  });

  it('clamps month arithmetic to the end of a shorter month', () => {
    expect(parseSince('1m', new Date('2016-03-31T08:00:00Z'))).toBe('2016-02-29');
    expect(parseSince('1y', new Date('2016-02-29T08:00:00Z'))).toBe('2015-02-28');
  });

  it('rejects unreadable input with a UserError naming the accepted forms', () => {
    const error = userError(() => parseSince('last fortnight', now));
    expect(error.message).toContain('"last fortnight"');
    expect(error.message).toContain('YYYY-MM-DD');
    expect(error.message).toContain('7d');
    expect(error.message).toContain('yesterday');
  });

  it('rejects dates that are not on the calendar', () => {
    expect(userError(() => parseSince('2016-02-30', now)).message).toContain('not a calendar date');
    expect(userError(() => parseSince('2016-13', now)).message).toContain('no month 13');
    expect(() => parseSince('', now)).toThrow(UserError);
    expect(() => parseSince('7', now)).toThrow(UserError);
    expect(() => parseSince('d', now)).toThrow(UserError);
  });
});

describe('parseUntil', () => {
  it('reads months and years as the last day they cover', () => {
    expect(parseUntil('2016-10', now)).toBe('2016-10-31');
    expect(parseUntil('2016-02', now)).toBe('2016-02-29');
    expect(parseUntil('2015-02', now)).toBe('2015-02-28');
    expect(parseUntil('2016', now)).toBe('2016-12-31');
    expect(parseUntil('2016-10-30', now)).toBe('2016-10-30');
  });

  it('reads relative times like since does', () => {
    expect(parseUntil('7d', now)).toBe('2020-06-08');
    expect(parseUntil('yesterday', now)).toBe('2020-06-14');
    expect(() => parseUntil('soon', now)).toThrow(UserError);
  });
});

describe('latest', () => {
  const syria = [1, 2, 3, 4, 5, 6, 7].map((d) => on(`2020-05-0${d}`, { id: `syr-${d}` }));
  const iraq = on('2020-05-08', {
    id: 'irq-1',
    location: { country: 'Iraq', iso3: 'IRQ' },
    type: { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
  });
  const ivory = on('2020-04-01', {
    id: 'civ-1',
    location: { country: 'Côte d’Ivoire', iso3: 'CIV' },
    type: { event: 'protests', sub: 'peaceful_protest' },
  });
  const catalog = makeCatalog([...syria, iraq, ivory]);
  const ids = (page: { items: Incident[] }) => page.items.map((i) => i.id);

  it('gives the five newest by default, with the total', () => {
    const page = latest(catalog, {}, now);
    expect(ids(page)).toEqual(['irq-1', 'syr-7', 'syr-6', 'syr-5', 'syr-4']);
    expect(page.total).toBe(9);
  });

  it('clamps count to 1–10', () => {
    expect(latest(catalog, { count: 0 }, now).items).toHaveLength(1);
    expect(latest(catalog, { count: -3 }, now).items).toHaveLength(1);
    expect(latest(catalog, { count: 3 }, now).items).toHaveLength(3);
    expect(latest(catalog, { count: 50 }, now).items).toHaveLength(9);
    const many = makeCatalog(Array.from({ length: 12 }, (_, i) => on('2020-01-01', { id: `many-${i}` })));
    expect(latest(many, { count: 50 }, now).items).toHaveLength(10);
    expect(latest(many, { count: 50 }, now).total).toBe(12);
  });

  it('filters by country name or ISO3, ignoring case and accents', () => {
    expect(ids(latest(catalog, { country: 'iraq' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { country: 'IRQ' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { country: 'cote d’ivoire' }, now))).toEqual(['civ-1']);
    expect(ids(latest(catalog, { country: 'CÔTE D’IVOIRE' }, now))).toEqual(['civ-1']);
    expect(ids(latest(catalog, { country: "Cote d'Ivoire" }, now))).toEqual(['civ-1']);
    expect(ids(latest(catalog, { country: 'civ' }, now))).toEqual(['civ-1']);
    const page = latest(catalog, { country: 'SYRIA', count: 2 }, now);
    expect(ids(page)).toEqual(['syr-7', 'syr-6']);
    expect(page.total).toBe(7);
  });

  it('treats spellings that share an ISO3 code as one country', () => {
    const mixed = makeCatalog([
      on('2020-01-02', { id: 'a', location: { country: 'Syria', iso3: 'SYR' } }),
      on('2020-01-01', { id: 'b', location: { country: 'Syrian Arab Republic', iso3: 'SYR' } }),
    ]);
    expect(ids(latest(mixed, { country: 'Syrian Arab Republic' }, now))).toEqual(['a', 'b']);
  });

  it('answers an unknown country with a UserError naming close countries', () => {
    const error = userError(() => latest(catalog, { country: 'Syira' }, now));
    expect(error.message).toContain('"Syira"');
    expect(error.message).toContain('Syria');
    const far = userError(() => latest(catalog, { country: 'Atlantis' }, now));
    expect(far.message).toContain('Syria');
  });

  it('filters by event type slug, ACLED label, sub-event slug or sub-event label', () => {
    expect(ids(latest(catalog, { type: 'explosions_remote_violence' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { type: 'Explosions/Remote violence' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { type: 'air_drone_strike' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { type: 'Air/drone strike' }, now))).toEqual(['irq-1']);
    expect(ids(latest(catalog, { type: 'PROTESTS' }, now))).toEqual(['civ-1']);
    expect(latest(catalog, { type: 'battles' }, now).total).toBe(7);
  });

  it('answers an unknown type with a UserError listing the valid types', () => {
    const error = userError(() => latest(catalog, { type: 'shellin' }, now));
    expect(error.message).toContain('"shellin"');
    expect(error.message).toContain('Shelling/artillery/missile attack');
    expect(error.message).toContain('Battles');
    expect(error.message).toContain('Explosions/Remote violence');
  });

  it('filters by since on the end date, so an incident still running counts', () => {
    const running = on('2020-04-20', { id: 'running' }, '2020-05-10');
    const old = on('2020-04-25', { id: 'old' });
    const c = makeCatalog([running, old, ...syria]);
    const page = latest(c, { since: '2020-05-05' }, now);
    expect(ids(page)).toEqual(['running', 'syr-7', 'syr-6', 'syr-5']);
    expect(page.total).toBe(4);
    expect(latest(c, { since: '2020-05' }, now).total).toBe(8);
    expect(latest(c, { since: '40d' }, now).total).toBe(3); // from 2020-05-06
  });

  it('combines filters and ignores blank ones', () => {
    const page = latest(
      catalog,
      { country: 'SYR', type: 'armed_clash', since: '2020-05-06', count: 10 },
      now,
    );
    expect(ids(page)).toEqual(['syr-7', 'syr-6']);
    expect(latest(catalog, { country: ' ', type: '', since: '  ' }, now).total).toBe(9);
  });
});

describe('getIncident', () => {
  const catalog = makeCatalog([
    on('2020-05-01', { id: '2020-05-01-idlib-market-airstrike', title: 'Airstrike on a market in Idlib' }),
    on('2020-05-02', { id: '2020-05-02-aleppo-shelling', title: 'Shelling of west Aleppo' }),
    on('2020-05-03', { id: '2020-05-03-homs-clashes', title: 'Clashes near Homs' }),
  ]);

  it('finds an incident by its exact id', () => {
    expect(getIncident(catalog, '2020-05-02-aleppo-shelling').title).toBe('Shelling of west Aleppo');
  });

  it('finds an incident whatever the case of the id', () => {
    expect(getIncident(catalog, ' 2020-05-02-ALEPPO-Shelling ').id).toBe('2020-05-02-aleppo-shelling');
  });

  it('answers an unknown id with a UserError and similar incidents', () => {
    const error = userError(() => getIncident(catalog, '2020-05-02-aleppo-shellin'));
    expect(error.message).toMatch(/^No incident with id "2020-05-02-aleppo-shellin"\./);
    expect(error.message).toContain('2020-05-02-aleppo-shelling');
    const byTitle = userError(() => getIncident(catalog, 'market airstrike'));
    expect(byTitle.message).toContain('2020-05-01-idlib-market-airstrike');
  });

  it('suggests at most three incidents', () => {
    const many = makeCatalog(
      Array.from({ length: 6 }, (_, i) =>
        on('2020-01-01', { id: `shelling-${i}`, title: `Shelling number ${i}` }),
      ),
    );
    const error = userError(() => getIncident(many, 'shelling'));
    expect(error.message.match(/shelling-\d/g)).toHaveLength(3);
  });

  it('says plainly when nothing is similar', () => {
    expect(userError(() => getIncident(catalog, 'zzzz')).message).toBe('No incident with id "zzzz".');
  });
});

describe('findQuotes', () => {
  const older = on('2020-05-01', {
    id: 'older',
    sources: [{ id: 'src-1', name: 'Wire', published: '2020-05-02' }],
    quotes: [
      quote('Samah Hadid', 'Civilians must be protected.', { organization: 'Amnesty International' }),
      quote('José Pérez', 'No comment on the shelling.', { organization: 'Médecins Sans Frontières' }),
    ],
  });
  const newer = on('2020-05-05', {
    id: 'newer',
    quotes: [
      quote('Samah Hadid', 'The siege must end now.', {
        organization: 'Amnesty International',
        date: '2020-05-06',
      }),
      quote('Samah Hadid', 'Shelling civilian areas is a war crime.', {
        organization: 'Amnesty International',
        date: '2020-05-06',
      }),
      quote('Staffan de Mistura', 'Nothing justifies indiscriminate attacks.', {
        organization: 'United Nations',
        date: '2020-05-04',
      }),
    ],
  });
  const catalog = makeCatalog([older, newer]);
  const texts = (page: { items: { quote: { text: string } }[] }) => page.items.map((h) => h.quote.text);

  it('lists quotes newest first by date, then in file order', () => {
    expect(texts(findQuotes(catalog, {}))).toEqual([
      'The siege must end now.',
      'Shelling civilian areas is a war crime.',
      'Nothing justifies indiscriminate attacks.',
      'Civilians must be protected.',
      'No comment on the shelling.',
    ]);
  });

  it("dates a quote by its source's publication when it has no date of its own, and attaches the source", () => {
    const hit = findQuotes(catalog, { incident: 'older', count: 1 }).items[0];
    expect(hit?.date).toBe('2020-05-02');
    expect(hit?.source?.name).toBe('Wire');
    expect(hit?.incident.id).toBe('older');
  });

  it('matches part of a speaker name, ignoring case and accents', () => {
    expect(findQuotes(catalog, { speaker: 'Hadid' }).total).toBe(3);
    expect(findQuotes(catalog, { speaker: 'HADID' }).total).toBe(3);
    expect(findQuotes(catalog, { speaker: 'jose perez' }).total).toBe(1);
    expect(findQuotes(catalog, { speaker: 'Pérez' }).total).toBe(1);
  });

  it('matches part of an organization, ignoring case and accents', () => {
    expect(findQuotes(catalog, { organization: 'amnesty' }).total).toBe(3);
    expect(findQuotes(catalog, { organization: 'medecins' }).total).toBe(1);
    expect(findQuotes(catalog, { organization: 'nations' }).items[0]?.quote.speaker).toBe(
      'Staffan de Mistura',
    );
  });

  it('keeps only quotes that contain every word of the query', () => {
    expect(texts(findQuotes(catalog, { query: 'SHELLING' }))).toEqual([
      'Shelling civilian areas is a war crime.',
      'No comment on the shelling.',
    ]);
    expect(texts(findQuotes(catalog, { query: 'shelling crime' }))).toEqual([
      'Shelling civilian areas is a war crime.',
    ]);
    expect(findQuotes(catalog, { query: 'shelling peace' }).total).toBe(0);
  });

  it('limits to one incident by id and rejects an unknown one', () => {
    expect(findQuotes(catalog, { incident: 'newer' }).total).toBe(3);
    expect(() => findQuotes(catalog, { incident: 'nope' })).toThrow(UserError);
  });

  it('combines filters', () => {
    expect(texts(findQuotes(catalog, { speaker: 'hadid', incident: 'newer', query: 'siege' }))).toEqual([
      'The siege must end now.',
    ]);
  });

  it('clamps count to 1–25 and counts every match in total', () => {
    const quotes = Array.from({ length: 30 }, (_, i) => quote('Speaker', `Quote number ${i}`));
    const big = makeCatalog([on('2020-01-01', { quotes })]);
    expect(findQuotes(big, {}).items).toHaveLength(5);
    expect(findQuotes(big, { count: 0 }).items).toHaveLength(1);
    expect(findQuotes(big, { count: 100 }).items).toHaveLength(25);
    expect(findQuotes(big, { count: 100 }).total).toBe(30);
  });

  it('puts undated quotes last and gives the same answers whichever filter leads the search', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'alphabet'];
    const incidents = Array.from({ length: 40 }, (_, i) =>
      on(`2020-0${1 + (i % 9)}-1${i % 10}`, {
        id: `q-${i}`,
        sources: [
          { id: 'src-1', name: 'Wire', ...(i % 3 === 0 ? {} : { published: `2020-0${1 + (i % 7)}-20` }) },
        ],
        quotes: Array.from({ length: 1 + (i % 4) }, (_, j) =>
          quote(`Speaker ${(i * 3 + j) % 11}`, `${words[(i + j) % 5]} and ${words[(i * j) % 5]} ${i}.`, {
            ...((i + j) % 2 === 0 ? { organization: `Org ${(i + j) % 5}` } : {}),
            ...(j === 1 ? { date: `2020-0${1 + (i % 8)}-0${1 + (j % 9)}` } : {}),
          }),
        ),
      }),
    );
    const catalog = makeCatalog(incidents);
    // The order and filters, worked out over the incidents themselves.
    const hits = [...incidents]
      .sort(compareNewestFirst)
      .flatMap((incident) =>
        incident.quotes.map((q) => {
          const source = incident.sources.find((s) => s.id === q.source);
          return { incident, quote: q, date: q.date ?? source?.published };
        }),
      )
      .sort((a, b) =>
        a.date === b.date
          ? 0
          : a.date === undefined
            ? 1
            : b.date === undefined
              ? -1
              : a.date < b.date
                ? 1
                : -1,
      );
    expect(hits.at(-1)?.date).toBeUndefined();
    const queries = [
      {},
      { speaker: 'speaker' },
      { speaker: 'speaker 1' },
      { speaker: 'SPEAKER 10' },
      { organization: 'org' },
      { organization: 'org 3' },
      { query: 'alpha' },
      { query: 'alphab' },
      { query: 'al ga' },
      { query: '"gamma" OR' },
      { query: '7' },
      { query: '3 alpha' },
      { query: 'and 12' },
      { speaker: 'speaker 1', query: 'beta' },
      { organization: 'org', speaker: '2', query: 'de' },
      { speaker: 'speaker', organization: 'org' },
      { speaker: 'speaker', query: 'and' },
      { incident: 'q-7', query: 'a' },
      { incident: 'q-3', speaker: 'speaker', organization: 'org' },
    ];
    for (const q of queries) {
      const speaker = q.speaker?.toLowerCase();
      const organization = q.organization?.toLowerCase();
      const typed = (q.query ?? '')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w !== '');
      const expected = hits.filter(
        (h) =>
          (speaker === undefined || h.quote.speaker.toLowerCase().includes(speaker)) &&
          (organization === undefined || (h.quote.organization ?? '').toLowerCase().includes(organization)) &&
          (q.incident === undefined || h.incident.id === q.incident) &&
          typed.every((w) => ` ${h.quote.text.toLowerCase().replace(/[^a-z0-9]+/g, ' ')}`.includes(` ${w}`)),
      );
      const page = findQuotes(catalog, { ...q, count: 25 });
      expect(page.total, JSON.stringify(q)).toBe(expected.length);
      expect(page.items.map((h) => [h.incident.id, h.quote.text, h.date])).toEqual(
        expected.slice(0, 25).map((h) => [h.incident.id, h.quote.text, h.date]),
      );
    }
  });
});

describe('casualtyClaims', () => {
  const period = { from: '2020-05-01', to: '2020-05-03' };

  it('keeps two claimants for the same period as separate groups, never summed', () => {
    const catalog = makeCatalog([
      on(
        '2020-05-01',
        { casualties: [claim('Syrian military', 84, period), claim('UN envoy', 30, period)] },
        '2020-05-03',
      ),
    ]);
    const { groups, claims } = casualtyClaims(catalog, {}, now);
    expect(claims).toBe(2);
    expect(groups.map((g) => [g.claimant, g.rows.map((r) => r.claim.killed?.best)])).toEqual([
      ['Syrian military', [84]],
      ['UN envoy', [30]],
    ]);
    for (const group of groups) expect(Object.keys(group).sort()).toEqual(['claimant', 'period', 'rows']);
  });

  it('merges one claimant across incidents, spelling case and spaces aside, listing each row', () => {
    const catalog = makeCatalog([
      on('2020-05-02', { id: 'a', casualties: [claim('Syrian military', 10, period)] }),
      on('2020-05-01', { id: 'b', casualties: [claim(' syrian MILITARY ', 5, period)] }),
    ]);
    const { groups } = casualtyClaims(catalog, {}, now);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.claimant).toBe('Syrian military');
    expect(groups[0]?.rows.map((r) => [r.incident.id, r.claim.killed?.best])).toEqual([
      ['a', 10],
      ['b', 5],
    ]);
  });

  it('keeps different periods of one claimant apart and sorts newest period first, then claimant', () => {
    const catalog = makeCatalog([
      on('2020-05-01', {
        casualties: [
          claim('Zeta monitor', 1, { from: '2020-05-01', to: '2020-05-02' }),
          claim('Alpha ministry', 2, { from: '2020-05-01', to: '2020-05-02' }),
          claim('Zeta monitor', 3, { from: '2020-05-04', to: '2020-05-05' }),
        ],
      }),
    ]);
    const { groups } = casualtyClaims(catalog, {}, now);
    expect(groups.map((g) => `${g.claimant} ${g.period.from}..${g.period.to}`)).toEqual([
      'Zeta monitor 2020-05-04..2020-05-05',
      'Alpha ministry 2020-05-01..2020-05-02',
      'Zeta monitor 2020-05-01..2020-05-02',
    ]);
  });

  it("takes the incident's dates when a claim has no period, and the start day when the period is open", () => {
    const catalog = makeCatalog([
      on(
        '2020-05-01',
        { casualties: [claim('Monitor', 1), claim('Ministry', 2, { from: '2020-05-02' })] },
        '2020-05-04',
      ),
    ]);
    const periods = casualtyClaims(catalog, {}, now).groups.map((g) => [g.claimant, g.period]);
    expect(periods).toEqual([
      ['Monitor', { from: '2020-05-01', to: '2020-05-04' }],
      ['Ministry', { from: '2020-05-02', to: '2020-05-02' }],
    ]);
  });

  it('filters by overlap with since and until, and by country', () => {
    const catalog = makeCatalog([
      on('2020-03-01', { id: 'march', casualties: [claim('Monitor', 1)] }),
      on('2020-04-28', { id: 'span', casualties: [claim('Monitor', 2)] }, '2020-05-02'),
      on('2020-05-10', { id: 'may', casualties: [claim('Monitor', 3)] }),
      on('2020-05-11', {
        id: 'iraq',
        location: { country: 'Iraq', iso3: 'IRQ' },
        casualties: [claim('Monitor', 4)],
      }),
    ]);
    const rows = (q: Parameters<typeof casualtyClaims>[1]) =>
      casualtyClaims(catalog, q, now).groups.flatMap((g) => g.rows.map((r) => r.incident.id));
    expect(rows({ since: '2020-05-01' })).toEqual(['iraq', 'may', 'span']);
    expect(rows({ until: '2020-04-30' })).toEqual(['span', 'march']);
    expect(rows({ since: '2020-04', until: '2020-05-05' })).toEqual(['span']);
    expect(rows({ country: 'syria' })).toEqual(['may', 'span', 'march']);
    expect(casualtyClaims(catalog, { country: 'Iraq' }, now).claims).toBe(1);
    expect(() => casualtyClaims(catalog, { since: 'whenever' }, now)).toThrow(UserError);
  });
});

describe('autocomplete', () => {
  const catalog = makeCatalog([
    on('2020-05-03', {
      id: 'alep-1',
      title: 'Shelling of west Alép',
      location: { country: 'Syria', iso3: 'SYR' },
    }),
    on('2020-05-02', {
      id: 'alep-2',
      title: 'Aleppo market strike',
      location: { country: 'Syria', iso3: 'SYR' },
    }),
    on('2020-05-01', {
      id: 'mosul-1',
      title: 'Clashes in Mosul',
      location: { country: 'Iraq', iso3: 'IRQ' },
    }),
    on('2020-04-01', {
      id: 'civ-1',
      title: 'Protest in Abidjan',
      location: { country: 'Côte d’Ivoire', iso3: 'CIV' },
      quotes: [
        quote('Samah Hadid', 'One.', { organization: 'Amnesty International' }),
        quote('samah hadid', 'Two.', { organization: 'Amnesty International' }),
        quote('Staffan de Mistura', 'Three.', { organization: 'United Nations' }),
        quote('Ahmad Hadi', 'Four.'),
      ],
    }),
  ]);

  it('offers countries with incident counts, most incidents first when nothing is typed', () => {
    expect(suggestCountries(catalog, '')).toEqual([
      { name: 'Syria (2)', value: 'Syria' },
      { name: 'Côte d’Ivoire (1)', value: 'Côte d’Ivoire' },
      { name: 'Iraq (1)', value: 'Iraq' },
    ]);
  });

  it('matches countries by folded prefix, then by substring, and by ISO3', () => {
    expect(suggestCountries(catalog, 'cote').map((c) => c.value)).toEqual(['Côte d’Ivoire']);
    expect(suggestCountries(catalog, 'IRQ').map((c) => c.value)).toEqual(['Iraq']);
    expect(suggestCountries(catalog, 'i').map((c) => c.value)).toEqual(['Iraq', 'Syria', 'Côte d’Ivoire']);
    expect(suggestCountries(catalog, 'zz')).toEqual([]);
  });

  it('offers incidents newest first as "Title — date" with the id as value', () => {
    expect(suggestIncidents(catalog, '')[0]).toEqual({
      name: 'Shelling of west Alép — 2020-05-03',
      value: 'alep-1',
    });
  });

  it('puts incidents whose title or id starts with the text before those that contain it', () => {
    expect(suggestIncidents(catalog, 'alep').map((c) => c.value)).toEqual(['alep-1', 'alep-2']);
    expect(suggestIncidents(catalog, 'ALEPPO').map((c) => c.value)).toEqual(['alep-2']);
    expect(suggestIncidents(catalog, 'clash').map((c) => c.value)).toEqual(['mosul-1']);
    expect(suggestIncidents(catalog, 'west alep').map((c) => c.value)).toEqual(['alep-1']);
    const ordered = makeCatalog([
      on('2020-05-02', { id: 'x-1', title: 'Market fire near Strike Street' }),
      on('2020-05-01', { id: 'x-2', title: 'Strike on a market' }),
    ]);
    expect(suggestIncidents(ordered, 'strike').map((c) => c.value)).toEqual(['x-2', 'x-1']);
  });

  it('offers at most 25 choices, or the limit asked for', () => {
    const many = makeCatalog(Array.from({ length: 40 }, (_, i) => on('2020-01-01', { id: `shelling-${i}` })));
    expect(suggestIncidents(many, '')).toHaveLength(25);
    expect(suggestIncidents(many, 'shell')).toHaveLength(25);
    expect(suggestIncidents(many, 'incident')).toHaveLength(25);
    expect(suggestIncidents(many, 'shell', 5)).toHaveLength(5);
    expect(suggestIncidents(many, 'shell', 100)).toHaveLength(25);
  });

  it('cuts long titles on a word boundary with "…" and keeps every name and value within 100 characters', () => {
    const title = `${'Prolonged shelling of residential neighbourhoods '.repeat(4).trim()}`;
    const speaker = `Spokesperson ${'for the humanitarian coordination office '.repeat(4).trim()}`;
    const long = makeCatalog([
      on('2020-05-01', {
        id: 'long-one',
        title,
        location: { country: 'A'.repeat(150) },
        quotes: [quote(speaker, 'Words.', { organization: `Office ${'of the '.repeat(20)}envoy` })],
      }),
    ]);
    const choices = [
      ...suggestIncidents(long, ''),
      ...suggestCountries(long, ''),
      ...suggestSpeakers(long, ''),
      ...suggestOrganizations(long, ''),
    ];
    expect(choices).toHaveLength(4);
    for (const c of choices) {
      expect(c.name.length).toBeGreaterThan(0);
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeGreaterThan(0);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    const incident = choices[0];
    expect(incident?.name).toMatch(
      /^Prolonged shelling of residential neighbourhoods .*[a-z]… — 2020-05-01$/,
    );
    expect(title.startsWith(incident?.name.split('… — ')[0] ?? '')).toBe(true);
    expect(incident?.value).toBe('long-one');
  });

  it('offers distinct speakers, most quoted first, matched by folded substring', () => {
    expect(suggestSpeakers(catalog, '').map((c) => c.value)).toEqual([
      'Samah Hadid',
      'Staffan de Mistura',
      'Ahmad Hadi',
    ]);
    expect(suggestSpeakers(catalog, 'HADI').map((c) => c.value)).toEqual(['Samah Hadid', 'Ahmad Hadi']);
    expect(suggestSpeakers(catalog, 'ahm').map((c) => c.value)).toEqual(['Ahmad Hadi']);
  });

  it('offers distinct organizations', () => {
    expect(suggestOrganizations(catalog, '')).toEqual([
      { name: 'Amnesty International', value: 'Amnesty International' },
      { name: 'United Nations', value: 'United Nations' },
    ]);
    expect(suggestOrganizations(catalog, 'nat').map((c) => c.value)).toEqual([
      'Amnesty International',
      'United Nations',
    ]);
    expect(suggestOrganizations(catalog, 'united').map((c) => c.value)).toEqual(['United Nations']);
  });

  it('matches right-to-left titles as typed', () => {
    const arabic = makeCatalog([on('2020-05-01', { id: 'ar-1', title: 'قصف على حلب' })]);
    expect(suggestIncidents(arabic, 'حلب')).toEqual([{ name: 'قصف على حلب — 2020-05-01', value: 'ar-1' }]);
    expect(suggestIncidents(arabic, 'قصف').map((c) => c.value)).toEqual(['ar-1']);
  });

  it('answers an empty catalog with no choices', () => {
    const empty = makeCatalog([]);
    expect(suggestCountries(empty, '')).toEqual([]);
    expect(suggestIncidents(empty, 'x')).toEqual([]);
    expect(suggestSpeakers(empty, 'x')).toEqual([]);
  });

  it('answers keystrokes quickly over 100k incidents once the lists are built', () => {
    const template = makeIncident({ quotes: [quote('Samah Hadid', 'Words.')] });
    const words = [
      'shelling',
      'aleppo',
      'airstrike',
      'idlib',
      'clash',
      'protest',
      'mosul',
      'village',
      'drone',
    ];
    const incidents: Incident[] = Array.from({ length: 100_000 }, (_, i) => ({
      ...template,
      id: `2016-${String(i).padStart(6, '0')}`,
      title: `${words[i % 9]} ${words[(i * 7) % 9]} near ${words[(i * 5) % 9]} ${i}`,
      date: { start: `20${10 + (i % 10)}-01-01`, precision: 'day' },
      quotes: [{ speaker: `Speaker ${i % 5000}`, text: 'Words.', source: 'src-1' }],
    }));
    const big = Catalog.fromEntries(incidents.map((incident) => ({ incident, file: `${incident.id}.yaml` })));
    suggestIncidents(big, '');
    suggestSpeakers(big, '');
    const typed = [
      '',
      'a',
      'alep',
      'near idlib',
      'zzz',
      '2016-0001',
      'clash 99',
      'speaker 49',
      'nothing like it',
    ];
    const started = performance.now();
    let calls = 0;
    for (let round = 0; round < 20; round++) {
      for (const t of typed) {
        expect(suggestIncidents(big, t).length).toBeLessThanOrEqual(25);
        suggestSpeakers(big, t);
        calls += 2;
      }
    }
    // Well under 1 ms each on a quiet machine; the bound leaves room for a busy shared one.
    expect((performance.now() - started) / calls).toBeLessThan(2);
  }, 120_000); // building the index of 100k incidents takes most of it
});

describe('warmIndexes', () => {
  it('builds every index ahead of the first query, and queries then answer from them', async () => {
    const catalog = makeCatalog([on('2020-05-01', { id: 'warm', title: 'Shelling of Homs' })]);
    await warmIndexes(catalog);
    expect(suggestIncidents(catalog, 'homs').map((c) => c.value)).toEqual(['warm']);
    expect(searchIncidents(catalog, { query: 'homs' }, now).total).toBe(1);
  });
});

describe('datasetStats', () => {
  it('counts incidents, countries, quotes, claims and distinct sources, with the newest and the span', () => {
    const a = on(
      '2020-05-01',
      { casualties: [claim('M', 1)], quotes: [quote('S', 'x'), quote('S', 'y')] },
      '2020-05-09',
    );
    const b = on('2020-04-01', { location: { country: 'Iraq', iso3: 'IRQ' } });
    const stats = datasetStats(makeCatalog([b, a]));
    expect(stats).toEqual({
      incidents: 2,
      countries: 2,
      quotes: 2,
      claims: 1,
      sources: 1,
      newest: a,
      span: { from: '2020-04-01', to: '2020-05-09' },
    });
  });

  it('reports an empty catalog without a newest incident or span', () => {
    expect(datasetStats(makeCatalog([]))).toEqual({
      incidents: 0,
      countries: 0,
      quotes: 0,
      claims: 0,
      sources: 0,
      newest: undefined,
      span: undefined,
    });
  });
});

describe('the example data in data/incidents', async () => {
  const { files } = await readIncidentFolder('data');
  const catalog = catalogOfFiles(files);

  it('has three quotes by Samah Hadid', () => {
    const page = findQuotes(catalog, { speaker: 'Hadid' });
    expect(page.total).toBe(3);
    expect(page.items.every((h) => h.quote.speaker === 'Samah Hadid' && h.date === '2016-10-31')).toBe(true);
  });

  it('groups Syrian casualty claims by claimant, never adding the military and UN figures together', () => {
    const { groups } = casualtyClaims(catalog, { country: 'Syria' }, now);
    const military = groups.find((g) => g.claimant === 'Syrian military');
    const envoy = groups.find((g) => g.claimant === 'UN Special Envoy for Syria');
    expect(military?.period).toEqual({ from: '2016-10-28', to: '2016-10-30' });
    expect(military?.rows.map((r) => r.claim.killed?.best)).toEqual([84]);
    expect(envoy?.period).toEqual({ from: '2016-10-28', to: '2016-10-30' });
    expect(envoy?.rows.map((r) => r.claim.killed?.text)).toEqual(['scores']);
    expect(envoy).not.toBe(military);
  });

  it('lists both incidents, newest first', () => {
    expect(latest(catalog, {}, now).items.map((i) => i.id)).toEqual([
      '2016-10-30-aleppo-toxic-gas-shelling',
      '2016-10-30-aleppo-west-shelling',
    ]);
  });
});
