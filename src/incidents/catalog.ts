// The incident index: every loaded incident in SQLite (better-sqlite3, the project's one SQLite binding),
// with the columns, child tables and FTS5 tables the queries read. The files in the data folder stay the
// source of truth; the index is derived from them and can always be deleted and rebuilt.
//
// One Catalog is one open index, on disk (the bot, the CLI) or in memory (tests, small offline loads).
// Queries read it through SQL and parse only the incidents they answer with, so nothing holds all
// incidents in the heap. The writer side (applyFile, removeFile) keeps the index in step with the files,
// one transaction per batch (see live.ts).
import { hash, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { datasetOf, figureKind } from './claimants.ts';
import type { LoadProblem, ParsedFile } from './parse.ts';
import type { Incident } from './schema.ts';
import { foldKey, tokenize } from './text.ts';

export interface CatalogEntry {
  incident: Incident;
  /** The file it came from, as shown to users. */
  file: string;
}

/** Bumped whenever the tables below change shape: an index built by another version is rebuilt. */
export const INDEX_SCHEMA_VERSION = 2;

/** The date an incident sorts by: its end, or its start when it is a single day. */
export function incidentSortDate(incident: Incident): string {
  return incident.date.end ?? incident.date.start;
}

/** The index's sort keys of an incident row (the incidents table's columns of those names). */
export interface SortKeys {
  sort_date: string;
  start_date: string;
  id: string;
}

/** Newest first over index rows, as NEWEST_FIRST orders them in SQL. */
export function compareNewestRows(a: SortKeys, b: SortKeys): number {
  if (a.sort_date !== b.sort_date) return a.sort_date < b.sort_date ? 1 : -1;
  if (a.start_date !== b.start_date) return a.start_date < b.start_date ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Newest first; ties broken by start date, then id, so every listing is stable. */
export function compareNewestFirst(a: Incident, b: Incident): number {
  return compareNewestRows(
    { sort_date: incidentSortDate(a), start_date: a.date.start, id: a.id },
    { sort_date: incidentSortDate(b), start_date: b.date.start, id: b.id },
  );
}

/** The SQL order of compareNewestFirst, over the incidents table (aliased `i` or not). */
export const NEWEST_FIRST = 'sort_date DESC, start_date DESC, id ASC';

/** The text of each searchable field, folded and tokenized the way queries are (text.ts tokenize). */
export const SEARCH_FIELDS = ['title', 'summary', 'quotes', 'place', 'actors', 'tags'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export function searchFieldText(incident: Incident, field: SearchField): string {
  switch (field) {
    case 'title':
      return incident.title;
    case 'summary':
      return incident.summary;
    case 'quotes':
      return incident.quotes.map((q) => `${q.text} ${q.speaker} ${q.organization ?? ''}`).join(' ');
    case 'place': {
      const { country, iso3, admin1, admin2, admin3, place } = incident.location;
      return [country, iso3, admin1, admin2, admin3, place].filter((v) => v !== undefined).join(' ');
    }
    case 'actors':
      return incident.actors.map((a) => a.name).join(' ');
    case 'tags':
      return incident.tags.join(' ');
  }
}

/**
 * How the index files an incident's country: its ISO3 code, or its folded name when it has none. A
 * country (filters.ts) is one or more keys: a name without a code joins the code other incidents give it.
 */
export function countryKeyOf(country: string, iso3: string | undefined): string {
  return iso3 !== undefined ? iso3.toUpperCase() : `name:${foldKey(country)}`;
}

/** One of 256 groups of ids (two hex digits of the id's sha1): the digest tracker stores its records by it. */
export function shardOf(id: string): string {
  return hash('sha1', id, 'hex').slice(0, 2);
}

/** Words as the index stores them: folded (case and accents, any script) by text.ts, space-separated. */
export function indexWords(text: string): string {
  return tokenize(text).join(' ');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY,
  display TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  ino INTEGER NOT NULL,
  hash TEXT NOT NULL,
  problems TEXT,
  has_good INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS incidents (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  display TEXT NOT NULL,
  ord INTEGER NOT NULL,
  sort_date TEXT NOT NULL,
  start_date TEXT NOT NULL,
  country TEXT NOT NULL,
  country_fold TEXT NOT NULL,
  iso3 TEXT,
  country_key TEXT NOT NULL,
  event TEXT NOT NULL,
  sub TEXT,
  title_fold TEXT NOT NULL,
  hash TEXT NOT NULL,
  seq INTEGER NOT NULL,
  shard TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_file ON incidents (file, ord);
CREATE INDEX IF NOT EXISTS incidents_newest ON incidents (sort_date DESC, start_date DESC, id);
CREATE INDEX IF NOT EXISTS incidents_start ON incidents (start_date);
CREATE INDEX IF NOT EXISTS incidents_country ON incidents (country_key, sort_date DESC, start_date DESC, id);
CREATE INDEX IF NOT EXISTS incidents_event ON incidents (event, sort_date DESC, start_date DESC, id);
CREATE INDEX IF NOT EXISTS incidents_sub ON incidents (sub, sort_date DESC, start_date DESC, id);
CREATE INDEX IF NOT EXISTS incidents_seq ON incidents (seq);
CREATE INDEX IF NOT EXISTS incidents_title ON incidents (title_fold, sort_date, start_date, id);
CREATE INDEX IF NOT EXISTS incidents_shard ON incidents (shard);
CREATE TABLE IF NOT EXISTS shadowed (id TEXT NOT NULL, file TEXT NOT NULL, display TEXT NOT NULL,
  PRIMARY KEY (id, file)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quotes (
  rowid INTEGER PRIMARY KEY,
  incident INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  speaker TEXT NOT NULL,
  speaker_fold TEXT NOT NULL,
  organization TEXT,
  organization_fold TEXT,
  date TEXT,
  sort_date TEXT NOT NULL,
  start_date TEXT NOT NULL,
  id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_incident ON quotes (incident, idx);
CREATE INDEX IF NOT EXISTS quotes_newest ON quotes ((date IS NULL), date DESC, sort_date DESC, start_date DESC, id, idx);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes (speaker_fold);
CREATE INDEX IF NOT EXISTS quotes_organization ON quotes (organization_fold);
CREATE TABLE IF NOT EXISTS claims (
  rowid INTEGER PRIMARY KEY,
  incident INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  claimant_fold TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  country_key TEXT NOT NULL,
  dataset TEXT,
  place TEXT,
  killed_kind TEXT,
  killed INTEGER,
  killed_low INTEGER,
  killed_high INTEGER
);
CREATE INDEX IF NOT EXISTS claims_incident ON claims (incident, idx);
-- Datasets' events, covering what /casualties adds up (casualties.ts): its sums read no table rows.
CREATE INDEX IF NOT EXISTS claims_dataset ON claims (dataset, period_to, period_from, killed_kind, killed,
  killed_low, killed_high, place, country_key, incident, idx) WHERE dataset IS NOT NULL;
CREATE INDEX IF NOT EXISTS claims_dataset_country ON claims (country_key, dataset, period_to, period_from,
  killed_kind, killed, killed_low, killed_high, place, incident, idx) WHERE dataset IS NOT NULL;
CREATE INDEX IF NOT EXISTS claims_to ON claims (period_to, period_from, incident);
CREATE INDEX IF NOT EXISTS claims_country ON claims (country_key, period_to, period_from, incident);
CREATE INDEX IF NOT EXISTS claims_from ON claims (period_from, incident);
CREATE TABLE IF NOT EXISTS source_ids (source_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS countries (country TEXT NOT NULL, iso3 TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (country, iso3)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (kind TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (kind, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totals (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
  title, summary, quotes, place, actors, tags,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab (search, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS quote_words USING fts5 (
  text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3'
);
`;

export interface FileRecord {
  /** The file's path as the index keys it (absolute for a folder on disk). */
  path: string;
  /** As shown to users. */
  display: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** sha1 of the bytes read. */
  hash: string;
}

export interface IndexInfo {
  file: string;
  files: number;
  incidents: number;
  filesWithProblems: number;
  bytes: number;
  builtAt: string | undefined;
  dataDir: string | undefined;
  schemaVersion: number;
}

type IncidentRow = {
  rowid: number;
  id: string;
  file: string;
  display: string;
  country: string;
  iso3: string | null;
  body: string;
};

/** Parses a stored incident row; every query answers with these. */
export function incidentOf(row: { body: string }): Incident {
  return JSON.parse(row.body) as Incident;
}

export class Catalog {
  readonly db: Database.Database;
  readonly file: string;
  private readonly statements = new Map<string, Database.Statement>();
  private writes = 0;
  private readonly dataVersion: Database.Statement;

  constructor(db: Database.Database, file = ':memory:') {
    this.db = db;
    this.file = file;
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /**
   * Opens (or creates) the index at `file`. `onRebuild` hears why an existing index was discarded: another
   * schema version, another data folder, or a damaged file. Never throws for a damaged index; it starts over.
   */
  static open(
    file: string,
    options: { dataDir?: string; onRebuild?: (reason: string) => void; timeoutMs?: number } = {},
  ): Catalog {
    if (file === ':memory:') return Catalog.create(new Database(':memory:'), file, options.dataDir);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const reason = staleReason(file, options.dataDir, options.timeoutMs);
    if (reason !== undefined) {
      options.onRebuild?.(reason);
      removeIndexFiles(file);
    }
    const db = new Database(file, { timeout: options.timeoutMs ?? 10_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // 32 MiB of page cache (the default is 2 MiB): the upper levels of the indexes stay in memory.
    db.pragma('cache_size = -32768');
    return Catalog.create(db, file, options.dataDir);
  }

  private static create(db: Database.Database, file: string, dataDir: string | undefined): Catalog {
    db.exec(SCHEMA);
    const meta = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      meta.run('schema', String(INDEX_SCHEMA_VERSION));
      if (dataDir !== undefined) meta.run('data_dir', path.resolve(dataDir));
      meta.run('seq', '0');
      // Tells one build of the index from another: the digest tracker compares everything again when
      // the index it last read was a different one (deleted and rebuilt, or another copy).
      meta.run('generation', randomUUID());
    })();
    return new Catalog(db, file);
  }

  /** An in-memory index of these entries, as a folder of those files would give (tests, small loads). */
  static fromEntries(entries: readonly CatalogEntry[]): Catalog {
    const catalog = Catalog.open(':memory:');
    const byFile = new Map<string, Incident[]>();
    for (const { incident, file } of entries) {
      const list = byFile.get(file);
      if (list) list.push(incident);
      else byFile.set(file, [incident]);
    }
    catalog.transaction(() => {
      for (const [file, incidents] of [...byFile].sort(([a], [b]) => compareCodeUnits(a, b))) {
        catalog.applyFile(
          { path: file, display: file, size: 0, mtimeMs: 0, ino: 0, hash: '' },
          { file, incidents, problems: [] },
        );
      }
    });
    return catalog;
  }

  /** A prepared statement, cached by its SQL. */
  statement<Params extends unknown[] = unknown[], Row = unknown>(
    sql: string,
  ): Database.Statement<Params, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    } else if (statement.reader) {
      // pluck() changes the statement itself: whoever shares its SQL gets rows again unless they ask.
      statement.pluck(false);
    }
    return statement as Database.Statement<Params, Row>;
  }

  /**
   * Changes whenever the index changes, by this process or another one sharing the file: answers derived
   * from the index (see cache.ts) are kept until it moves.
   */
  get version(): string {
    return `${this.writes}:${this.dataVersion.get() as number}`;
  }

  get size(): number {
    return this.total('incidents');
  }

  total(key: 'incidents' | 'quotes' | 'claims' | 'sources'): number {
    const row = this.statement<[string], { n: number }>('SELECT n FROM totals WHERE key = ?').get(key);
    return row?.n ?? 0;
  }

  entry(id: string): CatalogEntry | undefined {
    const row = this.statement<[string], IncidentRow>('SELECT display, body FROM incidents WHERE id = ?').get(
      id,
    );
    return row ? { incident: incidentOf(row), file: row.display } : undefined;
  }

  get(id: string): Incident | undefined {
    return this.entry(id)?.incident;
  }

  has(id: string): boolean {
    return this.statement<[string]>('SELECT 1 FROM incidents WHERE id = ?').get(id) !== undefined;
  }

  /** The incidents with these ids that exist, newest first. */
  incidentsByIds(ids: readonly string[]): Incident[] {
    const out: Incident[] = [];
    const select = this.statement<[string], IncidentRow>('SELECT body FROM incidents WHERE id = ?');
    for (const id of new Set(ids)) {
      const row = select.get(id);
      if (row) out.push(incidentOf(row));
    }
    return out.sort(compareNewestFirst);
  }

  /** The newest incidents, newest first. */
  newest(limit: number, offset = 0): Incident[] {
    return this.statement<[number, number], IncidentRow>(
      `SELECT body FROM incidents ORDER BY ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
    )
      .all(limit, offset)
      .map(incidentOf);
  }

  /**
   * Every incident, newest first, read in pages of `pageSize`: for the few passes that must see all
   * (validation reports, exports), without holding them all at once.
   */
  *all(pageSize = 1000): Generator<Incident> {
    let after: { sort: string; start: string; id: string } | undefined;
    const first = this.statement<[number], IncidentRow & { sort_date: string; start_date: string }>(
      `SELECT id, sort_date, start_date, body FROM incidents ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    );
    const next = this.statement<
      [string, string, string, string, string, number],
      IncidentRow & { sort_date: string; start_date: string }
    >(
      `SELECT id, sort_date, start_date, body FROM incidents
       WHERE sort_date < ? OR (sort_date = ? AND (start_date < ? OR (start_date = ? AND id > ?)))
       ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    );
    for (;;) {
      const rows =
        after === undefined
          ? first.all(pageSize)
          : next.all(after.sort, after.sort, after.start, after.start, after.id, pageSize);
      for (const row of rows) yield incidentOf(row);
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) return;
      after = { sort: last.sort_date, start: last.start_date, id: last.id };
    }
  }

  /** Runs `fn` in one write transaction (IMMEDIATE: it waits for another writer instead of failing). */
  transaction<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    this.writes += 1;
    return result;
  }

  /** The files the index knows, with what it recorded of each. */
  fileRecord(filePath: string): (FileRecord & { problems: LoadProblem[]; hasGood: boolean }) | undefined {
    const row = this.statement<
      [string],
      {
        path: string;
        display: string;
        size: number;
        mtime_ms: number;
        ino: number;
        hash: string;
        problems: string | null;
        has_good: number;
      }
    >('SELECT * FROM files WHERE path = ?').get(filePath);
    if (!row) return undefined;
    return {
      path: row.path,
      display: row.display,
      size: row.size,
      mtimeMs: row.mtime_ms,
      ino: row.ino,
      hash: row.hash,
      problems: row.problems === null ? [] : (JSON.parse(row.problems) as LoadProblem[]),
      hasGood: row.has_good === 1,
    };
  }

  /** Every file path the index knows. */
  filePaths(): string[] {
    return this.statement<[], string>('SELECT path FROM files ORDER BY path')
      .pluck()
      .all() as unknown as string[];
  }

  /**
   * Records the version of a file just read. A version without problems replaces the file's incidents; a
   * version with problems keeps the last good one serving (its problems say so). Call inside transaction().
   * Returns the files whose copies of an id became free (their holder went): they must be read again.
   */
  applyFile(record: FileRecord, parsed: ParsedFile): string[] {
    const good = parsed.problems.length === 0;
    const before = this.fileRecord(record.path);
    let reread: string[] = [];
    let problems = parsed.problems;
    if (good) reread = this.replaceIncidents(record, parsed.incidents);
    else if (before?.hasGood) {
      problems = parsed.problems.map((p) => ({
        ...p,
        message: `${p.message} (the last good version keeps serving)`,
      }));
    }
    this.statement(
      `INSERT INTO files (path, display, size, mtime_ms, ino, hash, problems, has_good) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET display = excluded.display, size = excluded.size, mtime_ms = excluded.mtime_ms,
       ino = excluded.ino, hash = excluded.hash, problems = excluded.problems, has_good = excluded.has_good`,
    ).run(
      record.path,
      record.display,
      record.size,
      record.mtimeMs,
      record.ino,
      record.hash,
      problems.length === 0 ? null : JSON.stringify(problems),
      good || before?.hasGood ? 1 : 0,
    );
    return reread;
  }

  /** Forgets a file and its incidents. Call inside transaction(). Returns files to read again (see applyFile). */
  removeFile(filePath: string): string[] {
    const reread = this.replaceIncidents({ path: filePath, display: filePath }, []);
    this.statement('DELETE FROM shadowed WHERE file = ?').run(filePath);
    this.statement('DELETE FROM files WHERE path = ?').run(filePath);
    return reread;
  }

  /** A file whose bytes did not change (same hash) got a new size, time or inode. Call inside transaction(). */
  touchFile(record: FileRecord): void {
    this.statement('UPDATE files SET display = ?, size = ?, mtime_ms = ?, ino = ? WHERE path = ?').run(
      record.display,
      record.size,
      record.mtimeMs,
      record.ino,
      record.path,
    );
  }

  /** Marks a file to be read again at the next sync, whatever its size and time. */
  invalidateFile(filePath: string): void {
    this.statement("UPDATE files SET hash = '', size = -1 WHERE path = ?").run(filePath);
  }

  /** Problems of every file's version on disk, and ids that two files give (the first file keeps it). */
  problems(): LoadProblem[] {
    const out: LoadProblem[] = [];
    const rows = this.statement<[], { problems: string }>(
      'SELECT problems FROM files WHERE problems IS NOT NULL ORDER BY path',
    ).all();
    for (const row of rows) out.push(...(JSON.parse(row.problems) as LoadProblem[]));
    const dupes = this.statement<[], { id: string; display: string; holder: string }>(
      `SELECT s.id, s.display, i.display AS holder FROM shadowed s JOIN incidents i ON i.id = s.id
       ORDER BY s.file, s.id`,
    ).all();
    for (const { id, display, holder } of dupes) {
      out.push({
        file: display,
        field: 'id',
        message: `duplicate id "${id}": also in ${holder} (that one is kept)`,
      });
    }
    return out;
  }

  meta(key: string): string | undefined {
    return this.statement<[string], string>('SELECT value FROM meta WHERE key = ?').pluck().get(key) as
      | string
      | undefined;
  }

  setMeta(key: string, value: string): void {
    this.statement(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  /** What `sitrep index` shows. */
  info(): IndexInfo {
    const files = (this.statement('SELECT count(*) FROM files').pluck().get() as number) ?? 0;
    const filesWithProblems =
      (this.statement('SELECT count(*) FROM files WHERE problems IS NOT NULL').pluck().get() as number) ?? 0;
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      file: this.file,
      files,
      incidents: this.size,
      filesWithProblems,
      bytes: pageCount * pageSize,
      builtAt: this.meta('built_at'),
      dataDir: this.meta('data_dir'),
      schemaVersion: Number(this.meta('schema') ?? INDEX_SCHEMA_VERSION),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The file's incidents become `incidents`; ids another file holds stay with the file that sorts first. */
  private replaceIncidents(
    record: { path: string; display: string },
    incidents: readonly Incident[],
  ): string[] {
    const reread = new Set<string>();
    const old = this.statement<[string], { rowid: number; id: string }>(
      'SELECT rowid, id FROM incidents WHERE file = ?',
    ).all(record.path);
    const keep = new Map<string, number>();
    for (const row of old) keep.set(row.id, row.rowid);
    const newIds = new Set(incidents.map((i) => i.id));
    for (const row of old) {
      if (newIds.has(row.id)) continue;
      this.deleteIncident(row.rowid);
      for (const file of this.freeId(row.id)) reread.add(file);
    }
    this.statement('DELETE FROM shadowed WHERE file = ?').run(record.path);
    let seq = Number(this.meta('seq') ?? '0');
    const seen = new Set<string>();
    for (const [ord, incident] of incidents.entries()) {
      if (seen.has(incident.id)) {
        this.shadow(incident.id, record.path, record.display);
        continue;
      }
      seen.add(incident.id);
      const own = keep.get(incident.id);
      const body = JSON.stringify(incident);
      const contentHash = hash('sha1', body, 'base64url');
      if (own !== undefined) {
        const current = this.statement<[number], { hash: string; ord: number; display: string }>(
          'SELECT hash, ord, display FROM incidents WHERE rowid = ?',
        ).get(own);
        if (current?.hash === contentHash && current.ord === ord && current.display === record.display)
          continue;
        this.deleteIncident(own);
      } else {
        const holder = this.statement<[string], { rowid: number; file: string; display: string }>(
          'SELECT rowid, file, display FROM incidents WHERE id = ?',
        ).get(incident.id);
        if (holder) {
          if (compareCodeUnits(holder.file, record.path) < 0) {
            this.shadow(incident.id, record.path, record.display);
            continue;
          }
          // This file sorts first: it takes the id, and the other file's copy waits in `shadowed`.
          this.deleteIncident(holder.rowid);
          this.shadow(incident.id, holder.file, holder.display);
          this.invalidateFile(holder.file);
        }
      }
      seq += 1;
      this.insertIncident(incident, record, ord, body, contentHash, seq);
    }
    this.setMeta('seq', String(seq));
    return [...reread];
  }

  /** Notes that `file` also gives `id`, which another file holds: it is not served, and says so. */
  private shadow(id: string, file: string, display: string): void {
    this.statement('INSERT OR IGNORE INTO shadowed (id, file, display) VALUES (?, ?, ?)').run(
      id,
      file,
      display,
    );
  }

  /** An id whose holder went: the files that also give it are read again, so the first of them takes it. */
  private freeId(id: string): string[] {
    const files = this.statement<[string], string>('SELECT file FROM shadowed WHERE id = ?')
      .pluck()
      .all(id) as unknown as string[];
    for (const file of files) this.invalidateFile(file);
    this.statement('DELETE FROM shadowed WHERE id = ?').run(id);
    return files;
  }

  private insertIncident(
    incident: Incident,
    record: { path: string; display: string },
    ord: number,
    body: string,
    contentHash: string,
    seq: number,
  ): void {
    const { country, iso3 } = incident.location;
    const countryFold = foldKey(country);
    const countryKey = countryKeyOf(country, iso3);
    const sortDate = incidentSortDate(incident);
    const { lastInsertRowid } = this.statement(
      `INSERT INTO incidents (id, file, display, ord, sort_date, start_date, country, country_fold, iso3, country_key,
       event, sub, title_fold, hash, seq, shard, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      incident.id,
      record.path,
      record.display,
      ord,
      sortDate,
      incident.date.start,
      country,
      countryFold,
      iso3 ?? null,
      countryKey,
      incident.type.event,
      incident.type.sub ?? null,
      foldKey(incident.title),
      contentHash,
      seq,
      shardOf(incident.id),
      body,
    );
    const rowid = Number(lastInsertRowid);
    this.statement(
      'INSERT INTO search (rowid, title, summary, quotes, place, actors, tags) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(rowid, ...SEARCH_FIELDS.map((field) => indexWords(searchFieldText(incident, field))));
    const insertQuote = this.statement(
      `INSERT INTO quotes (incident, idx, speaker, speaker_fold, organization, organization_fold, date, sort_date,
       start_date, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertQuoteWords = this.statement('INSERT INTO quote_words (rowid, text) VALUES (?, ?)');
    for (const [idx, quote] of incident.quotes.entries()) {
      const source = incident.sources.find((s) => s.id === quote.source);
      const result = insertQuote.run(
        rowid,
        idx,
        quote.speaker,
        foldKey(quote.speaker),
        quote.organization ?? null,
        quote.organization === undefined ? null : foldKey(quote.organization),
        quote.date ?? source?.published ?? null,
        sortDate,
        incident.date.start,
        incident.id,
      );
      insertQuoteWords.run(Number(result.lastInsertRowid), indexWords(quote.text));
      this.count('names', 'speaker', quote.speaker, 1);
      if (quote.organization !== undefined) this.count('names', 'organization', quote.organization, 1);
    }
    const insertClaim = this.statement(
      `INSERT INTO claims (incident, idx, claimant_fold, period_from, period_to, country_key, dataset, place,
       killed_kind, killed, killed_low, killed_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [idx, claim] of incident.casualties.entries()) {
      const from = claim.period?.from ?? incident.date.start;
      const to = claim.period
        ? (claim.period.to ?? claim.period.from)
        : (incident.date.end ?? incident.date.start);
      // What /casualties adds up within one dataset (casualties.ts), read as figureKind reads it.
      const killed = claim.killed === undefined ? undefined : figureKind(claim.killed);
      insertClaim.run(
        rowid,
        idx,
        foldKey(claim.claimant),
        from,
        to,
        countryKey,
        datasetOf(claim, incident) ?? null,
        incident.location.admin1 ?? null,
        killed?.kind ?? null,
        killed?.value ?? null,
        claim.killed?.low ?? null,
        claim.killed?.high ?? null,
      );
    }
    for (const sourceId of new Set(incident.sources.map((s) => s.id)))
      this.count('source_ids', sourceId, '', 1);
    this.count('countries', country, iso3 ?? '', 1);
    this.bump('incidents', 1);
    this.bump('quotes', incident.quotes.length);
    this.bump('claims', incident.casualties.length);
  }

  private deleteIncident(rowid: number): void {
    const row = this.statement<[number], IncidentRow>(
      'SELECT rowid, country, iso3, body FROM incidents WHERE rowid = ?',
    ).get(rowid);
    if (!row) return;
    const incident = incidentOf(row);
    this.statement('DELETE FROM search WHERE rowid = ?').run(rowid);
    const quoteRows = this.statement<[number], number>('SELECT rowid FROM quotes WHERE incident = ?')
      .pluck()
      .all(rowid) as unknown as number[];
    for (const quoteRow of quoteRows) this.statement('DELETE FROM quote_words WHERE rowid = ?').run(quoteRow);
    this.statement('DELETE FROM quotes WHERE incident = ?').run(rowid);
    this.statement('DELETE FROM claims WHERE incident = ?').run(rowid);
    for (const quote of incident.quotes) {
      this.count('names', 'speaker', quote.speaker, -1);
      if (quote.organization !== undefined) this.count('names', 'organization', quote.organization, -1);
    }
    for (const sourceId of new Set(incident.sources.map((s) => s.id)))
      this.count('source_ids', sourceId, '', -1);
    this.count('countries', row.country, row.iso3 ?? '', -1);
    this.bump('incidents', -1);
    this.bump('quotes', -incident.quotes.length);
    this.bump('claims', -incident.casualties.length);
    this.statement('DELETE FROM incidents WHERE rowid = ?').run(rowid);
  }

  /** Keeps a per-name count in `table`, dropping the row at zero. */
  private count(table: 'names' | 'source_ids' | 'countries', a: string, b: string, delta: number): void {
    const [keyA, keyB] =
      table === 'names' ? ['kind', 'name'] : table === 'countries' ? ['country', 'iso3'] : ['source_id', ''];
    if (table === 'source_ids') {
      const before = this.statement<[string], number>('SELECT n FROM source_ids WHERE source_id = ?')
        .pluck()
        .get(a) as number | undefined;
      const n = (before ?? 0) + delta;
      if (n <= 0) this.statement('DELETE FROM source_ids WHERE source_id = ?').run(a);
      else this.statement('INSERT OR REPLACE INTO source_ids (source_id, n) VALUES (?, ?)').run(a, n);
      if (before === undefined && n > 0) this.bump('sources', 1);
      else if (before !== undefined && n <= 0) this.bump('sources', -1);
      return;
    }
    const before = this.statement<[string, string], number>(
      `SELECT n FROM ${table} WHERE ${keyA} = ? AND ${keyB} = ?`,
    )
      .pluck()
      .get(a, b) as number | undefined;
    const n = (before ?? 0) + delta;
    if (n <= 0) this.statement(`DELETE FROM ${table} WHERE ${keyA} = ? AND ${keyB} = ?`).run(a, b);
    else
      this.statement(`INSERT OR REPLACE INTO ${table} (${keyA}, ${keyB}, n) VALUES (?, ?, ?)`).run(a, b, n);
  }

  private bump(key: string, delta: number): void {
    if (delta === 0) return;
    this.statement(
      'INSERT INTO totals (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n',
    ).run(key, delta);
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why an existing index file cannot be used as it is, or undefined when it can (or does not exist). */
function staleReason(file: string, dataDir: string | undefined, timeoutMs = 10_000): string | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: timeoutMs });
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return undefined; // no index yet
    return `the index file could not be opened (${(error as Error).message})`;
  }
  try {
    // Not a full integrity check: that reads the whole file, seconds at a million incidents, at every
    // start. A file that is not SQLite, or whose header or schema is broken, fails right here.
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) {
      const tables = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
      return tables === 0 ? undefined : 'the file is not a sitrep index';
    }
    const meta = new Map(
      (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    const schema = meta.get('schema');
    if (schema !== String(INDEX_SCHEMA_VERSION)) {
      return `it was built by another version of sitrep (index schema ${schema ?? 'unknown'}, this version uses ${INDEX_SCHEMA_VERSION})`;
    }
    const builtFor = meta.get('data_dir');
    if (dataDir !== undefined && builtFor !== undefined && builtFor !== path.resolve(dataDir)) {
      return `it was built for another data folder (${builtFor})`;
    }
    return undefined;
  } catch (error) {
    return `the index file is damaged (${(error as Error).message})`;
  } finally {
    db.close();
  }
}

function removeIndexFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

export { defaultIndexPath } from './index-path.ts';
