// The streaming API over WebSocket, as Mastodon's streaming server (streaming/index.js) serves it
// and its web UI (stream.js) uses it: one connection to `/api/v1/streaming`, the access token in
// `Sec-WebSocket-Protocol` (or `?access_token=` / `Authorization`), then `{"type":"subscribe",
// "stream":"user"}` messages (or `?stream=` on the URL); every event is a text message
// `{"stream":["user"],"event":"update","payload":"<JSON string>"}`. RFC 6455 framing by hand (text,
// ping/pong, close), to keep the instance free of dependencies.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Ctx } from './context.ts';
import type { Account } from './accounts.ts';
import { lookupToken, streamAllowed } from './oauth.ts';
import type { StreamEvent, StreamName } from './streaming.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE = 1 << 20;

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** One frame; `mask` (4 bytes) for client-to-server frames. */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(head + (mask ? 4 : 0) + len);
  out[0] = 0x80 | opcode;
  out[1] = (mask ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
  if (len >= 126 && len < 65536) out.writeUInt16BE(len, 2);
  else if (len >= 65536) out.writeBigUInt64BE(BigInt(len), 2);
  let at = head;
  if (mask) {
    mask.copy(out, at);
    at += 4;
    for (let i = 0; i < len; i++) out[at + i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  } else payload.copy(out, at);
  return out;
}

export interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Reads whole frames off a byte stream; `push` returns the frames completed so far. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] | 'too-large' {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      if (this.buf.length < 2) return frames;
      const b0 = this.buf[0] ?? 0;
      const b1 = this.buf[1] ?? 0;
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) return frames;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return frames;
        const big = this.buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) return 'too-large';
        len = Number(big);
        at = 10;
      }
      if (len > MAX_MESSAGE) return 'too-large';
      const masked = (b1 & 0x80) !== 0;
      const need = at + (masked ? 4 : 0) + len;
      if (this.buf.length < need) return frames;
      const mask = masked ? this.buf.subarray(at, at + 4) : undefined;
      const payload = Buffer.from(this.buf.subarray(need - len, need));
      if (mask) for (let i = 0; i < len; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, payload });
      this.buf = this.buf.subarray(need);
    }
  }
}

/** Refuses an upgrade the way the streaming server does: a bare HTTP response, then close. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nX-Error-Message: ${message}\r\n\r\n`,
  );
}

export function isStreamingUpgradePath(path: string): boolean {
  return path === '/api/v1/streaming' || path.startsWith('/api/v1/streaming/');
}

/** Channels the instance can stream; others (public, hashtag, list) are accepted and stay silent. */
const CHANNELS: Record<string, { stream: StreamName; only?: StreamEvent } | null> = {
  user: { stream: 'user' },
  'user:notification': { stream: 'user', only: 'notification' },
  direct: { stream: 'direct' },
  public: null,
  'public:media': null,
  'public:local': null,
  'public:local:media': null,
  'public:remote': null,
  'public:remote:media': null,
  hashtag: null,
  'hashtag:local': null,
  list: null,
};

function token(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const auth = req.headers.authorization;
  if (auth) return auth.replace(/^Bearer /, '');
  const fromQuery = query.get('access_token');
  if (fromQuery) return fromQuery;
  const proto = req.headers['sec-websocket-protocol'];
  return typeof proto === 'string' && proto !== '' ? proto : undefined;
}

/** Authenticates, answers 101 and runs the session. */
export function acceptStreamingUpgrade(ctx: Ctx, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
  const key = req.headers['sec-websocket-key'];
  if (
    (req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
    typeof key !== 'string' ||
    req.headers['sec-websocket-version'] !== '13'
  ) {
    refuseUpgrade(socket, 400, 'Bad WebSocket upgrade');
    return;
  }
  const t = token(req, url.searchParams);
  if (t === undefined) return refuseUpgrade(socket, 401, 'Missing access token');
  const found = lookupToken(ctx, t);
  const account = found.kind === 'valid' ? found.account : undefined;
  if (!account || found.kind !== 'valid') return refuseUpgrade(socket, 401, 'Invalid access token');
  // Like the ws library's default: the first offered subprotocol is selected (the browser requires
  // one of its offers back when it sent any).
  const offered =
    (typeof req.headers['sec-websocket-protocol'] === 'string' ? req.headers['sec-websocket-protocol'] : '')
      .split(',')[0]
      ?.trim() ?? '';
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
      ...(offered === '' ? [] : [`Sec-WebSocket-Protocol: ${offered}`]),
      `X-Request-Id: ${createHash('sha1').update(key).digest('hex').slice(0, 20)}`,
      '',
      '',
    ].join('\r\n'),
  );
  runSession(ctx, account, found.scopes, t, socket, head, url.searchParams);
}

