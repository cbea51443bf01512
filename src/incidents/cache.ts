// Indexes derived from a catalog, built on first use and dropped with the catalog (a reload makes a new one).
import type { Catalog } from './catalog.ts';

/** Wraps `build` so it runs once per catalog; the result lives as long as the catalog does. */
export function perCatalog<T>(build: (catalog: Catalog) => T): (catalog: Catalog) => T {
  const cache = new WeakMap<Catalog, T>();
  return (catalog) => {
    let value = cache.get(catalog);
    if (value === undefined) {
      value = build(catalog);
      cache.set(catalog, value);
    }
    return value;
  };
}
