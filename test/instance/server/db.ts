// One real SQLite file per instance (node-sqlite3-wasm: pure wasm, installs with `npm ci` alone).
// `sqlite3 a.db "select visibility, text from statuses"` shows exactly what the server received.
import { rmSync } from 'node:fs';
import sqlite from 'node-sqlite3-wasm';
import type { Database, SQLiteValue } from 'node-sqlite3-wasm';
import { OAUTH_SCHEMA } from './oauth-schema.ts';

// The package is CommonJS: named ESM imports fail at run time under Node, the default works.
const { Database: DatabaseCtor } = sqlite;

const SCHEMA = `
PRAGMA foreign_keys = ON;
-- Test infrastructure: durability across power loss is not worth an fsync per statement.
PRAGMA synchronous = OFF;
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  domain TEXT,                      -- NULL for local accounts, as in Mastodon
  uri TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',    -- local: raw text; remote: HTML as received
  fields TEXT NOT NULL DEFAULT '[]',-- JSON [{name,value,verified_at}]; local raw, remote HTML values
  token TEXT UNIQUE,                -- local only: the access token
  created_at TEXT NOT NULL,
  fetched_at TEXT,                  -- remote only: last refresh from the home instance
  UNIQUE (username, domain)
);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  uri TEXT UNIQUE                   -- shared across instances (AP "conversation"/context)
);
CREATE TABLE IF NOT EXISTS statuses (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  uri TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  text TEXT NOT NULL,               -- local: raw submitted text; remote: received HTML (as Mastodon)
  content TEXT NOT NULL,            -- rendered HTML
  spoiler_text TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  visibility TEXT NOT NULL,
  language TEXT,
  in_reply_to_id TEXT,
  in_reply_to_account_id TEXT,
  conversation_id TEXT REFERENCES conversations(id),
  local INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  edited_at TEXT,
  deleted_at TEXT,
  media_count INTEGER NOT NULL DEFAULT 0, -- media attachments (only an adversary patch sets them)
  card INTEGER NOT NULL DEFAULT 0,        -- 1: a preview card (only an adversary patch sets it)
  poll INTEGER NOT NULL DEFAULT 0,        -- 1: a poll (only an adversary patch sets it)
  quote_id TEXT                           -- the quoted status (4.4+; only an adversary patch sets it)
);
CREATE INDEX IF NOT EXISTS statuses_reply ON statuses(in_reply_to_id);
CREATE TABLE IF NOT EXISTS mentions (
  status_id TEXT NOT NULL REFERENCES statuses(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  PRIMARY KEY (status_id, account_id)
);
CREATE TABLE IF NOT EXISTS tags (
  status_id TEXT NOT NULL REFERENCES statuses(id),
  name TEXT NOT NULL,
  PRIMARY KEY (status_id, name)
);
CREATE TABLE IF NOT EXISTS home_feed (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  status_id TEXT NOT NULL REFERENCES statuses(id),
  PRIMARY KEY (account_id, status_id)
);
CREATE TABLE IF NOT EXISTS account_conversations (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  participant_ids TEXT NOT NULL,    -- JSON sorted ids, excluding the owner
  status_ids TEXT NOT NULL,         -- JSON ids of the statuses in it
  last_status_id TEXT,
  unread INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, conversation_id, participant_ids)
);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  from_account_id TEXT NOT NULL REFERENCES accounts(id),
  type TEXT NOT NULL,
  status_id TEXT REFERENCES statuses(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  account_id TEXT NOT NULL,
  key TEXT NOT NULL,
  status_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE TABLE IF NOT EXISTS markers (
  account_id TEXT NOT NULL,
  timeline TEXT NOT NULL,
  last_read_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account_id, timeline)
);
CREATE TABLE IF NOT EXISTS web_settings (
  account_id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
-- User preferences (Mastodon: users.settings): the advanced web interface, the colour scheme and contrast.
CREATE TABLE IF NOT EXISTS user_settings (
  account_id TEXT PRIMARY KEY,
  advanced_layout INTEGER NOT NULL DEFAULT 0,
  color_scheme TEXT NOT NULL DEFAULT 'auto',
  contrast TEXT NOT NULL DEFAULT 'auto'
);
`;

