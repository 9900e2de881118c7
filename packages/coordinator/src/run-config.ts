/** The run's configuration as report.json records it: every flag that shaped the run, as text. */
import { describeLinkModel, formatDelaySpec, formatIntervalSpec, type RunConfig } from '@agentnet/protocol';
import { networkModel, type RunFlags } from './cli-options.js';

export function runConfigOf(flags: RunFlags, seed: number): RunConfig {
  return {
    nodes: flags.nodes,
    duration_ms: flags.duration,
    seed,
    delay: formatDelaySpec(flags.delay),
    interval: formatIntervalSpec(flags.interval),
    behavior: flags.traffic,
    message_size: flags['message-size'],
    peer_validation: flags['peer-validation'],
    network: describeLinkModel(networkModel(flags).default),
    links: flags.link.map((o) => `${o.src}>${o.dest} ${describeLinkModel(o)}`),
  };
}
