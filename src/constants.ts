// Option limits shared by command definitions and validation (one place, not literals).
export const OPTION_LIMITS = {
  /** Discord's own limit for autocomplete values and choice names. */
  choice: 100,
  query: 200,
  date: 30,
  latestCount: { min: 1, max: 10, default: 5 },
  quotesCount: { min: 1, max: 25, default: 5 },
  searchCount: { min: 1, max: 10, default: 5 },
  autocompleteChoices: 25,
} as const;

/** Where the state store lives when STORE_URL is not set. Here, not in state/store.ts, so reading the
 * config does not load the store's drivers (Redis, SQLite). */
export const DEFAULT_STORE_URL = 'sqlite://./var/sitrep.sqlite';
