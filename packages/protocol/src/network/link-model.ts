/**
 * The network model of one directed link (src -> dest), applied by the sender's link shaper:
 * delay distribution, loss (independent, or bursty by the Gilbert-Elliott model), duplication,
 * reordering and a bandwidth limit. A run has a default model and per-link overrides, which may
 * be asymmetric (n0>n1 differs from n1>n0).
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';
import { DelaySpec, DelaySpecText, formatDelaySpec } from './distributions.js';

const Probability = z.number().min(0).max(1);

export const LossModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Each message is lost with probability p, independently. */
  z.object({ kind: z.literal('bernoulli'), p: Probability }),
  /**
   * Gilbert-Elliott: a good and a bad state; per message, loss with probability loss_good or
   * loss_bad by state, then good->bad with probability p and bad->good with probability r.
   */
  z.object({ kind: z.literal('gilbert_elliott'), p: Probability, r: Probability, loss_good: Probability, loss_bad: Probability }),
]);
export type LossModel = z.infer<typeof LossModel>;

export const LinkModel = z.object({
  delay: DelaySpec,
  loss: LossModel,
  /** Probability that a delivered message is delivered a second time. */
  duplicate: Probability,
  /** Probability that a message may overtake the one before it on its link. */
  reorder: Probability,
  /** Bytes per second the link carries, or null for no limit. */
  bandwidth: z.number().positive().nullable(),
  /**
   * Bytes the link may hold at its sender (shaper queue, messages a partition holds, socket buffer)
   * before new messages are dropped with reason `overflow`; null for no limit.
   */
  queue: z.number().positive().nullable(),
});
export type LinkModel = z.infer<typeof LinkModel>;

export const LinkOverride = LinkModel.partial().extend({ src: NodeId, dest: NodeId });
export type LinkOverride = z.infer<typeof LinkOverride>;

export const NetworkModel = z.object({ default: LinkModel, links: z.array(LinkOverride) });
export type NetworkModel = z.infer<typeof NetworkModel>;

/** The model of the link src -> dest: the default with the last matching override applied. */
export function linkModelFor(model: NetworkModel, src: string, dest: string): LinkModel {
  let out = model.default;
  for (const o of model.links) {
    if (o.src !== src || o.dest !== dest) continue;
    const { src: _s, dest: _d, ...fields } = o;
    out = { ...out, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
  }
  return out;
}

const NUMBER = /^\d+(\.\d+)?$/;

export const ProbabilityText = z.string().transform((text, ctx): number => {
  const p = NUMBER.test(text) ? Number(text) : NaN;
  if (p >= 0 && p <= 1) return p;
  ctx.addIssue({ code: 'custom', message: `"${text}" is not a probability between 0 and 1` });
  return z.NEVER;
});

/** `P` (independent loss) or `ge:P:R:LOSS_GOOD:LOSS_BAD` (Gilbert-Elliott); `0` means none. */
export const LossText = z.string().transform((text, ctx): LossModel => {
  const parts = text.split(':');
  const probs = parts.slice(parts[0] === 'ge' ? 1 : 0).map((t) => (NUMBER.test(t) ? Number(t) : NaN));
  const ok = probs.every((p) => p >= 0 && p <= 1);
  if (parts[0] === 'ge' && parts.length === 5 && ok) {
    const [p, r, lossGood, lossBad] = probs as [number, number, number, number];
    return { kind: 'gilbert_elliott', p, r, loss_good: lossGood, loss_bad: lossBad };
  }
  if (parts.length === 1 && ok) return probs[0] === 0 ? { kind: 'none' } : { kind: 'bernoulli', p: probs[0] as number };
  ctx.addIssue({ code: 'custom', message: `loss "${text}" is not P or ge:P:R:LOSS_GOOD:LOSS_BAD (probabilities 0..1)` });
  return z.NEVER;
});

/** A byte count: `125000`, `64k`, `10m` (k = 1,000, m = 1,000,000); `0` or `none` for no limit. */
function bytesText(what: string, example: string) {
  return z.string().transform((text, ctx): number | null => {
    const match = /^(\d+(?:\.\d+)?)([km]?)$/.exec(text);
    if (text === 'none' || text === '0') return null;
    if (match) return Number(match[1]) * (match[2] === 'k' ? 1e3 : match[2] === 'm' ? 1e6 : 1);
    ctx.addIssue({ code: 'custom', message: `${what} "${text}" is not ${example} like 125000, 64k or 10m` });
    return z.NEVER;
  });
}

/** Bytes per second: `125000`, `64k`, `10m`; `0` or `none` for no limit. */
export const BandwidthText = bytesText('bandwidth', 'bytes per second');
/** Bytes a link may queue at its sender: `16m`, `64k`; `0` or `none` for no limit. */
export const QueueText = bytesText('queue', 'a number of bytes');

const OVERRIDE_FIELDS = {
  delay: DelaySpecText,
  loss: LossText,
  duplicate: ProbabilityText,
  reorder: ProbabilityText,
  bandwidth: BandwidthText,
  queue: QueueText,
} as const;

/** `SRC>DEST key=value ...` with keys delay, loss, duplicate, reorder, bandwidth (`--link`). */
export const LinkOverrideText = z.string().transform((text, ctx): LinkOverride => {
  const [link, ...pairs] = text.trim().split(/\s+/);
  const ends = /^([^>\s]+)>([^>\s]+)$/.exec(link ?? '');
  if (!ends || pairs.length === 0) {
    ctx.addIssue({ code: 'custom', message: `link "${text}" is not "SRC>DEST key=value ..." (keys: ${Object.keys(OVERRIDE_FIELDS).join(', ')})` });
    return z.NEVER;
  }
  const out: Record<string, unknown> = { src: ends[1], dest: ends[2] };
  for (const pair of pairs) {
    const [key, value] = pair.split('=', 2) as [string, string | undefined];
    const schema = Object.hasOwn(OVERRIDE_FIELDS, key) ? OVERRIDE_FIELDS[key as keyof typeof OVERRIDE_FIELDS] : undefined;
    const parsed = schema && value !== undefined ? schema.safeParse(value) : undefined;
    if (!parsed?.success) {
      const why = parsed ? parsed.error.issues[0]?.message : `unknown key "${key}" (keys: ${Object.keys(OVERRIDE_FIELDS).join(', ')})`;
      ctx.addIssue({ code: 'custom', message: `link "${text}": ${why}` });
      return z.NEVER;
    }
    out[key] = parsed.data;
  }
  return out as LinkOverride;
});

export function formatLoss(loss: LossModel): string {
  if (loss.kind === 'none') return '0';
  if (loss.kind === 'bernoulli') return String(loss.p);
  return `ge:${loss.p}:${loss.r}:${loss.loss_good}:${loss.loss_bad}`;
}

/** The link model in its flag forms, for reports and rerun lines. */
export function describeLinkModel(m: Partial<LinkModel>): string {
  return [
    m.delay && `delay=${formatDelaySpec(m.delay)}`,
    m.loss && `loss=${formatLoss(m.loss)}`,
    m.duplicate !== undefined && `duplicate=${m.duplicate}`,
    m.reorder !== undefined && `reorder=${m.reorder}`,
    m.bandwidth !== undefined && `bandwidth=${m.bandwidth ?? 'none'}`,
    m.queue !== undefined && `queue=${m.queue ?? 'none'}`,
  ]
    .filter(Boolean)
    .join(' ');
}
