import { OPTION_LIMITS } from '../src/constants.ts';
import { latest, suggestCountries } from '../src/incidents/queries.ts';
import { EVENT_TYPES, type EventType } from '../src/incidents/taxonomy.ts';
import { presentLatest } from '../src/render/present.ts';
import { optional } from '../src/util.ts';
import { countOption, countryOption, sinceOption, slashCommand } from './options.ts';
import { type Command, integerOption, stringOption } from './types.ts';

const fallback = OPTION_LIMITS.latestCount.default;

export const latestCommand: Command = {
  data: slashCommand('latest', 'The newest incidents, with attributed casualty claims')
    .addIntegerOption(countOption(OPTION_LIMITS.latestCount))
    .addStringOption(countryOption)
    .addStringOption((o) =>
      o
        .setName('type')
        .setDescription('Event type (ACLED)')
        .addChoices(
          ...(Object.entries(EVENT_TYPES) as [EventType, string][]).map(([value, name]) => ({ name, value })),
        ),
    )
    .addStringOption(sinceOption)
    .toJSON(),
  execute(options, { catalog, now }) {
    const query = {
      count: integerOption(options, 'count') ?? fallback,
      ...optional('country', stringOption(options, 'country')),
      ...optional('type', stringOption(options, 'type')),
      ...optional('since', stringOption(options, 'since')),
    };
    return presentLatest(latest(catalog, query, now), query);
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
