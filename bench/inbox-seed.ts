// Test data for bench/inbox.ts: a reader's inbox as a busy user would have it, posted through the
// test instances' REST API by Node parties (keys published on their profiles, as Hush does).
//   - 200 conversations holding Hush messages from six correspondents on three instances, a mix:
//     one-line to paragraph-long messages, one in ten long enough for two or three statuses (a
//     chunk thread), one in eight to a group (the reader and another correspondent), one in four
//     with an earlier message it answers (a signed reply, so the reply-link check runs), plus 20
//     plain (unencrypted) DMs in between, which the list leaves out;
//   - one group chat (the reader, alice, carol) of 200 messages, each answering the one before,
//     senders taking turns in runs of 1-4, one in fifteen long (two statuses), one in twenty plain.
// Everything is deterministic (no Math.random), so both browsers read the same inbox.
import { init, inspectChunk, type RecipientKey } from '../src/protocol/index';
import { api, encryptTo, nodeParty, publishedKey, type NodeParty } from '../test/adversarial/node-party';
import type { Instance, InstanceSpec } from '../test/instance/server/federation';

export const INSTANCES: InstanceSpec[] = [
  { domain: 'a.test', users: ['alice', 'carol', 'erin'] },
  { domain: 'b.test', users: ['bob', 'dave'] },
  { domain: 'c.test', users: ['frank', 'gina'] },
];
export const CONVERSATIONS = 200;
export const PLAIN_CONVERSATIONS = 20;
export const CHAT_MESSAGES = 200;

const WORDS =
  'the meeting moved to thursday at the usual place so bring the notes and the draft we talked about and call me if the train is late again because I will be waiting outside with the keys and some coffee'.split(
    ' ',
  );
/** Deterministic text of about `chars` characters. */
function textOf(seed: number, chars: number): string {
  const out: string[] = [];
  for (let i = 0, n = 0; n < chars; i++) {
    const w = WORDS[(seed * 7 + i * 13) % WORDS.length] ?? 'ok';
    out.push(w);
    n += w.length + 1;
  }
  return `${out.join(' ')} (#${seed})`;
}
/** Short, medium and paragraph-long messages; `long` ones need two or three statuses. */
const lengthOf = (i: number, long: boolean): number =>
  long ? 700 + (i % 3) * 250 : ([24, 60, 110, 180, 260][i % 5] ?? 60);

interface Posted {
  readonly ids: string[];
  readonly messageId: Uint8Array;
}

async function post(from: NodeParty, texts: readonly string[], inReplyTo: string | null): Promise<string[]> {
  const ids: string[] = [];
  for (const status of texts) {
    const prev = ids.at(-1) ?? inReplyTo;
    const s = await api<{ id: string }>(from.inst, from.username, 'POST', '/api/v1/statuses', {
      status,
      visibility: 'direct',
      ...(prev !== null ? { in_reply_to_id: prev } : {}),
    });
    ids.push(s.id);
  }
  return ids;
}

/** Posts a Hush message; `reply` signs an answer to that message, `inReplyTo` is the thread link. */
async function sendHush(
  from: NodeParty,
  to: { acct: string; key: RecipientKey }[],
  text: string,
  reply: Posted | null,
  inReplyTo = reply?.ids.at(-1) ?? null,
): Promise<Posted> {
  const statuses = encryptTo(from, to, text, reply === null ? {} : { replyTo: reply.messageId });
  const info = inspectChunk(statuses[0] ?? '');
  if (!info.ok) throw new Error('seed: unparsable status');
  return { ids: await post(from, statuses, inReplyTo), messageId: info.value.messageId };
}

export interface Seeded {
  /** The chat's conversation id in the reader's inbox. */
  readonly chatConversationId: string;
  readonly chatStatuses: number;
  readonly correspondents: string[];
}

