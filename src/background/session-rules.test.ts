/**
 * The session table (messaging/sessions.ts) as the router enforces it on real sender fields: a
 * surface that may only join a session cannot create one, a creator cannot join, and a frame of
 * one kind cannot join or use a session of the other kind. The handlers are stubs that record
 * whether they ran: everything refused here is refused before any handler sees it.
 */
import { describe, expect, it, vi } from 'vitest';
import { requestSchemas, type RequestType } from '../messaging/messages';
import { SESSION_KINDS, SURFACES, sessionRoles, type SessionKind } from '../messaging/sessions';
import { createRouter, type Handlers } from './router';

const EXT_ID = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT_ID}`;
const content = { id: EXT_ID, url: 'https://mastodon.example/home', frameId: 0, tab: { id: 4 } };
const frameAt = (path: string) => ({ id: EXT_ID, url: `${ORIGIN}${path}`, frameId: 3, tab: { id: 4 } });
const popup = { id: EXT_ID, url: `${ORIGIN}/popup.html` };
const inbox = { id: EXT_ID, url: `${ORIGIN}/inbox.html` };
const options = { id: EXT_ID, url: `${ORIGIN}/options.html` };
const joinerPath = (k: SessionKind): string => SURFACES[SESSION_KINDS[k].joinedBy].path;

const STYLE = {
  color: 'rgb(0, 0, 0)',
  background: 'rgb(255, 255, 255)',
  link: 'rgb(0, 0, 238)',
  fontFamily: 'sans-serif',
  fontSizePx: 15,
  lineHeightPx: 22,
  dark: false,
};
const session = 's'.repeat(24);
/** A valid payload for every session message, so that only the sender decides. */
const PAYLOADS: Record<string, unknown> = {
  'overlay/editor-open': { replyToStatusId: null, seedMentions: [], seedText: '', maxChars: 500, style: STYLE },
  'overlay/views-open': {
    items: [
      {
        statusId: '1',
        context: 'status',
        author: 'bob@b.test',
        participants: [],
        mentions: [],
        text: 'x',
        serverTime: null,
        extras: { cw: false, media: false, card: false },
        style: STYLE,
      },
    ],
  },
  'frame/reoffer': { session },
  'overlay/editor-detach': { session },
  'overlay/editor-join': { offer: 'o'.repeat(24) },
  'overlay/view-join': { offer: 'o'.repeat(24) },
  'overlay/editor-draft': { session, text: '', recipients: [] },
  'overlay/editor-send': { session, visible: true },
  'overlay/editor-discard': { session },
  'overlay/editor-invite': { session },
  'overlay/mention-search': { session, query: 'a' },
  'overlay/view-get': { session },
  'overlay/view-activate': { session },
};

function stubs(): Handlers {
  const all: Record<string, unknown> = {};
  for (const type of Object.keys(requestSchemas)) all[type] = vi.fn(() => Promise.resolve({}));
  return all as unknown as Handlers;
}

const kinds = Object.keys(SESSION_KINDS) as SessionKind[];
const other = (k: SessionKind): SessionKind => kinds.find((x) => x !== k) ?? k;
const sessionTypes = Object.keys(requestSchemas).filter((t) => sessionRoles(t).length > 0) as RequestType[];

async function send(type: string, sender: object) {
  const h = stubs();
  const reply = await createRouter(h, EXT_ID, ORIGIN)({ type, payload: PAYLOADS[type] }, sender);
  return { reply, ran: (h[type as RequestType] as unknown as { mock: { calls: unknown[] } }).mock.calls.length > 0 };
}

describe('session table: who creates, who joins', () => {
  it.each(kinds)('%s: the creator creates and uses, the joining frame joins and uses', async (kind) => {
    const spec = SESSION_KINDS[kind];
    for (const type of [spec.create, ...spec.creatorUses]) {
      const { reply, ran } = await send(type, content);
      expect(reply, `${type}: ${JSON.stringify(reply)}`).toMatchObject({ ok: true });
      expect(ran).toBe(true);
    }
    for (const type of [spec.join, ...spec.joinerUses]) {
      const { reply, ran } = await send(type, frameAt(joinerPath(kind)));
      expect(reply, type).toMatchObject({ ok: true });
      expect(ran).toBe(true);
    }
  });

  it.each(kinds)('%s: a surface that may only join cannot create, nor send what only the creator may', async (kind) => {
    const spec = SESSION_KINDS[kind];
    for (const type of [spec.create, ...spec.creatorUses]) {
      for (const sender of [frameAt(joinerPath(kind)), frameAt(joinerPath(other(kind))), popup, inbox, options]) {
        const { reply, ran } = await send(type, sender);
        expect(reply, `${type} from ${sender.url}`).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
        expect(ran).toBe(false);
      }
    }
  });

  it.each(kinds)('%s: the creator cannot join, nor can a frame of another kind or path', async (kind) => {
    const spec = SESSION_KINDS[kind];
    const wrongFrames = [
      frameAt(joinerPath(other(kind))),
      frameAt('/frames/other.html'),
      frameAt(`${joinerPath(kind)}/x`),
    ];
    for (const type of [spec.join, ...spec.joinerUses]) {
      for (const sender of [content, popup, inbox, options, ...wrongFrames]) {
        const { reply, ran } = await send(type, sender);
        expect(reply, `${type} from ${sender.url}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden_sender' },
        });
        expect(ran).toBe(false);
      }
    }
  });

  it('every message that names a session or an offer is in the table', () => {
    for (const [type, spec] of Object.entries(requestSchemas)) {
      const entries = (spec.payload as { entries?: Record<string, unknown> }).entries ?? {};
      const namesOne = 'session' in entries || 'offer' in entries;
      const inTable = sessionRoles(type).length > 0;
      if (namesOne && type.startsWith('overlay/')) expect(inTable, type).toBe(true);
      if (type === 'frame/reoffer') expect(inTable).toBe(true);
    }
    expect(sessionTypes.sort()).toEqual(Object.keys(PAYLOADS).sort());
  });
});
