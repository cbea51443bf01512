import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClaimGroup, DatasetStats, QuoteHit } from '../src/incidents/queries.ts';
import type { Answer } from '../src/render/answer.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { quoteHit } from '../src/render/format.ts';
import {
  NOT_SUMMED,
  presentAbout,
  presentCasualties,
  presentError,
  presentIncident,
  presentLatest,
  presentQuotes,
  presentSearch,
} from '../src/render/present.ts';
import { toText } from '../src/render/text.ts';
import { exampleIncident } from './helpers/expect.ts';
import { makeIncident } from './helpers/incidents.ts';

const shelling = exampleIncident('2016-10-30-aleppo-west-shelling');
const gas = exampleIncident('2016-10-30-aleppo-toxic-gas-shelling');

const MILITARY = 'at least 84 killed, 280 injured — Syrian military, 28–30 Oct 2016';
const UN =
  'scores killed, hundreds injured (civilians in west Aleppo, including children) — UN Special Envoy for Syria, 28–30 Oct 2016';

/** Every field value and description of an answer, line by line. */
function lines(answer: Answer): string[] {
  return answer.sections.flatMap((s) => [
    ...(s.description?.split('\n') ?? []),
    ...(s.fields ?? []).flatMap((f) => f.value.split('\n')),
  ]);
}

function field(answer: Answer, name: RegExp) {
  return answer.sections.flatMap((s) => s.fields ?? []).find((f) => name.test(f.name));
}

describe('presentIncident: the full briefing', () => {
  const answer = presentIncident(shelling);

  it('lists every casualty claim on its own line, attributed, never summed', () => {
    const claims = field(answer, /^Casualty claims/);
    expect(claims?.name).toBe('Casualty claims (2, not summed)');
    expect(claims?.value.split('\n')).toEqual([
      `• ${MILITARY} · source: Press TV (state-affiliated (Iran))`,
      `• ${UN} · source: Press TV (state-affiliated (Iran))`,
    ]);
  });

  it('gives title, summary, place with admin levels and coordinates, dates, type, actors, tags and id', () => {
    const [main] = answer.sections;
    expect(main?.title).toBe(shelling.title);
    expect(main?.description).toBe(shelling.summary);
    expect(main?.footer).toBe('id: 2016-10-30-aleppo-west-shelling');
    expect(field(answer, /^Date$/)?.value).toBe('28–30 Oct 2016 (precise to the day)');
    expect(field(answer, /^Type$/)?.value).toBe(
      'Explosions/Remote violence › Shelling/artillery/missile attack',
    );
    const place = field(answer, /^Place$/)?.value ?? '';
    expect(place).toContain('Aleppo city, government-held western districts');
    expect(place).toContain('Syria (SYR) › Aleppo (admin1) › Jebel Saman (admin2)');
    expect(place).toContain('36.2°N, 37.13°E · near the named place');
    expect(field(answer, /^Actors$/)?.value).toBe(
      'Armed opposition groups — perpetrator\nCivilians (Syria) — target',
    );
    expect(field(answer, /^Tags$/)?.value).toBe('aleppo · shelling · siege · civilians');
  });

  it('marks an alleged perpetrator as alleged', () => {
    expect(field(presentIncident(gas), /^Actors$/)?.value).toContain(
      'Armed opposition groups — perpetrator (alleged)',
    );
  });

  it('quotes verbatim with full attribution, and shows sources with affiliation', () => {
    const quotes = answer.sections.find((s) => s.title?.startsWith('Quotes'));
    for (const quote of shelling.quotes) expect(quotes?.description).toContain(`“${quote.text}”`);
    expect(quotes?.description).toContain(
      '— Staffan de Mistura, Special Envoy for Syria, United Nations · 30 Oct 2016 · Press TV (state-affiliated (Iran))',
    );
    const sources = answer.sections.find((s) => s.title === 'Sources');
    expect(sources?.description).toBe('• Press TV (state-affiliated (Iran)), 31 Oct 2016');
  });

  it('fits Discord and keeps every claim line intact there', () => {
    const pages = toDiscordPages(answer);
    const values = pages.flatMap((p) => p.embeds.flatMap((e) => e.fields ?? [])).map((f) => f.value);
    expect(values.join('\n')).toContain(MILITARY);
    expect(values.join('\n')).toContain(UN);
  });

  it('keeps Arabic text intact from data to Discord', () => {
    const arabic = makeIncident({
      title: 'قصف الأحياء الغربية في حلب',
      summary: 'أفادت وكالة الأنباء بسقوط قذائف على أحياء سكنية.',
      quotes: [{ speaker: 'متحدث', text: 'لا شيء يبرر استهداف المدنيين.', source: 'src-1' }],
    });
    const [page] = toDiscordPages(presentIncident(arabic));
    expect(page?.embeds[0]?.title).toBe('قصف الأحياء الغربية في حلب');
    expect(page?.embeds[0]?.description).toBe('أفادت وكالة الأنباء بسقوط قذائف على أحياء سكنية.');
    expect(page?.embeds[1]?.description).toContain('“لا شيء يبرر استهداف المدنيين.”');
  });
});

