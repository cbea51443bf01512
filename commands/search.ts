import { OPTION_LIMITS } from '../src/constants.ts';
import { searchIncidents, suggestCountries } from '../src/incidents/queries.ts';
import { presentSearch } from '../src/render/present.ts';
import { optional } from '../src/util.ts';
import { countOption, countryOption, sinceOption, slashCommand } from './options.ts';
import { type Command, integerOption, stringOption } from './types.ts';

const fallback = OPTION_LIMITS.searchCount.default;

export const searchCommand: Command = {
  data: slashCommand('search', 'Ranked full-text search over titles, summaries, quotes, places and actors')
    .addStringOption((o) =>
      o
        .setName('query')
        .setDescription('Words to look for')
        .setRequired(true)
        .setMaxLength(OPTION_LIMITS.query),
    )
    .addStringOption(countryOption)
    .addStringOption(sinceOption)
    .addIntegerOption(countOption(OPTION_LIMITS.searchCount))
    .toJSON(),
  execute(options, { catalog, now }) {
    const query = {
      query: stringOption(options, 'query') ?? '',
      count: integerOption(options, 'count') ?? fallback,
      ...optional('country', stringOption(options, 'country')),
      ...optional('since', stringOption(options, 'since')),
    };
    return presentSearch(searchIncidents(catalog, query, now), query);
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
