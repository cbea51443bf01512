// Answers derived from the index (country lists, autocomplete lists), built on first use and kept until
// the index changes: Catalog.version moves with every write, by this process or another one.
import type { Catalog } from './catalog.ts';

/** Wraps `build` so it runs once per catalog and index version. */
export function perCatalog<T>(build: (catalog: Catalog) => T): (catalog: Catalog) => T {
  const cache = new WeakMap<Catalog, { version: string; value: T }>();
  return (catalog) => {
    const version = catalog.version;
    const cached = cache.get(catalog);
    if (cached !== undefined && cached.version === version) return cached.value;
    const value = build(catalog);
    cache.set(catalog, { version, value });
    return value;
  };
}
