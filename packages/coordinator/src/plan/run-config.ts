/** The run's configuration as report.json records it: every flag that shaped the run, as text. */
import { describeLinkModel, formatDelaySpec, formatIntervalSpec, type NetworkModel, type RunConfig } from '@agentnet/protocol';
import type { RunFlags } from './cli-options.js';
import type { CoordinatorOptions } from './run-options.js';

/** `behavior`: what every node ran (a module by its path), the checker that judged it and the params it got. */
export function runConfigOf(flags: RunFlags, seed: number, network: NetworkModel, behavior: CoordinatorOptions['behavior'], topology = 'mesh', routing: string | null = flags.routing ?? null): RunConfig {
  return {
    nodes: flags.nodes,
    duration_ms: flags.duration,
    seed,
    delay: formatDelaySpec(network.default.delay),
    interval: formatIntervalSpec(flags.interval),
    behavior: behavior.module ?? behavior.kind,
    message_size: flags['message-size'],
    peer_validation: flags['peer-validation'],
    network: describeLinkModel(network.default),
    links: network.links.map((o) => `${o.src}>${o.dest} ${describeLinkModel(o)}`),
    topology,
    routing,
    checker: behavior.checker,
    params: behavior.params,
    settle_ms: flags.settle,
  };
}