describe('editorial rule: figures are attributed and never added up', () => {
  it('shows contested numeric figures side by side and never their sum', () => {
    const incident = makeIncident({
      casualties: [
        { claimant: 'Ministry of Health', killed: { best: 84 }, source: 'src-1' },
        { claimant: 'Opposition monitor', killed: { best: 30 }, source: 'src-1' },
      ],
    });
    for (const answer of [presentIncident(incident), presentLatest({ total: 1, items: [incident] })]) {
      const all = JSON.stringify(toDiscordPages(answer)) + toText(answer);
      expect(all).not.toContain('114');
      expect(all).toContain('84 killed — Ministry of Health, 1 May 2020');
      expect(all).toContain('30 killed — Opposition monitor, 1 May 2020');
    }
  });

  it('every line that gives a figure names its claimant and period, in every list', () => {
    const claimants = ['Ministry of Health', 'Civil Defence', 'UN OCHA', 'Local council'];
    const claim = fc.record({
      claimant: fc.constantFrom(...claimants),
      killed: fc.integer({ min: 10_000, max: 40_000 }).map((best) => ({ best })),
    });
    fc.assert(
      fc.property(fc.array(claim, { minLength: 2, maxLength: 6 }), (claims) => {
        const incident = makeIncident({ casualties: claims.map((c) => ({ ...c, source: 'src-1' })) });
        const figures = claims.map((c) => c.killed.best);
        const sum = figures.reduce((a, b) => a + b, 0);
        for (const answer of [presentIncident(incident), presentLatest({ total: 1, items: [incident] })]) {
          for (const line of lines(answer).filter((l) => /killed/.test(l))) {
            expect(line).toMatch(/ — (Ministry of Health|Civil Defence|UN OCHA|Local council), 1 May 2020/);
          }
          expect(JSON.stringify(answer)).not.toContain(new Intl.NumberFormat('en-GB').format(sum));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('presentLatest', () => {
  it('gives one compact entry per incident with its attributed casualty headlines', () => {
    const answer = presentLatest({ total: 2, items: [gas, shelling] }, { count: 5 });
    expect(answer.content).toBe('2 incidents, newest first');
    const entry = field(answer, /Shelling of government-held west Aleppo/);
    expect(entry?.name).toBe('28–30 Oct 2016 · Shelling of government-held west Aleppo');
    expect(entry?.value.split('\n')).toEqual([
      'Aleppo city, government-held western districts, Aleppo, Syria · Explosions/Remote violence › Shelling/artillery/missile attack',
      `• ${MILITARY}`,
      `• ${UN}`,
      'id: 2016-10-30-aleppo-west-shelling',
    ]);
  });

  it('says how many of how many, and what filters matched', () => {
    const answer = presentLatest({ total: 12, items: [shelling] }, { country: 'Syria', type: 'battles' });
    expect(answer.content).toBe('1 of 12 incidents matching country Syria, type Battles, newest first');
  });

  it('answers an empty result with a helpful sentence', () => {
    const answer = presentLatest({ total: 0, items: [] }, { country: 'Syria', since: '2020-01-01' });
    expect(answer.content).toContain('No incidents match country Syria since 2020-01-01.');
    expect(answer.sections).toEqual([]);
  });

  it('counts the claims it cannot fit instead of dropping them silently', () => {
    const incident = makeIncident({
      casualties: Array.from({ length: 30 }, (_, i) => ({
        claimant: `Claimant number ${i} with a fairly long descriptive name`,
        killed: { best: i + 1 },
        source: 'src-1',
      })),
    });
    const value = presentLatest({ total: 1, items: [incident] }).sections[0]?.fields?.[0]?.value ?? '';
    expect(value.length).toBeLessThanOrEqual(1024);
    expect(value).toMatch(/• \d+ more claims: \/incident/);
    expect(value.endsWith(`id: ${incident.id}`)).toBe(true);
  });
});

describe('presentCasualties', () => {
  const groups: ClaimGroup[] = shelling.casualties.map((claim) => ({
    claimant: claim.claimant,
    period: { from: '2016-10-28', to: '2016-10-30' },
    rows: [{ incident: shelling, claim, source: shelling.sources[0] }],
  }));

  it('gives one block per claimant and period, with the note that figures are not added up', () => {
    const answer = presentCasualties({ groups, claims: 2 }, { country: 'Syria' });
    expect(answer.content).toBe('2 casualty claims by 2 claimants matching country Syria');
    const [section] = answer.sections;
    expect(section?.description).toBe(NOT_SUMMED);
    expect(section?.fields?.map((f) => f.name)).toEqual([
      'Syrian military · 28–30 Oct 2016',
      'UN Special Envoy for Syria · 28–30 Oct 2016',
    ]);
    expect(section?.fields?.[0]?.value).toBe(
      'at least 84 killed, 280 injured — Shelling of government-held west Aleppo (id: 2016-10-30-aleppo-west-shelling) · source: Press TV (state-affiliated (Iran))',
    );
  });

  it('repeats the claimant and period on a continued block', () => {
    const many: ClaimGroup = { ...groups[0], rows: Array(40).fill(groups[0]?.rows[0]) } as ClaimGroup;
    const fields = presentCasualties({ groups: [many], claims: 40 }).sections[0]?.fields ?? [];
    expect(fields.length).toBeGreaterThan(1);
    for (const f of fields) expect(f.name).toMatch(/^Syrian military · 28–30 Oct 2016/);
  });

  it('answers an empty result with a helpful sentence', () => {
    expect(
      presentCasualties({ groups: [], claims: 0 }, { country: 'Iraq', since: '2020-01-01' }).content,
    ).toContain('No casualty claims match country Iraq since 2020-01-01.');
  });
});

describe('presentQuotes and presentSearch', () => {
  const hits: QuoteHit[] = shelling.quotes.map((q) => quoteHit(q, shelling));

  it('shows each quote verbatim with attribution and its incident', () => {
    const answer = presentQuotes({ total: 4, items: hits }, { speaker: 'de Mistura' });
    expect(answer.content).toBe('4 quotes matching speaker de Mistura, newest first');
    const text = answer.sections.map((s) => s.description).join('\n\n');
    for (const hit of hits) expect(text).toContain(`“${hit.quote.text}”`);
    expect(text).toContain('Incident: 28–30 Oct 2016 · Shelling of government-held west Aleppo');
  });

  it('says when no quote matches', () => {
    expect(presentQuotes({ total: 0, items: [] }, { speaker: 'Nobody' }).content).toContain(
      'No quotes match speaker Nobody.',
    );
  });

  it('lists search hits with where they matched', () => {
    const answer = presentSearch(
      { total: 1, items: [{ incident: gas, score: 3, fields: ['title', 'summary'] }] },
      { query: 'toxic gas' },
    );
    expect(answer.content).toBe('1 match for “toxic gas”, best first');
    expect(answer.sections[0]?.fields?.[0]?.value).toContain('Matched in: title, summary');
    expect(presentSearch({ total: 0, items: [] }, { query: 'sarin', country: 'Iraq' }).content).toContain(
      'Nothing matches “sarin” with country Iraq.',
    );
  });
});

describe('presentAbout and presentError', () => {
  it('shows counts, span, the newest incident, freshness and version', () => {
    const stats: DatasetStats = {
      incidents: 2,
      countries: 1,
      quotes: 5,
      claims: 3,
      sources: 2,
      newest: gas,
      span: { from: '2016-10-28', to: '2016-10-30' },
    };
    const answer = presentAbout(stats, '0.1.0', new Date('2024-05-01T07:00:00Z'));
    expect(field(answer, /^Dates covered$/)?.value).toBe('28–30 Oct 2016');
    expect(field(answer, /^Data loaded$/)?.value).toBe('2024-05-01 07:00 UTC');
    expect(field(answer, /^Version$/)?.value).toBe('0.1.0');
    expect(field(answer, /^Newest incident$/)?.value).toContain('id: 2016-10-30-aleppo-toxic-gas-shelling');
  });

  it('shows user errors to the asker only', () => {
    const [page] = toDiscordPages(presentError('No incident with id "nope".'));
    expect(page).toEqual({
      content: 'No incident with id "nope".',
      embeds: [],
      allowed_mentions: { parse: [] },
      flags: 64,
    });
  });
});
