/**
 * Entry point of the coordinator process. Takes the run flags (shared with `npm run cluster`) plus
 * where to listen (--host/HOST, --port/PORT). When started by the cluster launcher it reports its
 * URL over the IPC channel; in a container the nodes find it by service name.
 */
import { EXIT_ERROR, EXIT_USAGE, RunSecret, SECRET_ENV, SECRET_FILE_ENV, componentLog, createLogger, formatCliError, formatDuration, formatUsage, OPEN_DURATION_MS, parseCli, randomSeed } from '@agentnet/protocol';
import { COORDINATOR_ENV, COORDINATOR_FLAGS, COORDINATOR_HELP, CoordinatorCli, networkModel, rerunCommand, scenarioModelKeys } from './plan/cli-options.js';
import { Coordinator } from './coordinator.js';
import { formatReport } from './report/format-report.js';
import { expandTimeline, loadScenario, type ScenarioFile } from './faults/scenario.js';
import { TopologyError, nodeIds } from './topology/topology.js';
import { BehaviorError, behaviorParams, checkReach, runBehavior, runRouting, runTopology, settleFor, settleNotice, type RunTopology } from './plan/run-plan.js';
import { nemesisSteps } from './faults/nemesis.js';
import { createRunDir, linkLatest, writeEvents, writeGraphSvg, writeHistory, writeMessages, writeReport } from './plan/run-dir.js';
import { writeExports } from './report/exports/write-exports.js';
import { runFileNames, writeReportHtml } from './report/html/write-report-html.js';
import { DASHBOARD_PATH, Dashboard } from './dashboard/dashboard.js';
import { startProgress, type Progress } from './progress/progress-ticker.js';
import { runOutput } from './stdout-pipe.js';
import { RunGuard } from './security/run-guard.js';
import { RunIdentity } from './security/run-identity.js';

const command = 'node --import tsx packages/coordinator/src/main.ts';
const usage = formatUsage(`${command} [options]`, 'Runs the agentnet coordinator: waits for --nodes nodes to register, runs, reports.', COORDINATOR_HELP);

