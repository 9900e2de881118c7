/**
 * The node entry point's flags and environment variables (for containers), in one table so the
 * entry point and the checks on docker-compose.yml read the same definition.
 */
import { z } from 'zod';
import { LogLevelText, NodeId, PortText, type LevelWithSilent, type RunSecret, flagEnv, flagHelp, flagSchema, flagSpec, type FlagHelp, type FlagSpec, type FlagTable } from '@agentnet/protocol';

/** Every flag of a node, once: NODE_FLAGS, NODE_ENV, NODE_HELP and NodeCli derive from it. */
export const NODE_FLAG_TABLE = {
  coordinator: {
    schema: z.string({ error: 'a coordinator URL is required (--coordinator or COORDINATOR_URL)' }).regex(/^wss?:\/\//, 'coordinator must be a ws:// URL'),
    arg: 'URL',
    env: 'COORDINATOR_URL',
    help: 'coordinator control URL, e.g. ws://127.0.0.1:7000 (env COORDINATOR_URL; required)',
  },
  host: { schema: z.string().default('127.0.0.1'), arg: 'ADDR', env: 'HOST', help: 'address the peer server binds (env HOST; default 127.0.0.1)' },
  port: { schema: PortText.default(0), arg: 'N', env: 'PORT', help: 'port the peer server binds, 0 = any free port (env PORT; default 0)' },
  'advertise-host': {
    schema: z.string().optional(),
    arg: 'H',
    env: 'ADVERTISE_HOST',
    help: 'host peers use to reach this node (env ADVERTISE_HOST; default --host, or the hostname when --host is a wildcard)',
  },
  'log-dir': { schema: z.string().optional(), arg: 'DIR', env: 'LOG_DIR', help: "directory for this node's log (env LOG_DIR; default the run directory the coordinator names)" },
  'log-level': { schema: LogLevelText.default('info'), arg: 'L', env: 'LOG_LEVEL', help: 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)' },
  pretty: { schema: z.boolean().default(false), help: 'also print readable logs on stderr' },
  'node-id': {
    schema: NodeId.optional(),
    arg: 'ID',
    env: 'NODE_ID',
    help: 'rejoin a running cluster as this (restarted) node (env NODE_ID; default: a new node, or the first lost one while the run is running)',
  },
} satisfies FlagTable;

export const NODE_FLAGS: FlagSpec = flagSpec(NODE_FLAG_TABLE);
export const NODE_ENV: Record<string, string> = flagEnv(NODE_FLAG_TABLE);
export const NODE_HELP: FlagHelp[] = flagHelp(NODE_FLAG_TABLE);
export const NodeCli = flagSchema(NODE_FLAG_TABLE);

export const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** What an agent node is started with: main.ts makes it from the flags and the environment. */
export interface AgentNodeOptions {
  coordinatorUrl: string;
  /** Address the peer server binds. */
  host: string;
  /** Port the peer server binds; 0 picks a free one. */
  port: number;
  /** Host name or address peers use to reach this node. */
  advertiseHost: string;
  /** Directory for this node's log; default: the run directory the coordinator names. */
  logDir?: string;
  logLevel: LevelWithSilent;
  pretty: boolean;
  /** Rejoin a running cluster as this node (a restarted node); absent for a new node. */
  nodeId?: string;
  /** The run secret (`--security on`, from AGENTNET_SECRET or AGENTNET_SECRET_FILE): the node proves it and asks for it. */
  secret?: RunSecret;
  /** The run authority's certificate (`--security on`, from AGENTNET_AUTHORITY): the only coordinator trusted from the first connection. */
  authority?: string;
  /** A restarted node's one-time ticket for its place (`--security on`, from AGENTNET_REJOIN_TICKET, given by the launcher). */
  rejoinTicket?: string;
}
