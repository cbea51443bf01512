import { UserError } from '../src/errors.ts';
import { suggestCountries } from '../src/incidents/queries.ts';
import { EVENT_TYPES, type EventType } from '../src/incidents/taxonomy.ts';
import { trendData } from '../src/incidents/trends.ts';
import { describeSelection, presentNoTrends, presentTrends } from '../src/render/present-trends.ts';
import { optional } from '../src/util.ts';
import { countryOption, slashCommand } from './options.ts';
import { type Command, stringOption } from './types.ts';

export const trendsCommand: Command = {
  data: slashCommand(
    'trends',
    'Events and deaths in the last 7 and 28 days against the weeks before, per dataset',
  )
    .addStringOption((o) => countryOption(o).setRequired(true))
    .addStringOption((o) =>
      o
        .setName('type')
        .setDescription('Event type (ACLED)')
        .addChoices(
          ...(Object.entries(EVENT_TYPES) as [EventType, string][]).map(([value, name]) => ({ name, value })),
        ),
    )
    .toJSON(),
  async execute(options, { catalog, now }) {
    const country = stringOption(options, 'country');
    if (country === undefined) throw new UserError('Give a country, e.g. /trends country:Syria');
    const data = trendData(catalog, { country, ...optional('type', stringOption(options, 'type')) }, now);
    if (data.series.length === 0) return presentNoTrends(data);
    // The chart code (vega, resvg) loads with the first chart, not with every command.
    const { renderTrendChart, trendFileName, withTrendChart } = await import('../src/charts/trends.ts');
    const chart = await renderTrendChart(data, describeSelection(data.country.name, data.type));
    return withTrendChart(presentTrends(data), chart, trendFileName(data.country.name));
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
