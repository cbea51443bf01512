import { withCasualtyChart } from '../src/charts/answers.ts';
import { resolveCountry } from '../src/incidents/filters.ts';
import { casualtyClaims, suggestCountries } from '../src/incidents/queries.ts';
import { presentCasualties } from '../src/render/present.ts';
import { optional } from '../src/util.ts';
import { countryOption, sinceOption, slashCommand, untilOption } from './options.ts';
import { type Command, stringOption } from './types.ts';

export const casualtiesCommand: Command = {
  data: slashCommand(
    'casualties',
    'Casualty claims grouped by claimant and period, never added up across claimants',
  )
    .addStringOption(countryOption)
    .addStringOption(sinceOption)
    .addStringOption(untilOption)
    .toJSON(),
  async execute(options, { catalog, now }) {
    const query = {
      ...optional('country', stringOption(options, 'country')),
      ...optional('since', stringOption(options, 'since')),
      ...optional('until', stringOption(options, 'until')),
    };
    const result = casualtyClaims(catalog, query, now);
    const country = query.country === undefined ? undefined : resolveCountry(catalog, query.country).name;
    const title = country === undefined ? 'Casualty claims' : `Casualty claims in ${country}`;
    // The chart code (vega, resvg) loads with the first chart, not with every command.
    const { renderCasualtyChart } = await import('../src/charts/casualties.ts');
    return withCasualtyChart(presentCasualties(result, query), await renderCasualtyChart(result, { title }));
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
