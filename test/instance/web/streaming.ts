// Server-sent events from the streaming API (user + direct streams), as Mastodon's stream.js does
// when streaming_api_base_url is http(s). Payloads are parsed with guards; bad ones are dropped.
import { accessToken } from './api';
import {
  parseConversation, parseNotificationV1, parseStatus,
  type Conversation, type MentionNotification, type Status,
} from './model';

export type StreamEvent =
  | { event: 'update'; stream: 'user'; status: Status }
  | { event: 'status.update'; stream: 'user' | 'direct'; status: Status }
  | { event: 'delete'; stream: 'user' | 'direct'; id: string }
  | { event: 'notification'; stream: 'user'; notification: MentionNotification }
  | { event: 'conversation'; stream: 'direct'; conversation: Conversation }
  /** The stream (re)connected: Mastodon fills home-timeline gaps then (onConnect → fillGaps). */
  | { event: 'connected'; stream: 'user' | 'direct' };

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

function connect(base: string, stream: 'user' | 'direct'): EventSource {
  const url = `${base.replace(/\/$/, '')}/api/v1/streaming/${stream}?access_token=${encodeURIComponent(accessToken())}`;
  const es = new EventSource(url);
  es.addEventListener('open', () => emit({ event: 'connected', stream }));
  es.addEventListener('update', (m) => {
    const status = parseStatus(parseJson(m.data as string));
    if (status && stream === 'user') emit({ event: 'update', stream, status });
  });
  es.addEventListener('status.update', (m) => {
    const status = parseStatus(parseJson(m.data as string));
    if (status) emit({ event: 'status.update', stream, status });
  });
  es.addEventListener('delete', (m) => {
    // The payload is the bare id, not JSON (a quoted id is tolerated too).
    const id = String(m.data).trim().replace(/^"|"$/g, '');
    if (id) emit({ event: 'delete', stream, id });
  });
  es.addEventListener('notification', (m) => {
    const notification = parseNotificationV1(parseJson(m.data as string));
    if (notification && stream === 'user') emit({ event: 'notification', stream, notification });
  });
  es.addEventListener('conversation', (m) => {
    const conversation = parseConversation(parseJson(m.data as string));
    if (conversation && stream === 'direct') emit({ event: 'conversation', stream, conversation });
  });
  return es;
}

let streamingBase = '';
let user: EventSource | null = null;

/** The `user` stream opens at boot and stays for the page's life (EventSource reconnects). */
export function startStreaming(base: string): void {
  streamingBase = base;
  user ??= connect(base, 'user');
}

/** The `direct` stream exists only while the DM column is mounted (connectDirectStream). */
export function connectDirectStream(): () => void {
  const es = connect(streamingBase || location.origin, 'direct');
  return () => es.close();
}
