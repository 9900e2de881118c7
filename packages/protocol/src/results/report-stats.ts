/**
 * The statistics report.json gives over and over: nearest-rank percentiles, and the traffic of a
 * period (a fault's, inside or outside every fault).
 */
import { z } from 'zod';
import { DropReason } from './records.js';

export const Percentiles = z.object({
  count: z.number().int().nonnegative(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
});
export type Percentiles = z.infer<typeof Percentiles>;

/**
 * Traffic of the messages sent within some stretch of the run, counted by the time they were sent
 * (a message sent during a partition and dropped or delivered after its heal belongs to it).
 */
export const PeriodStats = z.object({
  sent: z.number().int(),
  delivered: z.number().int(),
  dropped: z.number().int(),
  in_flight: z.number().int(),
  /** delivered / sent, rounded to 0.0001; null when nothing was sent. */
  delivery_ratio: z.number().nullable(),
  dropped_by_reason: z.partialRecord(DropReason, z.number().int()),
  /** Observed latency of the delivered ones. */
  latency_ms: Percentiles,
  /** Injected delay of the same delivered messages. */
  delay_ms: Percentiles,
  /** latency - injected delay, per message. */
  overhead_ms: Percentiles,
});
export type PeriodStats = z.infer<typeof PeriodStats>;
