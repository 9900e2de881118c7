/**
 * What every checker reads: the events the nodes recorded, in time order, and the run's facts
 * (who was live at the end, when the faults struck and ended, whether the run settled).
 */
import type { BehaviorEvent, FaultKind } from '@agentnet/protocol';

export interface CheckInput {
  /** Every event, with the node that recorded it, in time order. */
  events: Array<BehaviorEvent & { node: string }>;
  /** Nodes running at the end of the run. */
  liveAtEnd: string[];
  /** Epoch ms of traffic start and of each fault. */
  startEpochMs: number;
  faultTimes: number[];
  /** The same faults with their kind, and the node a crash, stop or pause struck; none known when absent. */
  faults?: FaultMoment[];
  /** Epoch ms of each step that ended fault periods (heal, resume, restart, a reset that ended some); none known when absent. */
  healTimes?: number[];
  /** Whether the run healed and settled after its faults (or had none), so liveness can be judged. */
  settled: boolean;
  /** Epoch ms when the coordinator stopped the nodes: liveness is judged up to here, not up to the last event. */
  stopEpochMs?: number;
  /** Data-plane messages the run sent (every behaviour message); unknown when absent. */
  messages?: number;
  /** p99 of the observed end-to-end latency of delivered messages (over every hop of a route); unknown when absent. */
  latencyP99Ms?: number;
}

export interface FaultMoment {
  /** Epoch ms. */
  at: number;
  /** Absent when only the fault's time is known. */
  kind?: FaultKind;
  /** The node a crash, stop or pause struck, or a restart started again. */
  node?: string;
}
