/**
 * The node entry point's flags and environment variables (for containers), in one table so the
 * entry point and the checks on docker-compose.yml read the same definition.
 */
import { z } from 'zod';
import { LogLevelText, NodeId, PortText, type FlagHelp, type FlagSpec } from '@agentnet/protocol';

export const NODE_FLAGS: FlagSpec = {
  coordinator: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'advertise-host': { type: 'string' },
  'log-dir': { type: 'string' },
  'log-level': { type: 'string' },
  pretty: { type: 'boolean' },
  'node-id': { type: 'string' },
};

export const NODE_ENV: Record<string, string> = {
  coordinator: 'COORDINATOR_URL',
  host: 'HOST',
  port: 'PORT',
  'advertise-host': 'ADVERTISE_HOST',
  'log-dir': 'LOG_DIR',
  'log-level': 'LOG_LEVEL',
  'node-id': 'NODE_ID',
};

export const NODE_HELP: FlagHelp[] = [
  { flag: '--coordinator URL', help: 'coordinator control URL, e.g. ws://127.0.0.1:7000 (env COORDINATOR_URL; required)' },
  { flag: '--host ADDR', help: 'address the peer server binds (env HOST; default 127.0.0.1)' },
  { flag: '--port N', help: 'port the peer server binds, 0 = any free port (env PORT; default 0)' },
  { flag: '--advertise-host H', help: 'host peers use to reach this node (env ADVERTISE_HOST; default --host, or the hostname when --host is a wildcard)' },
  { flag: '--log-dir DIR', help: "directory for this node's log (env LOG_DIR; default the run directory the coordinator names)" },
  { flag: '--log-level L', help: 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)' },
  { flag: '--pretty', help: 'also print readable logs on stderr' },
  { flag: '--node-id ID', help: 'rejoin a running cluster as this (restarted) node (env NODE_ID; default: a new node, or the first lost one while the run is running)' },
];

export const NodeCli = z.object({
  coordinator: z.string({ error: 'a coordinator URL is required (--coordinator or COORDINATOR_URL)' }).regex(/^wss?:\/\//, 'coordinator must be a ws:// URL'),
  host: z.string().default('127.0.0.1'),
  port: PortText.default(0),
  'advertise-host': z.string().optional(),
  'log-dir': z.string().optional(),
  'log-level': LogLevelText.default('info'),
  pretty: z.boolean().default(false),
  'node-id': NodeId.optional(),
});

export const WILDCARDS = new Set(['0.0.0.0', '::', '']);

