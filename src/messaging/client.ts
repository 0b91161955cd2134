/**
 * The only way content scripts, frames and the popup talk to the background. Transport
 * failures (background restarting, extension reloaded) become `unavailable` errors, so
 * callers always get a Reply to show, never an exception.
 */
import browser from 'webextension-polyfill';
import type { PayloadOf, RequestType, ResponseMap } from './messages';
import { fail, type Reply } from './result';

function isReply(x: unknown): x is Reply<unknown> {
  if (typeof x !== 'object' || x === null || !('ok' in x)) return false;
  return x.ok === true ? 'value' in x : x.ok === false && 'error' in x;
}

export async function send<K extends RequestType>(type: K, payload: PayloadOf<K>): Promise<Reply<ResponseMap[K]>> {
  try {
    const reply: unknown = await browser.runtime.sendMessage({ type, payload });
    if (!isReply(reply)) return fail('unavailable', 'the background sent no valid reply');
    return reply as Reply<ResponseMap[K]>;
  } catch (e) {
    return fail('unavailable', e instanceof Error ? e.message : String(e));
  }
}
