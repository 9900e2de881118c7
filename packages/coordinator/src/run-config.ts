/** The run's configuration as report.json records it: every flag that shaped the run, as text. */
import { describeLinkModel, formatDelaySpec, formatIntervalSpec, type NetworkModel, type RunConfig } from '@agentnet/protocol';
import type { RunFlags } from './cli-options.js';

export function runConfigOf(flags: RunFlags, seed: number, network: NetworkModel, topology = 'mesh', routing: string | null = flags.routing ?? null): RunConfig {
  return {
    nodes: flags.nodes,
    duration_ms: flags.duration,
    seed,
    delay: formatDelaySpec(network.default.delay),
    interval: formatIntervalSpec(flags.interval),
    behavior: flags.traffic,
    message_size: flags['message-size'],
    peer_validation: flags['peer-validation'],
    network: describeLinkModel(network.default),
    links: network.links.map((o) => `${o.src}>${o.dest} ${describeLinkModel(o)}`),
    topology,
    routing,
    checker: null,
    params: flags.param,
    settle_ms: flags.settle,
  };
}
