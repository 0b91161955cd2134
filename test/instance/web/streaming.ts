// The streaming API as Mastodon's stream.js uses it. When streaming_api_base_url starts with `ws`
// (production Mastodon, and this instance): ONE shared WebSocket to `<base>/api/v1/streaming/?` with
// the access token as its subprotocol, channels added and removed with `{"type":"subscribe"|
// "unsubscribe","stream":…}` messages, reconnecting with a backoff and re-subscribing. Otherwise
// one EventSource per channel (`/api/v1/streaming/<channel>?access_token=`). Payloads are parsed
// with guards; bad ones are dropped.
import { accessToken } from './api';
import {
  parseConversation,
  parseNotificationV1,
  parseStatus,
  type Conversation,
  type MentionNotification,
  type Status,
} from './model';

type Channel = 'user' | 'direct';

export type StreamEvent =
  | { event: 'update'; stream: 'user'; status: Status }
  | { event: 'status.update'; stream: Channel; status: Status }
  | { event: 'delete'; stream: Channel; id: string }
  | { event: 'notification'; stream: 'user'; notification: MentionNotification }
  | { event: 'conversation'; stream: 'direct'; conversation: Conversation }
  /** The channel (re)connected: Mastodon fills home-timeline gaps then (onConnect → fillGaps). */
  | { event: 'connected'; stream: Channel };

const handlers = new Set<(e: StreamEvent) => void>();

export function onStreamEvent(fn: (e: StreamEvent) => void): () => void {
  handlers.add(fn);
  return () => handlers.delete(fn);
}

function emit(e: StreamEvent): void {
  for (const h of handlers) h(e);
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/** One received event of one channel, whichever transport brought it. */
function received(stream: Channel, event: string, payload: string): void {
  switch (event) {
    case 'update': {
      const status = parseStatus(parseJson(payload));
      if (status && stream === 'user') emit({ event: 'update', stream, status });
      return;
    }
    case 'status.update': {
      const status = parseStatus(parseJson(payload));
      if (status) emit({ event: 'status.update', stream, status });
      return;
    }
    case 'delete': {
      // The payload is the bare id, not JSON (a quoted id is tolerated too).
      const id = payload.trim().replace(/^"|"$/g, '');
      if (id) emit({ event: 'delete', stream, id });
      return;
    }
    case 'notification': {
      const notification = parseNotificationV1(parseJson(payload));
      if (notification && stream === 'user') emit({ event: 'notification', stream, notification });
      return;
    }
    case 'conversation': {
      const conversation = parseConversation(parseJson(payload));
      if (conversation && stream === 'direct') emit({ event: 'conversation', stream, conversation });
      return;
    }
  }
}

// --- EventSource (a base URL that is not ws:/wss:) ---

function connectEventSource(base: string, stream: Channel): () => void {
  const es = new EventSource(
    `${base.replace(/\/$/, '')}/api/v1/streaming/${stream}?access_token=${encodeURIComponent(accessToken())}`,
  );
  es.addEventListener('open', () => emit({ event: 'connected', stream }));
  for (const type of ['update', 'status.update', 'delete', 'notification', 'conversation']) {
    es.addEventListener(type, (m) => received(stream, type, String(m.data)));
  }
  return () => es.close();
}

// --- The shared WebSocket ---

let socket: WebSocket | null = null;
let socketBase = '';
let retryDelay = 1000;
/** How many mounted users each channel has (subscriptionCounters in stream.js). */
const counters = new Map<Channel, number>();

function sendIfOpen(msg: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
}

function openSocket(): void {
  const ws = new WebSocket(`${socketBase.replace(/\/$/, '')}/api/v1/streaming/?`, accessToken());
  socket = ws;
  ws.addEventListener('open', () => {
    retryDelay = 1000;
    // sharedCallbacks.connected: every current subscription is (re)sent, then its onConnect.
    for (const [stream, n] of counters) {
      if (n <= 0) continue;
      ws.send(JSON.stringify({ type: 'subscribe', stream }));
      emit({ event: 'connected', stream });
    }
  });
  ws.addEventListener('message', (m) => {
    const data = parseJson(String(m.data)) as { stream?: unknown; event?: unknown; payload?: unknown } | null;
    if (!data || !Array.isArray(data.stream) || typeof data.event !== 'string') return;
    const stream: unknown = data.stream[0];
    if ((stream === 'user' || stream === 'direct') && (counters.get(stream) ?? 0) > 0) {
      received(stream, data.event, typeof data.payload === 'string' ? data.payload : JSON.stringify(data.payload));
    }
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    // @gamestdio/websocket reconnects with a growing delay; subscriptions are re-sent on open.
    setTimeout(openSocket, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30_000);
  });
}

function subscribeSocket(stream: Channel): () => void {
  const n = counters.get(stream) ?? 0;
  counters.set(stream, n + 1);
  if (!socket) openSocket();
  else if (socket.readyState === WebSocket.OPEN) {
    if (n === 0) sendIfOpen({ type: 'subscribe', stream });
    emit({ event: 'connected', stream });
  }
  return () => {
    const left = (counters.get(stream) ?? 1) - 1;
    counters.set(stream, left);
    if (left === 0) sendIfOpen({ type: 'unsubscribe', stream });
  };
}

// --- API for the app ---

let streamingBase = '';

function connectChannel(stream: Channel): () => void {
  const base = streamingBase || location.origin.replace(/^http/, 'ws');
  if (base.startsWith('ws')) {
    socketBase = base;
    return subscribeSocket(stream);
  }
  return connectEventSource(base, stream);
}

let userStream: (() => void) | null = null;

/** The `user` channel opens at boot and stays for the page's life (connectUserStream). */
export function startStreaming(base: string): void {
  streamingBase = base;
  userStream ??= connectChannel('user');
}

/** The `direct` channel exists only while the DM column is mounted (connectDirectStream). */
export function connectDirectStream(): () => void {
  return connectChannel('direct');
}
