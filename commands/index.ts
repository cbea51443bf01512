// The explicit list of commands: the dispatcher, the deploy command and the offline CLI all read it.
import { aboutCommand } from './about.ts';
import { casualtiesCommand } from './casualties.ts';
import { digestAdminCommand, digestCommand } from './digest.ts';
import { incidentCommand } from './incident.ts';
import { latestCommand } from './latest.ts';
import { mapCommand } from './map.ts';
import { quotesCommand } from './quotes.ts';
import { searchCommand } from './search.ts';
import { trendsCommand } from './trends.ts';
import type { Command } from './types.ts';

export const commands: readonly Command[] = [
  latestCommand,
  incidentCommand,
  quotesCommand,
  searchCommand,
  casualtiesCommand,
  trendsCommand,
  mapCommand,
  digestCommand,
  digestAdminCommand,
  aboutCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.data.name === name);
}
