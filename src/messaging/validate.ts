import * as v from 'valibot';
import { RequestEnvelopeSchema, requestSchemas, type Request, type RequestType, type SenderKind } from './messages';
import { fail, type Reply } from './result';

const isRequestType = (t: string): t is RequestType => Object.hasOwn(requestSchemas, t);

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Validates an untrusted runtime message for a given sender kind. Returns the typed request
 * or a typed error reply; never throws, whatever `raw` is.
 */
export function validateRequest(
  raw: unknown,
  sender: SenderKind,
): { ok: true; request: Request } | { ok: false; reply: Reply<never> } {
  const envelope = v.safeParse(RequestEnvelopeSchema, raw);
  if (!envelope.success)
    return { ok: false, reply: fail('bad_request', `malformed message: ${issuesText(envelope.issues)}`) };
  const { type, payload } = envelope.output;
  if (!isRequestType(type))
    return { ok: false, reply: fail('unknown_type', `unknown message type "${type.slice(0, 64)}"`) };
  const spec = requestSchemas[type];
  if (!(spec.from as readonly SenderKind[]).includes(sender)) {
    return { ok: false, reply: fail('forbidden_sender', `"${type}" may not be sent by a ${sender}`) };
  }
  const parsed = v.safeParse(spec.payload, payload);
  if (!parsed.success)
    return { ok: false, reply: fail('bad_request', `bad payload for "${type}": ${issuesText(parsed.issues)}`) };
  return { ok: true, request: { type, payload: parsed.output } as Request };
}
