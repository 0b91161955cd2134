// The streaming API's fan-out to connected clients, in both of Mastodon's transports:
// - Server-sent events (`GET /api/v1/streaming/<stream>`): `event: <name>\ndata: <payload>\n\n`.
// - WebSocket (`/api/v1/streaming`, websocket.ts): one connection, subscriptions by message,
//   each event `{"stream":["user"],"event":"update","payload":"<JSON string>"}`.
// The payload is a JSON document as a string, or the bare id for `delete`.
import type { ServerResponse } from 'node:http';

export type StreamName = 'user' | 'direct';
export type StreamEvent = 'update' | 'notification' | 'delete' | 'status.update' | 'conversation';

/** One subscription of one connection to one stream. */
export interface StreamSink {
  send(stream: StreamName, event: StreamEvent, payload: string): void;
  heartbeat(): void;
}

interface Subscriber {
  accountId: string;
  stream: StreamName;
  sink: StreamSink;
  end(): void;
}

export class StreamHub {
  private readonly subs = new Set<Subscriber>();
  /** Open WebSocket connections (subscribed or not), ended on close(). */
  private readonly connections = new Set<() => void>();
  /** Connections per access token, ended when the token is revoked (the streaming server's `kill`). */
  private readonly byToken = new Map<string, Set<() => void>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // Comment lines keep proxies and EventSource from timing out, as the streaming server does;
    // WebSocket connections get pings.
    this.heartbeat = setInterval(() => {
      const sinks = new Set([...this.subs].map((s) => s.sink));
      for (const sink of sinks) sink.heartbeat();
    }, 15_000);
    this.heartbeat.unref();
  }

  /** SSE: the response is the stream. */
  subscribe(accountId: string, stream: StreamName, res: ServerResponse): void {
    const sink: StreamSink = {
      // SSE data lines may not contain raw newlines; JSON.stringify output never does, ids neither.
      send: (_stream, event, payload) => {
        res.write(`event: ${event}\ndata: ${payload.replace(/\n/g, '\\n')}\n\n`);
      },
      heartbeat: () => {
        res.write(':thump\n\n');
      },
    };
    const unsubscribe = this.add(accountId, stream, sink, () => res.end());
    res.on('close', unsubscribe);
    res.write(':)\n\n');
  }

  /** Adds a subscription; the returned function removes it. `end` closes its connection on close(). */
  add(accountId: string, stream: StreamName, sink: StreamSink, end: () => void): () => void {
    const sub: Subscriber = { accountId, stream, sink, end };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /** A connection that close() must end; the returned function forgets it. */
  track(end: () => void): () => void {
    this.connections.add(end);
    return () => this.connections.delete(end);
  }

  /** Remembers that `end` closes a connection authenticated with `token`; the returned function forgets it. */
  trackToken(token: string, end: () => void): () => void {
    const set = this.byToken.get(token) ?? new Set<() => void>();
    set.add(end);
    this.byToken.set(token, set);
    return () => {
      set.delete(end);
      if (set.size === 0) this.byToken.delete(token);
    };
  }

  /** A revoked token: every connection it opened ends. */
  killToken(token: string): void {
    const set = this.byToken.get(token);
    this.byToken.delete(token);
    for (const end of [...(set ?? [])]) end();
  }

  emit(accountId: string, stream: StreamName, event: StreamEvent, payload: string): void {
    for (const s of this.subs) {
      if (s.accountId === accountId && s.stream === stream) s.sink.send(stream, event, payload);
    }
  }

  count(): number {
    return this.subs.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.subs) s.end();
    this.subs.clear();
    for (const end of [...this.connections]) end();
    this.connections.clear();
  }
}