export type Row = Record<string, SQLiteValue>;
export type Bind = (string | number | null)[];

// node-sqlite3-wasm locks the file with a `<db>.lock` directory per statement (mkdir + rmdir, about
// 2 ms here) and drops its page cache each time. So statements are batched: the first one opens a
// transaction that commits at the end of the current event-loop turn (or when a response is sent,
// via flush()), holding the lock for microseconds and keeping every reply consistent on disk.
export class Db {
  readonly raw: Database;
  private autoTx = false;

  constructor(readonly path: string) {
    // A process killed mid-turn leaves the driver's lock directory behind, and every later open
    // would get SQLITE_BUSY. One server owns a data dir, so a lock found at open time is stale.
    rmSync(`${path}.lock`, { recursive: true, force: true });
    this.raw = new DatabaseCtor(path);
    this.raw.exec(SCHEMA);
    this.raw.exec(OAUTH_SCHEMA);
    this.migrate();
  }

  /** Columns added after a data dir may have been created (`npm run instance` reuses it). */
  private migrate(): void {
    const have = new Set((this.raw.all('PRAGMA table_info(statuses)') as Row[]).map((r) => String(r.name)));
    for (const [col, def] of [
      ['media_count', 'INTEGER NOT NULL DEFAULT 0'],
      ['card', 'INTEGER NOT NULL DEFAULT 0'],
      ['poll', 'INTEGER NOT NULL DEFAULT 0'],
      ['quote_id', 'TEXT'],
    ] as const) {
      if (!have.has(col)) this.raw.exec(`ALTER TABLE statuses ADD COLUMN ${col} ${def}`);
    }
    const settings = new Set((this.raw.all('PRAGMA table_info(user_settings)') as Row[]).map((r) => String(r.name)));
    for (const col of ['color_scheme', 'contrast'] as const) {
      if (!settings.has(col)) this.raw.exec(`ALTER TABLE user_settings ADD COLUMN ${col} TEXT NOT NULL DEFAULT 'auto'`);
    }
  }

  private ensureTx(): void {
    if (this.raw.inTransaction) return;
    this.raw.exec('BEGIN');
    this.autoTx = true;
    queueMicrotask(() => this.flush());
  }

  /** Commits the batched transaction, so other readers of the file see everything written so far. */
  flush(): void {
    if (!this.autoTx) return;
    this.autoTx = false;
    if (!this.raw.isOpen || !this.raw.inTransaction) return;
    try {
      this.raw.exec('COMMIT');
    } catch (e) {
      // Runs from a microtask: an exception here would kill the process. Log and roll back.
      console.error(`[db ${this.path}] commit failed:`, e instanceof Error ? e.message : e);
      try {
        this.raw.exec('ROLLBACK');
      } catch {
        // Already rolled back by SQLite.
      }
    }
  }

  all(sql: string, values: Bind = []): Row[] {
    this.ensureTx();
    return this.raw.all(sql, values) as Row[];
  }

  get(sql: string, values: Bind = []): Row | undefined {
    this.ensureTx();
    return (this.raw.get(sql, values) as Row | null) ?? undefined;
  }

  run(sql: string, values: Bind = []): number {
    this.ensureTx();
    return this.raw.run(sql, values).changes;
  }

  /** All-or-nothing block (a savepoint inside the batched transaction). */
  tx<T>(fn: () => T): T {
    this.ensureTx();
    this.raw.exec('SAVEPOINT tx');
    try {
      const out = fn();
      this.raw.exec('RELEASE tx');
      return out;
    } catch (e) {
      this.raw.exec('ROLLBACK TO tx');
      this.raw.exec('RELEASE tx');
      throw e;
    }
  }

  close(): void {
    this.flush();
    if (this.raw.isOpen) this.raw.close();
  }
}

export function str(row: Row, col: string): string {
  const v = row[col];
  return v === null || v === undefined ? '' : String(v);
}

export function strOrNull(row: Row, col: string): string | null {
  const v = row[col];
  return v === null || v === undefined ? null : String(v);
}

export function num(row: Row, col: string): number {
  const v = row[col];
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}