const cli = parseCli(process.argv.slice(2), COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, process.env);
if (!cli.ok) {
  process.stderr.write(formatCliError(cli.error, command));
  process.exit(EXIT_USAGE);
}
if (cli.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const flags = cli.value;
// The run secret comes in the environment (the launcher's, an env file) or a 0600 file, never argv.
let secret: RunSecret | undefined;
try {
  secret = RunSecret.fromEnv(process.env);
  if (flags.security === 'on' && secret === undefined) throw new Error(`--security on needs the run secret in ${SECRET_ENV} or ${SECRET_FILE_ENV} (npm run cluster makes a fresh one for every run)`);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(EXIT_USAGE);
}
delete process.env[SECRET_ENV];
delete process.env[SECRET_FILE_ENV];
const guard = new RunGuard(flags.security === 'on' ? secret : undefined);
let scenario: ScenarioFile | undefined;
try {
  // `--byzantine` starts faults the scenario's steps may heal by name.
  scenario = flags.scenario === undefined ? undefined : loadScenario(flags.scenario, nodeIds(flags.nodes), flags.byzantine.map((b) => `byzantine ${b.node}`));
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(EXIT_USAGE);
}
const seed = flags.seed ?? randomSeed();
// Repeating faults are planned up to the run's end: an open-ended run has none to plan to.
if (flags.duration === OPEN_DURATION_MS && (flags.nemesis || scenario?.timeline.some((s) => s.every !== undefined && s.until === undefined))) {
  process.stderr.write(`error: --duration open cannot plan ${flags.nemesis ? '--nemesis' : 'a step repeating (every) without until'} up to the end of the run; give a --duration, or the step an until\n`);
  process.exit(EXIT_USAGE);
}
if (scenario) scenario = { ...scenario, timeline: expandTimeline(scenario.timeline, flags.duration) };
if (flags.nemesis) {
  const steps = nemesisSteps(flags.nemesis, flags['nemesis-interval'], flags.duration, nodeIds(flags.nodes), seed);
  scenario = { ...(scenario ?? {}), timeline: [...(scenario?.timeline ?? []), ...steps] };
}
if (flags.byzantine.length > 0) {
  const strangers = flags.byzantine.filter((b) => !nodeIds(flags.nodes).includes(b.node));
  if (strangers.length > 0) {
    process.stderr.write(`error: --byzantine names a node this run does not have (it has n0..n${flags.nodes - 1}): ${strangers.map((b) => b.node).join(', ')}\n`);
    process.exit(EXIT_USAGE);
  }
  // From the start of traffic, as the scenario's own steps: in faults[], healable, ended by the settle's reset.
  const steps = flags.byzantine.map((b) => ({ at: 0, byzantine: b }));
  scenario = { ...(scenario ?? {}), timeline: [...steps, ...(scenario?.timeline ?? [])] };
}
// The log holds its lines until the run directory exists, which is only once the run is accepted.
const { log: root, sink } = createLogger({ role: 'coordinator', level: flags['log-level'], pretty: flags.pretty, base: { node: 'coordinator' } });
const log = componentLog(root, 'main');
// A crash is no verdict: it is logged and exits 255 rather than Node's 1, which means invalid here.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    log.fatal({ err }, 'crash');
    sink.flushSync();
    // A progress line may be on the terminal: erased first (harmless when there is none).
    if (process.stdout.isTTY) process.stdout.write('\r\u001b[2K');
    process.stderr.write(`error: the coordinator crashed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(EXIT_ERROR);
  });
}

// With --json, stdout carries report.json only; everything for people goes to stderr.
const stdout = runOutput(process.stdout, 'stdout', log);
// stderr gets its listener whatever --json says: `2>&1 | head -1` closes it too.
const stderr = runOutput(process.stderr, 'stderr', log);
const forPeople = flags.json ? stderr : stdout;
/** The progress line, on a terminal: what is said goes above it. */
let progress: Progress | undefined;
const say = (text: string) => (progress ? progress.say(text) : void forPeople.write(text));

let plan: RunTopology;
try {
  plan = runTopology(flags, scenario, nodeIds(flags.nodes), seed, networkModel(flags, scenario, cli.given));
} catch (err) {
  if (!(err instanceof TopologyError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(EXIT_USAGE);
}
const ids = nodeIds(flags.nodes);
const strangers = flags.link.filter((l) => !ids.includes(l.src) || !ids.includes(l.dest));
if (strangers.length > 0) {
  process.stderr.write(`error: --link names a node this run does not have (it has ${ids[0]}..${ids.at(-1)}): ${strangers.map((l) => `${l.src}>${l.dest}`).join(', ')}\n`);
  process.exit(EXIT_USAGE);
}
const routing = runRouting(flags, scenario, cli.given);
let chosen: ReturnType<typeof runBehavior>;
try {
  chosen = runBehavior(flags, process.cwd());
  checkReach(chosen.kind, plan.graph, plan.name, routing);
} catch (err) {
  if (!(err instanceof BehaviorError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(EXIT_USAGE);
}
const { params, derived } = behaviorParams(chosen.kind, chosen.checker, flags.param, plan.network);
const behavior = { ...chosen, params };
const settle = settleFor(chosen.checker, params, flags.settle, cli.given.has('settle'));
const rerun = rerunCommand(flags, seed, new Set(scenarioModelKeys(scenario, cli.given)), cli.given);
// Only a run that passed every check above gets a directory: a refused one leaves nothing behind.
let run: ReturnType<typeof createRunDir>;
try {
  run = createRunDir({ out: flags.out, runsDir: flags['runs-dir'] });
  sink.open(`${run.path}/coordinator.log`);
} catch (err) {
  process.stderr.write(`error: cannot make the run directory: ${(err as Error).message}\n`);
  process.exit(EXIT_USAGE);
}
// With the run secret every link is TLS, under the run's own certificate authority, made now for this run.
if (guard.on) guard.identity = await RunIdentity.create(run.id);
// Started by the launcher: it starts the processes of restarted nodes.
const spawnNode = process.send ? (id: string) => process.send?.({ type: 'spawn_node', node_id: id, ...guard.ticketFor(id) }) : undefined;
guard.launcher = spawnNode !== undefined;
// It is told which node processes the run kills on purpose, so it reports only the others' ends.
const killing = process.send ? (pid: number) => process.send?.({ type: 'killing', pid }) : undefined;
const dashboard = new Dashboard(flags.dashboard);
const coordinator = new Coordinator({ flags: { ...flags, settle }, seed, host: flags.host, port: flags.port, run, log: root, rerun, guard, scenario, network: plan.network, spawnNode, killing, topology: plan, routing, behavior, dashboard });
let url: string;
try {
  url = await coordinator.listen();
} catch (err) {
  log.fatal({ err, host: flags.host, port: flags.port }, 'listen_failed');
  sink.flushSync();
  // The run directory exists by now, with this failure in its log: say where, so it is not litter nobody explains.
  process.stderr.write(`error: cannot listen on ${flags.host}:${flags.port}: ${(err as Error).message} (log: ${run.path}/coordinator.log)\n`);
  process.exit(EXIT_ERROR);
}
const apiUrl = coordinator.apiUrl;
say(`agentnet run ${run.id}: seed ${seed}, ${flags.nodes} nodes, ${formatDuration(flags.duration)}, coordinator ${url}, control API ${apiUrl}\n`);
// With --dashboard the token rides in the fragment (the browser never sends it; the page sends it as a header); else it stays in control.json.
const tokenPart = guard.on ? (flags.dashboard ? `#token=${guard.apiToken() ?? ''}` : ' (add #token=<token from control.json>)') : '';
say(`dashboard: ${apiUrl}${DASHBOARD_PATH}${tokenPart}\n`);
// Not with --pretty: its log lines share the terminal, and would run into the line.
if (process.stdout.isTTY && !flags.json && !flags.quiet && !flags.pretty) progress = startProgress({ stream: process.stdout, state: coordinator.state, expected: flags.nodes, durationMs: flags.duration });
if (derived !== null) {
  say(`${derived}\n`);
  log.info({ params }, 'behavior_params');
}
if (settle !== flags.settle) log.info({ settle_ms: settle }, 'settle_for_timing');
const notice = settleNotice(settle, flags.settle, (scenario?.timeline.length ?? 0) > 0, flags.workload !== undefined);
if (notice !== null) say(`${notice}\n`);
const authority = guard.identity ? { authority: guard.identity.authorityCertificate } : {};
process.send?.({ type: 'listening', url, api_url: apiUrl, run_id: run.id, run_dir: run.path, seed, ...authority });
// runs/latest names the run from its start, so `npm run ctl` finds the one that is running.
if (flags.out === undefined) linkLatest(run);

const interrupt = new AbortController();
/** The run has ended and only the dashboard is being served: an interrupt then just closes it. */
let ended = false;
// Started by the launcher: if it goes away, nobody is left to stop this run, so stop it now.
process.once('disconnect', () => {
  if (interrupt.signal.aborted) return;
  log.warn({}, 'launcher_lost');
  interrupt.abort();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) {
      log.warn({ signal }, 'forced_exit');
      sink.flushSync();
      process.exit(130);
    }
    log.warn({ signal }, 'interrupt');
    say(ended ? `\n${signal}: closing the dashboard\n` : `\n${signal}: stopping the nodes and writing a partial report (again to force)\n`);
    interrupt.abort();
  });
}