/** Seeds `reader`'s inbox (its key must be published already). */
export async function seedInbox(
  instances: Record<string, Instance>,
  reader: { inst: Instance; username: string },
): Promise<Seeded> {
  await init();
  const inst = (d: string) => instances[d] as Instance;
  const parties = await Promise.all(
    [
      ['a.test', 'alice'],
      ['a.test', 'carol'],
      ['a.test', 'erin'],
      ['b.test', 'dave'],
      ['c.test', 'frank'],
      ['c.test', 'gina'],
    ]
      .filter(([d, u]) => !(d === reader.inst.domain && u === reader.username))
      .map(([d, u]) => nodeParty(inst(d as string), u as string)),
  );
  const readerAcct = `${reader.username}@${reader.inst.domain}`;
  const readerKey = { acct: readerAcct, key: await publishedKey(reader.inst, readerAcct) };
  const party = (i: number) => parties[i % parties.length] as NodeParty;
  const all = [...Object.values(instances)];
  const settle = () => Promise.all(all.map((i) => i.deliveriesSettled()));

  // The chat first, so the 200 conversations come after it (newer) and it is on no first screen.
  const [alice, carol] = [parties[0] as NodeParty, parties[1] as NodeParty];
  let prev: Posted | null = null;
  let statuses = 0;
  let turn = 0;
  for (let i = 0; i < CHAT_MESSAGES; i++) {
    // Senders take turns in runs of 1-4 messages.
    if (i > 0 && i % (1 + (turn % 4)) === 0) turn++;
    const from = turn % 2 === 0 ? alice : carol;
    const other = from === alice ? carol : alice;
    if (i % 20 === 10 && prev !== null) {
      const ids = await post(
        from,
        [`@${readerAcct} @${other.acct} (not encrypted) ${textOf(i, 50)}`],
        prev.ids.at(-1) ?? null,
      );
      statuses += 1;
      // The next Hush message answers this plain one: it signs no reply (there is no message id to sign).
      prev = { ids, messageId: new Uint8Array(0) };
      continue;
    }
    const long = i % 15 === 7;
    const reply = prev !== null && prev.messageId.length > 0 ? prev : null;
    // A message after a plain one still continues the thread (server-side), signing no reply.
    const sent = await sendHush(
      from,
      [readerKey, { acct: other.acct, key: other.key }],
      textOf(1000 + i, lengthOf(i, long)),
      reply,
      prev?.ids.at(-1) ?? null,
    );
    statuses += sent.ids.length;
    prev = sent;
    if (i % 25 === 24) await settle();
  }
  await settle();

  const conversation = async (i: number): Promise<void> => {
    const from = party(i);
    if (i % 11 === 10) {
      await post(from, [`@${readerAcct} ${textOf(i, 80)}`], null);
      return;
    }
    const group = i % 8 === 3;
    const to = group ? [readerKey, { acct: party(i + 1).acct, key: party(i + 1).key }] : [readerKey];
    const long = i % 10 === 5;
    const first = await sendHush(from, to, textOf(i, lengthOf(i, long)), null);
    // One in four: a second message answering the first (the last status is a signed reply).
    if (i % 4 === 1) await sendHush(from, to, textOf(i + 500, lengthOf(i + 1, false)), first);
  };
  // 220 conversations, 20 of them plain (every eleventh); one per correspondent at a time.
  const total = CONVERSATIONS + PLAIN_CONVERSATIONS;
  for (let i = 0; i < total; i += parties.length) {
    await Promise.all(Array.from({ length: Math.min(parties.length, total - i) }, (_, k) => conversation(i + k)));
    if (i % 30 === 0) await settle();
  }
  await settle();
  // The chat is the oldest conversation: walk the list to its end.
  let cursor: string | null = null;
  let last: { id: string } | undefined;
  for (;;) {
    const q: string = cursor === null ? '' : `&max_id=${cursor}`;
    const page: { id: string; last_status: { id: string } | null }[] = await api(
      reader.inst,
      reader.username,
      'GET',
      `/api/v1/conversations?limit=40${q}`,
    );
    if (page.length === 0) break;
    last = page.at(-1);
    cursor = page.at(-1)?.last_status?.id ?? null;
    if (cursor === null || page.length < 40) break;
  }
  if (last === undefined) throw new Error('seed: no conversations');
  return { chatConversationId: last.id, chatStatuses: statuses, correspondents: parties.map((p) => p.acct) };
}
