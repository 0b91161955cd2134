// Server-sent events, Mastodon's SSE flavour: `event: <name>\ndata: <payload>\n\n`, where the
// payload is a JSON document (or the bare id for `delete`).
import type { ServerResponse } from 'node:http';

export type StreamName = 'user' | 'direct';
export type StreamEvent = 'update' | 'notification' | 'delete' | 'status.update' | 'conversation';

interface Subscriber { accountId: string; stream: StreamName; res: ServerResponse }

export class StreamHub {
  private readonly subs = new Set<Subscriber>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // Comment lines keep proxies and EventSource from timing out, as the streaming server does.
    this.heartbeat = setInterval(() => {
      for (const s of this.subs) s.res.write(':thump\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  subscribe(accountId: string, stream: StreamName, res: ServerResponse): void {
    const sub: Subscriber = { accountId, stream, res };
    this.subs.add(sub);
    res.on('close', () => this.subs.delete(sub));
    res.write(':)\n\n');
  }

  emit(accountId: string, stream: StreamName, event: StreamEvent, payload: string): void {
    // SSE data lines may not contain raw newlines; JSON.stringify output never does, ids neither.
    const frame = `event: ${event}\ndata: ${payload.replace(/\n/g, '\\n')}\n\n`;
    for (const s of this.subs) {
      if (s.accountId === accountId && s.stream === stream) s.res.write(frame);
    }
  }

  count(): number {
    return this.subs.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.subs) s.res.end();
    this.subs.clear();
  }
}
