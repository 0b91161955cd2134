/**
 * The identity-change review's data in the popup (issue #21), checked where it arrives. Pure (no
 * browser APIs), so it is unit-tested in Node.
 */
import * as v from 'valibot';

/** One side of an identity change (issue #21): the handle, actor URI and key, and who served them. */
export interface IdentitySide {
  readonly acct: string;
  readonly actorUri: string;
  /** null: that side has no usable Hush key. */
  readonly fingerprint: string | null;
  readonly servedBy: readonly string[];
}

/** A blocked identity change: the contact as pinned (before) and what the instances now say (after). */
export interface IdentityChangeInfo {
  readonly before: IdentitySide;
  readonly after: IdentitySide;
  /** Milliseconds since the epoch. */
  readonly changedAt: number;
  readonly keptBlocked: boolean;
  /** Sent back with the decision: a change other than the one shown is refused (mismatch). */
  readonly decisionFingerprint: string;
}

const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const SideSchema = v.object({
  acct: Text(400),
  actorUri: Text(2048),
  fingerprint: v.nullable(Text(64)),
  servedBy: v.pipe(v.array(Text(300)), v.maxLength(8)),
});
const IdentityChangeSchema = v.object({
  before: SideSchema,
  after: SideSchema,
  changedAt: v.pipe(v.number(), v.finite()),
  keptBlocked: v.boolean(),
  decisionFingerprint: Text(64),
});

/**
 * The identity change in a keys/contact reply (field `identityChange`, background/contacts/identity-view.ts),
 * checked here; null when there is none or it is malformed.
 */
export function identityChangeOf(reply: object): IdentityChangeInfo | null {
  const p = v.safeParse(IdentityChangeSchema, (reply as { identityChange?: unknown }).identityChange);
  return p.success ? { ...p.output, changedAt: p.output.changedAt * 1000 } : null;
}
