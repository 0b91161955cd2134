// Outgoing federation deliveries. Sent one at a time, in order, unless the adversary holds them:
// then they wait in a queue the test can list, release (in any order), reorder or drop.
import { createHmac } from 'node:crypto';
import type { Activity } from './activity.ts';

export type OutboxMode = 'pass' | 'hold' | 'drop';

export interface Delivery {
  id: string;
  to: string;
  activity: Activity;
  createdAt: string;
}
export type DeliveryResult = { ok: true; status: number } | { ok: false; error: string };
export interface DeliveryLogEntry {
  id: string;
  to: string;
  type: string;
  object: string;
  outcome: 'sent' | 'failed' | 'dropped';
  detail: string;
}

export type Sender = (d: Delivery) => Promise<DeliveryResult>;

export function objectUri(a: Activity): string {
  return typeof a.object === 'string' ? a.object : a.object.id;
}

export class Outbox {
  mode: OutboxMode = 'pass';
  private held: Delivery[] = [];
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  readonly log: DeliveryLogEntry[] = [];

  constructor(private readonly send: Sender) {}

  enqueue(to: string, activity: Activity): void {
    const d: Delivery = { id: String(++this.seq), to, activity, createdAt: new Date().toISOString() };
    if (this.mode === 'hold') this.held.push(d);
    else if (this.mode === 'drop') this.record(d, 'dropped', 'adversary drop mode');
    else this.dispatch(d);
  }

  private record(d: Delivery, outcome: DeliveryLogEntry['outcome'], detail: string): void {
    this.log.push({ id: d.id, to: d.to, type: d.activity.type, object: objectUri(d.activity), outcome, detail });
  }

  private dispatch(d: Delivery): void {
    this.chain = this.chain.then(async () => {
      const r = await this.send(d);
      this.record(d, r.ok ? 'sent' : 'failed', r.ok ? String(r.status) : r.error);
    });
  }

  heldDeliveries(): Delivery[] {
    return [...this.held];
  }

  /** Sends held deliveries: the given ids in that order, or all in queue order. */
  release(ids?: string[]): number {
    const picked = this.pick(ids);
    for (const d of picked) this.dispatch(d);
    return picked.length;
  }

  drop(ids?: string[]): number {
    const picked = this.pick(ids);
    for (const d of picked) this.record(d, 'dropped', 'adversary drop');
    return picked.length;
  }

  /** Reorders the held queue: listed ids first in that order, the rest after in queue order. */
  reorder(ids: string[]): void {
    const first = ids.flatMap((id) => this.held.filter((d) => d.id === id));
    this.held = [...first, ...this.held.filter((d) => !ids.includes(d.id))];
  }

  private pick(ids?: string[]): Delivery[] {
    const picked = ids === undefined ? [...this.held] : ids.flatMap((id) => this.held.filter((d) => d.id === id));
    const set = new Set(picked);
    this.held = this.held.filter((d) => !set.has(d));
    return picked;
  }

  /** Resolves once every dispatched delivery has been answered (held ones are not waited for). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }
}

/** Signature over the sender domain and the exact body, with the per-federation secret. */
export function signDelivery(secret: string, fromDomain: string, body: string): string {
  return createHmac('sha256', secret).update(`${fromDomain}\n${body}`).digest('base64');
}
