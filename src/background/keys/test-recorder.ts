/**
 * TEST BUILDS ONLY (installed under __HUSH_TEST_BUILD__): records every runtime message the
 * background receives and every reply it gives, and every message it sends to tabs with the
 * answer, as JSON text in `globalThis.__hushMessageLog`. The browser test reads it to assert that
 * no secret key byte ever crossed to a content script, frame or page.
 *
 * It also injects one fault on request, to reproduce a race deterministically: CLAIM_FAULT_KEY in
 * storage.local maps a join type (`overlay/editor-join`, `overlay/view-join`) to a count; while
 * it is positive, each such join is handled as usual (the offer is used up, the session bound)
 * but the frame is told `unavailable`, as when the worker stops before its reply arrives.
 */
import browser, { type Runtime } from 'webextension-polyfill';

export interface RecordedMessage {
  readonly dir: 'in' | 'out';
  readonly from: string;
  readonly message: string;
  readonly reply: string;
}

const log: RecordedMessage[] = [];
const text = (x: unknown): string => {
  try {
    return JSON.stringify(x) ?? 'undefined';
  } catch {
    return String(x);
  }
};

/** storage.local key: {join type: how many of the next such joins lose their reply} (test builds only). */
export const CLAIM_FAULT_KEY = 'hush-test:claim-faults';

/** True (and one fault used) when a lost reply is due for this message. */
async function takeClaimFault(message: unknown): Promise<boolean> {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  if (type !== 'overlay/editor-join' && type !== 'overlay/view-join') return false;
  const faults: unknown = (await browser.storage.local.get(CLAIM_FAULT_KEY))[CLAIM_FAULT_KEY];
  if (typeof faults !== 'object' || faults === null) return false;
  const n: unknown = (faults as Record<string, unknown>)[type];
  if (typeof n !== 'number' || n <= 0) return false;
  await browser.storage.local.set({ [CLAIM_FAULT_KEY]: { ...faults, [type]: n - 1 } });
  return true;
}

type Listener = (message: unknown, sender: Runtime.MessageSender) => Promise<unknown> | undefined;

export function installMessageRecorder(): void {
  (globalThis as { __hushMessageLog?: RecordedMessage[] }).__hushMessageLog = log;
  const ev = browser.runtime.onMessage as unknown as { addListener: (l: Listener) => void };
  const add = ev.addListener.bind(ev);
  ev.addListener = (listener: Listener) => {
    add((message, sender) => {
      const r = listener(message, sender);
      const from =
        sender.tab === undefined
          ? String(sender.url)
          : `tab ${String(sender.tab.id)} frame ${String(sender.frameId)} ${String(sender.url)}`;
      if (r === undefined) {
        log.push({ dir: 'in', from, message: text(message), reply: 'undefined' });
        return r;
      }
      return r.then(async (reply) => {
        const lost = await takeClaimFault(message);
        log.push({
          dir: 'in',
          from,
          message: text(message),
          reply: text(reply) + (lost ? ' (test fault: reply lost)' : ''),
        });
        return lost ? { ok: false, error: { code: 'unavailable', message: 'test fault: the reply was lost' } } : reply;
      });
    });
  };
  const tabs = browser.tabs as unknown as { sendMessage: (tabId: number, m: unknown, o?: unknown) => Promise<unknown> };
  const send = tabs.sendMessage.bind(tabs);
  tabs.sendMessage = async (tabId, m, o) => {
    const reply = await send(tabId, m, o);
    log.push({ dir: 'out', from: `to tab ${tabId}`, message: text(m), reply: text(reply) });
    return reply;
  };
}
