// startFederation: several instances on 127.0.0.1, each with its own SQLite file, users, tokens,
// public port and admin port, federating over loopback HTTP with a shared per-federation secret.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import type { Ctx } from './context.ts';
import { Db } from './db.ts';
import { SnowflakeIds } from './ids.ts';
import { StreamHub } from './streaming.ts';
import { Outbox, signDelivery, type Delivery, type DeliveryResult } from './outbox.ts';
import { accountByAcct, createLocalAccount, refreshLocalUris } from './accounts.ts';
import { createInstanceServer, listen } from './instance.ts';
import { createAdminServer } from './adversary.ts';
import { AdversaryClient } from './adversary-client.ts';
import { WEB_DIST } from './web.ts';
import { newAdversaryState } from './adversary-state.ts';

export interface InstanceSpec {
  domain: string;
  users: string[];
}

export interface StartOptions {
  dataDir: string;
  instances?: InstanceSpec[];
  /** meta.version for every instance at start ('4.8.0' default; '4.4.0' for the 4.3-4.4 UI). */
  uiVersion?: string;
  maxCharacters?: number;
  /** 0 (default): ephemeral ports. Otherwise instance i listens on port + i. */
  port?: number;
  /** Explicit public ports by domain (the CLI), overriding `port`. */
  ports?: Record<string, number>;
  /** Explicit admin ports by domain; ephemeral otherwise. */
  adminPorts?: Record<string, number>;
  /** Build test/instance/web once per process (default true); a failed build is only a warning. */
  buildWeb?: boolean;
}

export interface UserInfo {
  id: string;
  token: string;
  acct: string;
}

export interface Instance {
  domain: string;
  origin: string;
  adminOrigin: string;
  dbPath: string;
  users: Record<string, UserInfo>;
  setUiVersion(v: string): void;
  adversary: AdversaryClient;
  /** Waits until this instance's outgoing (not held) deliveries were answered. */
  deliveriesSettled(): Promise<void>;
  /** Internal state, for unit tests of the server itself. */
  ctx: Ctx;
}

export interface Federation {
  instances: Record<string, Instance>;
  stop(): Promise<void>;
}

export const DEFAULT_INSTANCES: InstanceSpec[] = [
  { domain: 'a.test', users: ['alice', 'carol'] },
  { domain: 'b.test', users: ['bob', 'dave'] },
];

let webBuild: Promise<void> | undefined;

/** Runs test/instance/web/build.mjs's buildWebApp() once per process; tolerates its absence. */
export function buildWebOnce(): Promise<void> {
  webBuild ??= (async () => {
    const script = join(WEB_DIST, '..', 'build.mjs');
    if (!existsSync(script)) return;
    try {
      const mod = (await import(pathToFileURL(script).href)) as { buildWebApp?: () => Promise<void> };
      await mod.buildWebApp?.();
    } catch (e) {
      console.warn('[instance] web app build failed; /packs/* will 404:', e instanceof Error ? e.message : e);
    }
  })();
  return webBuild;
}

async function deliver(ctx: Ctx, d: Delivery): Promise<DeliveryResult> {
  const origin = ctx.peers.get(d.to);
  if (origin === undefined) return { ok: false, error: `unknown domain ${d.to}` };
  const body = JSON.stringify(d.activity);
  try {
    const res = await fetch(`${origin}/inbox`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/activity+json',
        'x-hush-federation-domain': ctx.domain,
        'x-hush-federation-signature': signDelivery(ctx.secret, ctx.domain, body),
      },
    });
    await res.text();
    return res.ok ? { ok: true, status: res.status } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : 'delivery failed' };
  }
}

/**
 * Where each running federation domain is served (domain -> http://127.0.0.1:port), in this test
 * process. The test build of the extension reads it (hush-test:webfinger-origins, written by
 * test/browser/launch.ts) to reach WebFinger at a.test, which has no host of its own.
 */
export const federationOrigins = new Map<string, string>();

export async function startFederation(opts: StartOptions): Promise<Federation> {
  const specs = opts.instances ?? DEFAULT_INSTANCES;
  if (opts.buildWeb !== false) await buildWebOnce();
  mkdirSync(opts.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  const peers = new Map<string, string>();
  const servers: Server[] = [];
  const built: { ctx: Ctx; admin: Server; adminOrigin: string; spec: InstanceSpec }[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const dbPath = join(opts.dataDir, `${spec.domain}.db`);
      const ctx: Ctx = {
        domain: spec.domain,
        origin: '',
        db: new Db(dbPath),
        ids: new SnowflakeIds(),
        hub: new StreamHub(),
        settings: {
          maxCharacters: opts.maxCharacters ?? 500,
          defaultMaxCharacters: opts.maxCharacters ?? 500,
          uiVersion: opts.uiVersion ?? '4.8.0',
          hostileScript: null,
        },
        peers,
        secret,
        outbox: new Outbox(() => Promise.resolve({ ok: false, error: 'not started' })),
        sessions: new Map(),
        adversary: newAdversaryState(),
      };
      ctx.outbox = new Outbox((d) => deliver(ctx, d));
      const server = createInstanceServer(ctx);
      const admin = createAdminServer(ctx);
      servers.push(server, admin);
      const port = await listen(server, opts.ports?.[spec.domain] ?? (opts.port ? opts.port + i : 0));
      const adminPort = await listen(admin, opts.adminPorts?.[spec.domain] ?? 0);
      ctx.origin = `http://127.0.0.1:${port}`;
      peers.set(spec.domain, ctx.origin);
      federationOrigins.set(spec.domain, ctx.origin);
      built.push({ ctx, admin, adminOrigin: `http://127.0.0.1:${adminPort}`, spec });
    }
  } catch (e) {
    for (const s of servers) s.close();
    for (const b of built) b.ctx.db.close();
    throw e;
  }
  const instances: Record<string, Instance> = {};
  for (const { ctx, adminOrigin, spec } of built) {
    refreshLocalUris(ctx);
    const users: Record<string, UserInfo> = {};
    for (const username of spec.users) {
      const a =
        accountByAcct(ctx, username, null) ?? createLocalAccount(ctx, username, randomBytes(32).toString('base64url'));
      users[username] = { id: a.id, token: a.token ?? '', acct: `${username}@${spec.domain}` };
    }
    instances[spec.domain] = {
      domain: spec.domain,
      origin: ctx.origin,
      adminOrigin,
      dbPath: ctx.db.path,
      users,
      setUiVersion: (v) => {
        ctx.settings.uiVersion = v;
      },
      adversary: new AdversaryClient(adminOrigin),
      deliveriesSettled: () => ctx.outbox.idle(),
      ctx,
    };
  }
  return {
    instances,
    async stop() {
      for (const { ctx } of built) {
        ctx.hub.close();
        if (federationOrigins.get(ctx.domain) === ctx.origin) federationOrigins.delete(ctx.domain);
      }
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
      for (const { ctx } of built) ctx.db.close();
    },
  };
}
