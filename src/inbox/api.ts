/**
 * The inbox page's one seam to the background: typed requests (messaging/client.ts), and the live
 * port whose notices are schema-checked before use. The page holds plaintext of what it shows and
 * nothing else: no tokens, no keys.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import * as v from 'valibot';
import { send } from '../messaging/client';
import { INBOX_PORT, InboxNoticeSchema, type InboxNotice } from '../messaging/inbox-messages';
import type { PayloadOf, RequestType, ResponseMap } from '../messaging/messages';
import type { HushError } from '../messaging/result';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: HushError };

export function call<K extends RequestType>(type: K, payload: PayloadOf<K>): Promise<Result<ResponseMap[K]>> {
  return send(type, payload);
}

/** Keeps a port open to the background; `onNotice` gets every valid notice. Reconnects when the worker restarts. */
export function connectLive(onNotice: (n: InboxNotice) => void): { refresh(): void; close(): void } {
  let port: Runtime.Port | null = null;
  let closed = false;
  const open = (): void => {
    if (closed) return;
    port = browser.runtime.connect({ name: INBOX_PORT });
    port.onMessage.addListener((m: unknown) => {
      const parsed = v.safeParse(InboxNoticeSchema, m);
      if (parsed.success) onNotice(parsed.output);
    });
    port.onDisconnect.addListener(() => {
      port = null;
      // The worker stopped (Chrome stops idle workers): open again, which starts it.
      setTimeout(open, 1000);
    });
  };
  open();
  return {
    refresh: () => port?.postMessage({ kind: 'refresh' }),
    close: () => {
      closed = true;
      port?.disconnect();
    },
  };
}
