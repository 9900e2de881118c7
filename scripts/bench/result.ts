/** The shape of bench/results/<date>.json (checked by the bench's own test). */
import { z } from 'zod';

const Rate = z.object({ msgs_per_s: z.number(), window_ms: z.number(), delivered: z.number() });
const Spread = z.object({ p50: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable(), count: z.number() });
const Memory = z.object({
  nodes: z.number(),
  node_rss_mb: z.object({ mean: z.number(), max: z.number() }),
  node_pss_mb: z.object({ mean: z.number(), max: z.number() }).nullable(),
  coordinator_rss_mb: z.number(),
  coordinator_pss_mb: z.number().nullable(),
});

export const BenchResult = z.object({
  date: z.string(),
  command: z.string(),
  quick: z.boolean(),
  machine: z.object({ cores: z.number(), memory_gb: z.number(), node: z.string(), cpu: z.string(), platform: z.string() }),
  duration_s: z.number(),
  throughput: z
    .object({
      nodes: z.number(),
      message_size: z.number(),
      duration_ms: z.number(),
      agentnet_msgs_per_s: z.number(),
      baseline_msgs_per_s: z.number(),
      ratio: z.number(),
      accounting_exact: z.boolean(),
    })
    .optional(),
  fidelity: z.array(z.object({ delay: z.string(), messages: z.number(), overhead_ms: Spread })).optional(),
  startup: z.array(z.object({ nodes: z.number(), topology: z.string().default('mesh'), ready_ms: z.number().nullable(), ok: z.boolean() })).optional(),
  memory: z.array(Memory).optional(),
  scale: z
    .object({
      steps: z.array(z.object({ nodes: z.number(), ok: z.boolean(), accounting_exact: z.boolean(), ready_ms: z.number().nullable(), wall_ms: z.number(), delivered: z.number(), node_pss_mb: z.number().nullable(), note: z.string() })),
      largest_ok: z.number().nullable(),
      stopped_because: z.string(),
    })
    .optional(),
  parts: z
    .array(z.object({ name: z.string(), log_level: z.string(), peer_validation: z.boolean(), msgs_per_s: z.number(), ratio_to_default: z.number() }))
    .optional(),
  security: z
    .object({
      off_msgs_per_s: z.number(),
      on_msgs_per_s: z.number(),
      /** 1 - on / off. */
      throughput_loss: z.number(),
      accounting_exact: z.boolean(),
      startup: z.array(
        z.object({
          nodes: z.number(),
          off_ms: z.number().nullable(),
          on_ms: z.number().nullable(),
          ratio: z.number().nullable(),
          node_rss_mb_off: z.number().nullable(),
          node_rss_mb_on: z.number().nullable(),
        }),
      ),
    })
    .optional(),
  /** A flood run's report.html: built by `npm run report` against only reading messages.jsonl; painted in Chromium against a plain page of its size. */
  report: z
    .object({
      messages: z.number(),
      html_mb: z.number(),
      build_ms: z.number(),
      baseline_read_ms: z.number(),
      build_ratio: z.number(),
      first_paint_ms: z.number().nullable(),
      ready_ms: z.number().nullable(),
      baseline_paint_ms: z.number().nullable(),
      note: z.string(),
    })
    .optional(),
  errors: z.array(z.string()),
});
export type BenchResult = z.infer<typeof BenchResult>;
export { Rate };
