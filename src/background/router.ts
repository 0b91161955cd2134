import type { PayloadOf, RequestType, ResponseMap } from '../messaging/messages';
import { fail, ok, type Reply } from '../messaging/result';
import { sessionSenderProblem } from '../messaging/sessions';
import { validateRequest } from '../messaging/validate';
import { record } from './diagnostics';
import { classifySender, type SenderContext, type SenderFields } from './senders';

/** Handlers for a subset of message types (one feature area). Handlers may return a Reply to fail with a code. */
export type HandlersFor<T extends RequestType> = {
  [K in T]: (payload: PayloadOf<K>, sender: SenderContext) => Promise<ResponseMap[K] | Reply<never>>;
};

/** A handler per message type; a missing one is a compile error. */
export type Handlers = HandlersFor<RequestType>;

const isFailure = (x: unknown): x is Reply<never> =>
  typeof x === 'object' && x !== null && 'ok' in x && x.ok === false && 'error' in x;

/**
 * Every runtime message enters here: identify the sender from browser-stamped fields,
 * validate the message against its schema and sender rules (and a session message against the
 * session table: who creates, who joins), then dispatch. Every path
 * ends in a typed reply; refusals are recorded in diagnostics.
 */
export function createRouter(handlers: Handlers, extensionId: string, extensionOrigin: string) {
  return async function route(raw: unknown, sender: SenderFields): Promise<Reply<unknown>> {
    const ctx = classifySender(sender, extensionId, extensionOrigin);
    if (ctx === null) {
      record('warn', `refused a message from an unknown sender (${String(sender.url).slice(0, 80)})`);
      return fail('forbidden_sender', 'unknown sender');
    }
    const checked = validateRequest(raw, ctx.kind);
    if (!checked.ok) {
      record('warn', `refused a message from ${ctx.kind}: ${checked.reply.ok ? '' : checked.reply.error.message}`);
      return checked.reply;
    }
    const { request } = checked;
    // Sessions: only their creator creates, only a frame of their kind joins (messaging/sessions.ts).
    const refused = sessionSenderProblem(request.type, ctx);
    if (refused !== null) {
      record('warn', `refused a message from ${ctx.kind} ${ctx.path.slice(0, 40)}: ${refused}`);
      return fail('forbidden_sender', refused);
    }
    try {
      const handler = handlers[request.type] as (p: unknown, s: SenderContext) => Promise<unknown>;
      const result = await handler(request.payload, ctx);
      return isFailure(result) ? result : ok(result);
    } catch (e) {
      record('error', `handler "${request.type}" failed: ${e instanceof Error ? e.message : String(e)}`);
      return fail('internal', `Hush failed to handle "${request.type}"`);
    }
  };
}
