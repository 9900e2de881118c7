/**
 * Entry point of a node process. Flags or environment (for containers): COORDINATOR_URL, HOST,
 * PORT, ADVERTISE_HOST, LOG_LEVEL, LOG_DIR; the run secret (`--security on`) from AGENTNET_SECRET
 * or AGENTNET_SECRET_FILE, never from argv.
 */
import { hostname } from 'node:os';
import { AUTHORITY_ENV, REJOIN_TICKET_ENV, RunSecret, SECRET_ENV, SECRET_FILE_ENV, formatCliError, formatUsage, parseCli } from '@agentnet/protocol';
import { AgentNode } from './agent-node.js';
import { NODE_ENV, NODE_FLAGS, NODE_HELP, NodeCli, WILDCARDS } from './cli-options.js';

const cli = parseCli(process.argv.slice(2), NODE_FLAGS, NodeCli, NODE_ENV, process.env);
const command = 'node --import tsx packages/node/src/main.ts';
const usage = formatUsage(`${command} [options]`, 'Runs one agentnet node.', NODE_HELP);
if (!cli.ok) {
  process.stderr.write(formatCliError(cli.error, command));
  process.exit(2);
}
if (cli.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const flags = cli.value;
let secret: RunSecret | undefined;
try {
  secret = RunSecret.fromEnv(process.env);
  // A wss:// coordinator runs with --security on: without the secret this node could never join.
  if (secret === undefined && flags.coordinator.startsWith('wss://')) {
    throw new Error(`the coordinator at ${flags.coordinator} runs with --security on: this node needs the run secret in ${SECRET_ENV} or ${SECRET_FILE_ENV}`);
  }
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(2);
}
const authority = process.env[AUTHORITY_ENV];
const ticket = process.env[REJOIN_TICKET_ENV];
// Nothing this process starts inherits the secret.
delete process.env[REJOIN_TICKET_ENV];
delete process.env[AUTHORITY_ENV];
delete process.env[SECRET_ENV];
delete process.env[SECRET_FILE_ENV];
const node = new AgentNode({
  coordinatorUrl: flags.coordinator,
  host: flags.host,
  port: flags.port,
  advertiseHost: flags['advertise-host'] ?? (WILDCARDS.has(flags.host) ? hostname() : flags.host),
  ...(flags['log-dir'] === undefined ? {} : { logDir: flags['log-dir'] }),
  logLevel: flags['log-level'],
  pretty: flags.pretty,
  ...(flags['node-id'] === undefined ? {} : { nodeId: flags['node-id'] }),
  ...(secret === undefined ? {} : { secret }),
  ...(authority === undefined || authority === '' ? {} : { authority }),
  ...(ticket === undefined || ticket === '' ? {} : { rejoinTicket: ticket }),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void node.stop(`signal ${signal}`));
}

node.run().then(
  async (code) => {
    await node.drainLogs();
    process.exit(code);
  },
  (err: unknown) => {
    node.log.fatal({ err }, 'crash');
    node.flushLogs();
    process.stderr.write(`node failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
