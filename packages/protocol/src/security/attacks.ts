/**
 * What a Byzantine node does (`--byzantine NODE=ATTACK[,ATTACK…]`, a scenario's `byzantine` step,
 * `ctl byzantine`), and what report.json says came of it: every attack the attacker made is in its
 * journal, so the coordinator knows the truth and can tell which ones its receivers caught.
 */
import { z } from 'zod';
import { enumOfKeys } from '../runtime/closed-sets.js';
import { NodeId } from '../wire/envelope.js';

export const ATTACKS = {
  forge: "with each message it sends, a copy in the name of every other node (their vote, their ack): it cannot seal in their names, so it seals under its own key",
  replay: 'with each message it sends or forwards, sends again an earlier one it sent or forwarded, unchanged',
  tamper: 'alters each message it sends or forwards: a body field, or a byte of the box of a sealed one',
} as const;
export const Attack = enumOfKeys(ATTACKS);
export type Attack = z.infer<typeof Attack>;

/**
 * In the id of every forged message (`n2:forged-by-n1.0-7`): no node's own ids have it, so the
 * coordinator knows a forgery even when the attacker crashed before shipping its attack record.
 */
export const FORGED_ID_MARK = ':forged-by-';

/** One Byzantine node and its attacks. */
export const ByzantineNode = z.object({ node: NodeId, attacks: z.array(Attack).min(1) });
export type ByzantineNode = z.infer<typeof ByzantineNode>;

/** `NODE=ATTACK[,ATTACK…]` as given to `--byzantine`; an error text when it is not that. */
export function parseByzantine(text: string): ByzantineNode | string {
  const m = /^([^=\s]+)=(.+)$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return `"${text}" is not NODE=ATTACK[,ATTACK…] (attacks: ${Attack.options.join(', ')})`;
  const attacks = m[2].split(',').map((a) => a.trim());
  const unknown = attacks.filter((a) => !Attack.safeParse(a).success);
  if (unknown.length > 0) return `unknown attack ${unknown.join(', ')} in "${text}" (attacks: ${Attack.options.join(', ')})`;
  return { node: m[1], attacks: [...new Set(attacks)] as Attack[] };
}

/** `NODE=ATTACK[,ATTACK…]` (a `--byzantine` flag, a scenario's `byzantine` step) as a ByzantineNode. */
export const ByzantineText = z.string().transform((text, ctx): ByzantineNode => {
  const parsed = parseByzantine(text);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: parsed });
  return z.NEVER;
});