function runSession(
  ctx: Ctx,
  account: Account,
  scopes: string[],
  token: string,
  socket: Duplex,
  head: Buffer,
  query: URLSearchParams,
): void {
  const subscriptions = new Map<string, () => void>();
  let open = true;
  const write = (opcode: number, payload: Buffer): void => {
    if (open && !socket.destroyed) socket.write(encodeFrame(opcode, payload));
  };
  const sendJson = (v: unknown): void => write(OP.text, Buffer.from(JSON.stringify(v)));
  let untrack = (): void => undefined;
  const closeAll = (): void => {
    untrack();
    if (!open) return;
    open = false;
    for (const off of subscriptions.values()) off();
    subscriptions.clear();
  };
  const close = (code: number, reason = ''): void => {
    if (!open) return;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    write(OP.close, body);
    closeAll();
    socket.end();
    // A peer that never closes its side does not keep the instance from stopping.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  const untrackServer = ctx.hub.track(() => close(1001, 'Server shutting down'));
  const untrackToken = ctx.hub.trackToken(token, () => close(1000, 'Access token revoked'));
  untrack = () => {
    untrackServer();
    untrackToken();
  };
  const subscribe = (channel: string): void => {
    if (!(channel in CHANNELS)) {
      sendJson({ error: 'Unknown stream type', status: 400 });
      return;
    }
    if (!streamAllowed(scopes, channel)) {
      sendJson({ error: 'Access token does not have the required scopes', status: 401 });
      return;
    }
    if (subscriptions.has(channel)) return;
    const c = CHANNELS[channel];
    if (!c) {
      subscriptions.set(channel, () => undefined);
      return;
    }
    const off = ctx.hub.add(
      account.id,
      c.stream,
      {
        send: (_stream, event, payload) => {
          if (c.only === undefined || c.only === event) sendJson({ stream: [channel], event, payload });
        },
        heartbeat: () => write(OP.ping, Buffer.alloc(0)),
      },
      () => undefined,
    ); // close() ends the connection through track().
    subscriptions.set(channel, off);
  };
  const unsubscribe = (channel: string): void => {
    if (!(channel in CHANNELS)) {
      sendJson({ error: 'Error unsubscribing from channel' });
      return;
    }
    subscriptions.get(channel)?.();
    subscriptions.delete(channel);
  };
  const onMessage = (text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // parseJSON logs and ignores.
    }
    if (typeof msg !== 'object' || msg === null) return;
    const { type, stream } = msg as { type?: unknown; stream?: unknown };
    const channel = Array.isArray(stream) ? stream[0] : stream;
    if (typeof channel !== 'string') return;
    if (type === 'subscribe') subscribe(channel);
    else if (type === 'unsubscribe') unsubscribe(channel);
  };

  const reader = new FrameReader();
  let fragments: Buffer[] | null = null;
  const onData = (chunk: Buffer): void => {
    const frames = reader.push(chunk);
    if (frames === 'too-large') return close(1009, 'Message too big');
    for (const f of frames) {
      if (!open) return;
      if (!f.masked) return close(1002, 'Unmasked client frame');
      if (f.opcode === OP.ping) write(OP.pong, f.payload);
      else if (f.opcode === OP.pong) continue;
      else if (f.opcode === OP.close) {
        write(OP.close, f.payload.subarray(0, 2));
        closeAll();
        socket.end();
      } else if (f.opcode === OP.binary)
        return close(1003, 'The mastodon streaming server does not support binary messages');
      else if (f.opcode === OP.text || f.opcode === OP.continuation) {
        if (f.opcode === OP.text) fragments = [];
        if (fragments === null) return close(1002, 'Unexpected continuation');
        fragments.push(f.payload);
        if (f.fin) {
          const text = Buffer.concat(fragments).toString('utf8');
          fragments = null;
          onMessage(text);
        }
      }
    }
  };
  socket.on('data', onData);
  socket.on('close', closeAll);
  socket.on('error', closeAll);
  // Every connection gets the system channel; ?stream= subscribes at once.
  const first = query.get('stream');
  if (first) subscribe(first);
  if (head.length > 0) onData(head);
}