const outcome = await coordinator.run(interrupt.signal);
progress?.stop();
progress = undefined;
if (outcome.report && outcome.lines) {
  await writeMessages(run, outcome.lines);
  if (outcome.graphSvg) writeGraphSvg(run, outcome.graphSvg);
  if (outcome.events && outcome.events.length > 0) writeEvents(run, outcome.events);
  if (outcome.history) await writeHistory(run, outcome.history);
  await writeReport(run, outcome.report);
  // A pipe takes large writes asynchronously: wait for them, or process.exit cuts the report short.
  const text = flags.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : formatReport(outcome.report);
  await stdout.write(text);
  // After the report is out: the exports of a long run take seconds, and failing them (a full disk) fails nothing else.
  await writeExports(run.path, outcome.lines, outcome.report).catch((err: unknown) => {
    log.error({ err }, 'exports_failed');
    process.stderr.write(`warning: cannot write shiviz.log and trace.json: ${(err as Error).message}\n`);
  });
  const page = { report: outcome.report, lines: outcome.lines, events: outcome.events ?? [], history: outcome.history ?? [], files: runFileNames(outcome) };
  const written = await writeReportHtml(run.path, page).catch((err: unknown) => {
    log.error({ err }, 'report_html_failed');
    process.stderr.write(`warning: cannot write report.html: ${(err as Error).message}\n`);
  });
  const keepOpen = written !== undefined && flags.dashboard && !interrupt.signal.aborted;
  if (written) dashboard.finished(written, outcome.report, keepOpen);
  if (keepOpen) {
    ended = true;
    say(`dashboard: serving the final report at ${apiUrl}${DASHBOARD_PATH} until the page closes it or Ctrl-C\n`);
    await dashboard.waitForClose(interrupt.signal);
  } else await dashboard.handOver();
}
if (outcome.error) process.stderr.write(`error: ${outcome.error}\n`);
await coordinator.close();
log.info({ exit_code: outcome.exitCode }, 'exit');
await sink.drain();
process.exit(outcome.exitCode);
