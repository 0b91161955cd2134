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
  | { event: 'conversation'; stream: 'direct'; conversation: Conversation };

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

let sources: EventSource[] = [];

/** Opens both streams once per page (EventSource reconnects by itself). */
export function startStreaming(base: string): void {
  if (sources.length > 0) return;
  sources = [connect(base, 'user'), connect(base, 'direct')];
}
