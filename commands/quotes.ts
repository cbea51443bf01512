import { OPTION_LIMITS } from '../src/constants.ts';
import {
  findQuotes,
  suggestIncidents,
  suggestOrganizations,
  suggestSpeakers,
} from '../src/incidents/queries.ts';
import { presentQuotes } from '../src/render/present.ts';
import { optional } from '../src/util.ts';
import { countOption, slashCommand } from './options.ts';
import { type Command, integerOption, stringOption } from './types.ts';

const fallback = OPTION_LIMITS.quotesCount.default;

export const quotesCommand: Command = {
  data: slashCommand('quotes', 'Verbatim quotes with speaker, role, organisation, date and source')
    .addStringOption((o) =>
      o
        .setName('speaker')
        .setDescription('Who said it')
        .setAutocomplete(true)
        .setMaxLength(OPTION_LIMITS.choice),
    )
    .addStringOption((o) =>
      o
        .setName('organization')
        .setDescription('The speaker’s organisation')
        .setAutocomplete(true)
        .setMaxLength(OPTION_LIMITS.choice),
    )
    .addStringOption((o) =>
      o
        .setName('incident')
        .setDescription('Only this incident')
        .setAutocomplete(true)
        .setMaxLength(OPTION_LIMITS.choice),
    )
    .addStringOption((o) =>
      o.setName('query').setDescription('Words the quote contains').setMaxLength(OPTION_LIMITS.query),
    )
    .addIntegerOption(countOption(OPTION_LIMITS.quotesCount))
    .toJSON(),
  execute(options, { catalog }) {
    const query = {
      count: integerOption(options, 'count') ?? fallback,
      ...optional('speaker', stringOption(options, 'speaker')),
      ...optional('organization', stringOption(options, 'organization')),
      ...optional('incident', stringOption(options, 'incident')),
      ...optional('query', stringOption(options, 'query')),
    };
    return presentQuotes(findQuotes(catalog, query), query);
  },
  autocomplete(focused, _options, { catalog }) {
    switch (focused.name) {
      case 'speaker':
        return suggestSpeakers(catalog, focused.value);
      case 'organization':
        return suggestOrganizations(catalog, focused.value);
      case 'incident':
        return suggestIncidents(catalog, focused.value);
      default:
        return [];
    }
  },
};
