/**
 * Live updates for an open inbox: while an inbox page holds its port (runtime.connect, name
 * INBOX_PORT), the background keeps one streaming connection per account with a token (the
 * `direct` stream, token as the WebSocket subprotocol as Mastodon's web UI does) and tells the page
 * "this account changed" on every `conversation`, `update` or `delete` event. Event payloads are
 * not forwarded: the page asks again through the normal, validated requests. Streams close with
 * the last port, and reconnect with backoff while a port is open.
 */
import type { Runtime } from 'webextension-polyfill';
import { INBOX_PORT, type InboxNotice } from '../../messaging/inbox-messages';
import type { AccountRef } from '../services';

export interface LiveDeps {
  readonly extensionOrigin: string;
  readonly extensionId: string;
  /** Accounts to watch, each with a token (or null to skip). */
  readonly accounts: () => Promise<readonly { readonly account: AccountRef; readonly token: string | null }[]>;
  readonly streamingBase: (origin: string) => Promise<string | null>;
  readonly WebSocketCtor?: typeof WebSocket;
}

/** Only the inbox page of this extension may open the live port. */
export function isInboxPort(port: Runtime.Port, extensionId: string, extensionOrigin: string): boolean {
  const s = port.sender;
  if (port.name !== INBOX_PORT || s?.id !== extensionId || typeof s.url !== 'string') return false;
  try {
    const u = new URL(s.url);
    return u.origin === extensionOrigin && u.pathname === '/inbox.html';
  } catch {
    return false;
  }
}

export class LiveHub {
  private readonly ports = new Set<Runtime.Port>();
  private readonly sockets = new Map<
    string,
    { ws: WebSocket | null; retry: ReturnType<typeof setTimeout> | null; attempts: number }
  >();

  constructor(private readonly deps: LiveDeps) {}

  attach(port: Runtime.Port): void {
    if (!isInboxPort(port, this.deps.extensionId, this.deps.extensionOrigin)) {
      port.disconnect();
      return;
    }
    this.ports.add(port);
    port.onDisconnect.addListener(() => {
      this.ports.delete(port);
      if (this.ports.size === 0) this.closeAll();
    });
    // The page may ask to (re)watch after connecting an account.
    port.onMessage.addListener((m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'refresh') void this.sync();
    });
    void this.sync();
  }

  private notify(n: InboxNotice): void {
    for (const p of this.ports) {
      try {
        p.postMessage(n);
      } catch {
        this.ports.delete(p);
      }
    }
  }

  /** Opens a stream for every watched account that has none (tokens are asked fresh each time). */
  async sync(): Promise<void> {
    // One sync at a time: a page's attach and its refresh arrive together, and two syncs would
    // each open a stream for the same account (two sockets, two "changed" on open).
    const run = this.syncing.then(() => this.syncNow());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private syncing: Promise<void> = Promise.resolve();

  private async syncNow(): Promise<void> {
    if (this.ports.size === 0) return;
    const list = await this.deps.accounts();
    for (const { account, token } of list) {
      const key = `${account.origin}|${account.accountId}`;
      if (token === null || this.sockets.get(key)?.ws) continue;
      await this.open(key, account, token);
    }
  }

  private async open(key: string, account: AccountRef, token: string): Promise<void> {
    const base = await this.deps.streamingBase(account.origin);
    if (base === null || this.ports.size === 0) return;
    const Ctor = this.deps.WebSocketCtor ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Ctor(`${base}/api/v1/streaming?stream=direct`, token);
    } catch {
      return;
    }
    const entry = this.sockets.get(key) ?? { ws: null, retry: null, attempts: 0 };
    entry.ws = ws;
    this.sockets.set(key, entry);
    ws.onopen = () => {
      entry.attempts = 0;
      // Anything that happened while disconnected: the page reloads its list.
      this.notify({ kind: 'changed', origin: account.origin, accountId: account.accountId });
    };
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data !== 'string' || e.data.length > 1_000_000) return;
      let event: unknown;
      try {
        event = (JSON.parse(e.data) as { event?: unknown }).event;
      } catch {
        return;
      }
      if (event === 'conversation' || event === 'update' || event === 'delete' || event === 'status.update') {
        this.notify({ kind: 'changed', origin: account.origin, accountId: account.accountId });
      }
    };
    ws.onclose = () => {
      if (entry.ws === ws) entry.ws = null;
      if (this.ports.size === 0) return;
      entry.attempts++;
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(entry.attempts, 6));
      entry.retry = setTimeout(() => {
        entry.retry = null;
        void this.sync();
      }, delay);
    };
  }

  private closeAll(): void {
    for (const [, e] of this.sockets) {
      if (e.retry !== null) clearTimeout(e.retry);
      const ws = e.ws;
      e.ws = null;
      ws?.close();
    }
    this.sockets.clear();
  }
}
