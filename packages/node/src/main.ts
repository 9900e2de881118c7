/**
 * Entry point of a node process. Flags or environment (for containers): COORDINATOR_URL, HOST,
 * PORT, ADVERTISE_HOST, LOG_LEVEL, LOG_DIR.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { LogLevelText, PortText, formatUsage, parseCli, type FlagHelp, type FlagSpec } from '@agentnet/protocol';
import { AgentNode } from './agent-node.js';

const FLAGS: FlagSpec = {
  coordinator: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'advertise-host': { type: 'string' },
  'log-dir': { type: 'string' },
  'log-level': { type: 'string' },
  pretty: { type: 'boolean' },
};

const ENV = {
  coordinator: 'COORDINATOR_URL',
  host: 'HOST',
  port: 'PORT',
  'advertise-host': 'ADVERTISE_HOST',
  'log-dir': 'LOG_DIR',
  'log-level': 'LOG_LEVEL',
};

const HELP: FlagHelp[] = [
  { flag: '--coordinator URL', help: 'coordinator control URL, e.g. ws://127.0.0.1:7000 (env COORDINATOR_URL; required)' },
  { flag: '--host ADDR', help: 'address the peer server binds (env HOST; default 127.0.0.1)' },
  { flag: '--port N', help: 'port the peer server binds, 0 = any free port (env PORT; default 0)' },
  { flag: '--advertise-host H', help: 'host peers use to reach this node (env ADVERTISE_HOST; default --host, or the hostname when --host is a wildcard)' },
  { flag: '--log-dir DIR', help: "directory for this node's log (env LOG_DIR; default the run directory the coordinator names)" },
  { flag: '--log-level L', help: 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)' },
  { flag: '--pretty', help: 'also print readable logs on stderr' },
];

const NodeCli = z.object({
  coordinator: z.string({ error: 'a coordinator URL is required (--coordinator or COORDINATOR_URL)' }).regex(/^wss?:\/\//, 'coordinator must be a ws:// URL'),
  host: z.string().default('127.0.0.1'),
  port: PortText.default(0),
  'advertise-host': z.string().optional(),
  'log-dir': z.string().optional(),
  'log-level': LogLevelText.default('info'),
  pretty: z.boolean().default(false),
});

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

const cli = parseCli(process.argv.slice(2), FLAGS, NodeCli, ENV, process.env);
const usage = formatUsage('node --import tsx packages/node/src/main.ts [options]', 'Runs one agentnet node.', HELP);
if (!cli.ok) {
  process.stderr.write(`error: ${cli.error}\n\n${usage}`);
  process.exit(2);
}
if (cli.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const flags = cli.value;
const node = new AgentNode({
  coordinatorUrl: flags.coordinator,
  host: flags.host,
  port: flags.port,
  advertiseHost: flags['advertise-host'] ?? (WILDCARDS.has(flags.host) ? hostname() : flags.host),
  ...(flags['log-dir'] === undefined ? {} : { logDir: flags['log-dir'] }),
  logLevel: flags['log-level'],
  pretty: flags.pretty,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void node.stop(`signal ${signal}`));
}

node.run().then(
  (code) => {
    node.flushLogs();
    process.exit(code);
  },
  (err: unknown) => {
    node.log.fatal({ err }, 'crash');
    node.flushLogs();
    process.stderr.write(`node failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
