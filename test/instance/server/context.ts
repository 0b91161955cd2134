// The per-instance state every module works on. Kept as a plain object so modules stay decoupled.
import type { Db } from './db.ts';
import type { SnowflakeIds } from './ids.ts';
import type { StreamHub } from './streaming.ts';
import type { Outbox } from './outbox.ts';
import type { AdversaryState } from './adversary-state.ts';

export interface HostileScript {
  code: string;
  position: 'before' | 'after' | 'both';
}

export interface Ctx {
  /** Account domain (LOCAL_DOMAIN), e.g. a.test. */
  domain: string;
  /** Web origin, e.g. http://127.0.0.1:3001. */
  origin: string;
  db: Db;
  ids: SnowflakeIds;
  hub: StreamHub;
  settings: {
    maxCharacters: number;
    defaultMaxCharacters: number;
    uiVersion: string;
    hostileScript: HostileScript | null;
  };
  /** Account domain -> web origin of every instance in the federation (including this one). */
  peers: Map<string, string>;
  /** Shared per-federation secret that signs inbox deliveries. */
  secret: string;
  outbox: Outbox;
  /** Browser sessions: cookie value -> account id. */
  sessions: Map<string, string>;
  /** Adversary switches (admin API) and the log of received requests. */
  adversary: AdversaryState;
}

/** STREAMING_API_BASE_URL as production Mastodon derives it: ws(s):// + the web host. */
export function streamingBase(ctx: Ctx): string {
  return ctx.origin.replace(/^http/, 'ws');
}

export function nowIso(): string {
  return new Date().toISOString();
}
