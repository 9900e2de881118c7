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
  impersonate: "when it starts: links to each of its peers in another node's name, and registers at the coordinator as another node",
  downgrade: 'when it starts: links to each of its peers over plain ws://, TLS 1.2, and TLS 1.3 without a client certificate (plain ws:// only, with --security off: the links are plain)',
} as const;
export const Attack = enumOfKeys(ATTACKS);
export type Attack = z.infer<typeof Attack>;

/** The attacks on links and registration rather than on messages: each try is one connection. */
export const CONNECTION_ATTACKS = ['impersonate', 'downgrade'] as const satisfies readonly Attack[];
export type ConnectionAttack = (typeof CONNECTION_ATTACKS)[number];
export const isConnectionAttack = (a: Attack): a is ConnectionAttack => (CONNECTION_ATTACKS as readonly Attack[]).includes(a);

/** How a connection attack tries: the way in it uses. */
export const ATTEMPT_WAYS = {
  link_as: "a link hello to a peer in another node's name (with the run secret's proof for that name, which every member can make)",
  register_as: 'a register at the coordinator as another node (a rejoin in its name)',
  plain: 'a plain ws:// connection',
  tls12: 'TLS 1.2 (the run asks for 1.3)',
  no_certificate: 'TLS 1.3 without a client certificate',
} as const;
export const AttemptWay = enumOfKeys(ATTEMPT_WAYS);
export type AttemptWay = z.infer<typeof AttemptWay>;

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
