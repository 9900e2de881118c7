/**
 * `npm run cluster -- --nodes 5`: starts one coordinator and N node processes (each started with
 * `process.execPath` from a cached bundle of its entry point, never through npx), lets the coordinator run and report, and makes sure every
 * child is gone before it exits. Ctrl-C asks the coordinator for a partial report; a second Ctrl-C
 * kills everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AUTHORITY_ENV, EXIT_ERROR, EXIT_USAGE, REJOIN_TICKET_ENV, RunSecret, SECRET_ENV, SECRET_FILE_ENV, formatCliError, formatUsage, parseCli } from '@agentnet/protocol';
import { RUN_FLAGS, RUN_HELP, RunFlags } from '@agentnet/coordinator';
import { ensureBundle } from './entry-bundle.js';

const COORDINATOR_MAIN = fileURLToPath(new URL('../packages/coordinator/src/main.ts', import.meta.url));
const NODE_MAIN = fileURLToPath(new URL('../packages/node/src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** How long the coordinator may take to start listening, and the nodes to exit after it. */
const COORDINATOR_START_TIMEOUT_MS = 30_000;
/** What the coordinator reports over IPC once it listens (packages/coordinator/src/main.ts). */
const CoordinatorListening = z.object({ type: z.literal('listening'), url: z.string().regex(/^wss?:\/\//), run_dir: z.string(), authority: z.string().optional() });
type CoordinatorListening = z.infer<typeof CoordinatorListening>;
/** The coordinator asks for a new process of a restarted node. */
const SpawnNode = z.object({ type: z.literal('spawn_node'), node_id: z.string().regex(/^n\d+$/), ticket: z.string().max(128).optional() });
/** A node process the run kills on purpose (a scenario's or the nemesis's crash, a restart). */
const Killing = z.object({ type: z.literal('killing'), pid: z.number().int() });
/** Relative paths in the flags (--out, --runs-dir) mean the directory the user ran npm from. */
const USER_CWD = process.env.INIT_CWD ?? process.cwd();
// A node exits within milliseconds of the coordinator's stop on an idle machine, but a busy one
// may not schedule it for seconds; killing it then loses the last lines of its log (its `exit`).
// Only a node that is truly stuck waits this long.
const NODE_EXIT_TIMEOUT_MS = 30_000;

const argv = process.argv.slice(2);
const cli = parseCli(argv, RUN_FLAGS, RunFlags);
const usage = formatUsage('npm run cluster -- [options]', 'Starts a coordinator and --nodes node processes on this machine, runs, and prints the analysis.', RUN_HELP);
if (!cli.ok) {
  process.stderr.write(formatCliError(cli.error, 'npm run cluster --'));
  process.exit(EXIT_USAGE);
}
if (cli.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const flags = cli.value;

const children = new Set<ChildProcess>();
// --security on: a fresh secret for this run only (never from --seed), handed to the children in
// their environment: not in argv, where any user's `ps` would show it.
const childEnv: NodeJS.ProcessEnv = { ...process.env };
delete childEnv[SECRET_FILE_ENV];
if (flags.security === 'on') childEnv[SECRET_ENV] = RunSecret.create().toHex();
else delete childEnv[SECRET_ENV];

/** How to start an entry point: its cached bundle, or through tsx when the bundle cannot be built. */
async function entryArgv(main: string): Promise<string[]> {
  try {
    return [await ensureBundle(main)];
  } catch (err) {
    process.stderr.write(`cluster: starting ${main} through tsx, its bundle failed: ${(err as Error).message}\n`);
    return ['--import', TSX, main];
  }
}
/** Extra Node.js flags for every child, e.g. AGENTNET_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile a run. */
const CHILD_NODE_ARGS = (process.env.AGENTNET_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const [coordinatorEntry, nodeEntry] = (await Promise.all([entryArgv(COORDINATOR_MAIN), entryArgv(NODE_MAIN)])).map((argv) => [...CHILD_NODE_ARGS, ...argv]) as [string[], string[]];

function start(entry: string[], args: string[], ipc: boolean, env: NodeJS.ProcessEnv = childEnv): ChildProcess {
  // Each child gets its own process group, so a terminal's Ctrl-C reaches only this launcher, which
  // then stops the run in order instead of every process tearing itself down at once.
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: USER_CWD,
    env,
    stdio: ['ignore', ipc ? 'inherit' : 'ignore', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.on('error', (err) => process.stderr.write(`cluster: cannot start ${entry.join(' ')}: ${err.message}\n`));
  return child;
}

function killAll(signal: NodeJS.Signals): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

// Whatever happens to this process, no child outlives it.
process.on('exit', () => killAll('SIGKILL'));

function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? 128);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

const coordinator = start(coordinatorEntry, [...argv, '--host', '127.0.0.1', '--port', '0'], true);

/**
 * The first signal asks the coordinator to stop the run in order. Only a second one that comes a
 * while later kills everything: one Ctrl-C can arrive twice (from the terminal and again from npm,
 * which forwards signals to its script), and that must not cost the report.
 */
const REPEAT_SIGNAL_MS = 1000;
let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    const now = performance.now();
    if (firstSignalAt === undefined && coordinator.exitCode === null) {
      firstSignalAt = now;
      coordinator.kill('SIGINT');
    } else if (firstSignalAt === undefined || now - firstSignalAt >= REPEAT_SIGNAL_MS) {
      process.stderr.write('cluster: killing every process\n');
      killAll('SIGKILL');
      process.exit(130);
    }
  });
}

const listening = await new Promise<CoordinatorListening | undefined>((resolve) => {
  const timer = setTimeout(() => resolve(undefined), COORDINATOR_START_TIMEOUT_MS);
  coordinator.on('message', (msg: unknown) => {
    const parsed = CoordinatorListening.safeParse(msg);
    if (parsed.success) {
      clearTimeout(timer);
      resolve(parsed.data);
    }
  });
  coordinator.once('exit', () => {
    clearTimeout(timer);
    resolve(undefined);
  });
});

if (listening === undefined) {
  if (coordinator.exitCode === null) process.stderr.write('cluster: the coordinator did not start listening in time\n');
  killAll('SIGKILL');
  process.exit(coordinator.exitCode ?? EXIT_ERROR);
}
// The IPC channel stays open: if this launcher dies (SIGKILL, a closed terminal), the coordinator
// sees it disconnect and stops the run instead of running on unattended.

// --log-dir: the run directory, where the coordinator would send each node's log anyway; a node
// stopped before it registers (Ctrl-C during start-up) writes its lines there, not on the terminal.
const nodeArgs = ['--coordinator', listening.url, '--log-dir', listening.run_dir, '--host', '127.0.0.1', '--port', '0', '--log-level', flags['log-level'], ...(flags.pretty ? ['--pretty'] : [])];
// --security on: the nodes trust the run's authority, and so no other coordinator, from their first connection.
if (listening.authority !== undefined) childEnv[AUTHORITY_ENV] = listening.authority;
const nodes: ChildProcess[] = [];
const killedOnPurpose = new Set<number>();
function startNode(args: string[], ticket?: string): void {
  // A restarted node's one-time ticket for its place (--security on), in its environment only.
  const node = start(nodeEntry, args, false, ticket === undefined ? childEnv : { ...childEnv, [REJOIN_TICKET_ENV]: ticket });
  nodes.push(node);
  node.once('exit', (code, signal) => {
    const intended = signal === 'SIGKILL' && node.pid !== undefined && killedOnPurpose.has(node.pid);
    // After a Ctrl-C, nodes ending early (one that had not registered loses its coordinator) is
    // what the user asked for, not news.
    if (code !== 0 && !intended && coordinator.exitCode === null && firstSignalAt === undefined) {
      process.stderr.write(`cluster: node process ${node.pid} exited with ${signal ?? `code ${code}`}\n`);
    }
  });
}
for (let i = 0; i < flags.nodes; i++) startNode(nodeArgs);
coordinator.on('message', (msg: unknown) => {
  const spawn = SpawnNode.safeParse(msg);
  if (spawn.success) startNode([...nodeArgs, '--node-id', spawn.data.node_id], spawn.data.ticket);
  const killing = Killing.safeParse(msg);
  if (killing.success) killedOnPurpose.add(killing.data.pid);
});

const code = await exited(coordinator);
// Interrupted during start-up, a node still dialing the coordinator that is now gone would retry
// for seconds: it has nothing left to do, so it stops now (and flushes its log).
if (firstSignalAt !== undefined) for (const node of nodes) if (node.exitCode === null && node.signalCode === null) node.kill('SIGTERM');
const stragglers = await Promise.race([
  Promise.all(nodes.map(exited)).then(() => false),
  new Promise<boolean>((resolve) => setTimeout(() => resolve(true), NODE_EXIT_TIMEOUT_MS).unref()),
]);
if (stragglers) {
  const left = nodes.filter((n) => n.exitCode === null && n.signalCode === null).map((n) => n.pid);
  process.stderr.write(`cluster: node processes ${left.join(', ')} did not exit after the run; killing them\n`);
  killAll('SIGKILL');
  await Promise.all(nodes.map(exited));
}
process.exit(code);
