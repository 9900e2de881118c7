/**
 * Checks Dockerfile and docker-compose.yml against the code, with no Docker engine and no network:
 * every service's command names an entry file the image contains, its flags and environment pass
 * the entry point's real flag parser, the nodes can reach the coordinator by service name, and
 * both services mount ./runs where the coordinator writes its runs. When a Compose CLI is on this
 * machine and works without an engine, `compose config` must accept the file too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '@agentnet/protocol';
import { COORDINATOR_ENV, COORDINATOR_FLAGS, CoordinatorCli } from '@agentnet/coordinator';
import { ROOT, COMPOSE_FILE, NODE_REPLICAS, WILDCARDS, type Service, isRecord, loadCompose, service, commandOf, environmentOf, bindMountsOf, dependsOn, replicasOf, wordsOf, dockerfile, dockerignore, WORKDIR, ignored, isRepoDir, repoPathOf, entryOf, parsed, services, coordinatorConfig, nodeConfig } from './helpers/container-files.js';

describe('Dockerfile', () => {
  it('builds on an official Node image, at least the Node version package.json asks for', () => {
    const from = dockerfile.find((i) => i.op === 'FROM');
    expect(from, 'no FROM line').toBeDefined();
    const image = wordsOf(from ?? { op: 'FROM', args: '' })[0] ?? '';
    // Official images: `node:TAG`, optionally spelled docker.io/library/node, optionally pinned.
    const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:\.\d+)*(?:-[a-z0-9.-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
    expect(match, `FROM ${image} is not an official node image`).not.toBeNull();
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '';
    const minimum = Number(/(\d+)/.exec(engines)?.[1] ?? 0);
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(minimum);
  });

  it('installs from the lockfile with the dev dependencies (tsx) before copying the sources', () => {
    const npmCi = dockerfile.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(npmCi, 'no RUN npm ci').toBeGreaterThan(-1);
    const install = dockerfile[npmCi]?.args ?? '';
    expect(install).not.toMatch(/--omit[= ]dev|--production|--only[= ]prod/);
    const env = dockerfile.filter((i) => i.op === 'ENV' || i.op === 'ARG').map((i) => i.args);
    expect(env.join('\n')).not.toMatch(/NODE_ENV[= ]+"?production/);
    expect(dockerfile.map((i) => i.args).join('\n')).not.toMatch(/\bnpx\b/);

    // package.json, the lockfile and every workspace's package.json are in place for npm ci ...
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces?: string[]; devDependencies?: Record<string, string> };
    expect(root.devDependencies?.tsx, 'tsx runs the sources in the image').toBeDefined();
    const cwdAtInstall = dockerfile.slice(0, npmCi).filter((i) => i.op === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args.trim()), '/');
    const before = dockerfile.slice(0, npmCi);
    const copiedBefore = (repoPath: string) => repoPathOf(posix.join(cwdAtInstall, repoPath), before) === repoPath;
    const manifests = ['package.json', 'package-lock.json', ...(root.workspaces ?? []).map((w) => `${w}/package.json`)];
    for (const manifest of manifests) {
      expect(copiedBefore(manifest), `${manifest} is not copied before npm ci`).toBe(true);
      expect(ignored(manifest), `.dockerignore leaves ${manifest} out`).toBeUndefined();
    }
    // ... and the sources only after it, so a source change does not reinstall everything.
    const dirsBefore = before.filter((i) => i.op === 'COPY').flatMap((i) => wordsOf(i).slice(0, -1)).filter((src) => isRepoDir(posix.normalize(src).replace(/\/+$/, '') || '.'));
    expect(dirsBefore, 'directories copied before npm ci').toEqual([]);
  });

  it('keeps node_modules, runs and .git out of the build context', () => {
    const entries = dockerignore.map((l) => l.replace(/^\*\*\//, '').replace(/^\/+|\/+$/g, ''));
    for (const must of ['node_modules', 'runs', '.git']) expect(entries, `.dockerignore should list ${must}`).toContain(must);
  });

  it('its default command runs an entry point the image holds', () => {
    const cmd = dockerfile.filter((i) => i.op === 'CMD').at(-1);
    expect(cmd, 'no CMD').toBeDefined();
    const { entry, args } = entryOf(wordsOf(cmd ?? { op: 'CMD', args: '[]' }), WORKDIR);
    expect(['packages/coordinator/src/main.ts', 'packages/node/src/main.ts']).toContain(entry);
    if (entry === 'packages/coordinator/src/main.ts') parsed(parseCli(args, COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, {}), 'the CMD');
  });
});

describe('docker-compose.yml', () => {
  it('has a coordinator and a node service with 5 replicas, matching the coordinator --nodes', () => {
    expect(Object.keys(services).sort()).toEqual(['coordinator', 'node']);
    const { flags } = coordinatorConfig();
    const node = service(services, 'node');
    expect(replicasOf(node)).toBe(NODE_REPLICAS);
    expect(flags.nodes).toBe(NODE_REPLICAS);
  });

  it('runs the coordinator entry point with flags and environment its parser accepts, on all interfaces and a fixed port', () => {
    const { entry, flags } = coordinatorConfig();
    expect(entry).toBe('packages/coordinator/src/main.ts');
    expect(WILDCARDS.has(flags.host), `the coordinator binds ${flags.host}: other containers cannot reach it`).toBe(true);
    expect(flags.port, 'a port of 0 would be unknown to the nodes').toBeGreaterThan(0);
    // A file run writes a fresh runs/<run-id> and updates runs/latest.
    expect(flags.out).toBeUndefined();
  });

  it('runs the node entry point with flags and environment its parser accepts, dialing the coordinator by service name', () => {
    const { entry, flags } = nodeConfig();
    const coordinator = coordinatorConfig().flags;
    expect(entry).toBe('packages/node/src/main.ts');
    const url = new URL(flags.coordinator);
    expect(url.protocol).toBe('ws:');
    expect(url.hostname, 'COORDINATOR_URL must name the coordinator service').toBe('coordinator');
    expect(Number(url.port), "COORDINATOR_URL's port must be the coordinator's --port/PORT").toBe(coordinator.port);
  });

  it('lets every node replica bind its own container address and advertise a name the others resolve', () => {
    const { svc, flags } = nodeConfig();
    expect(WILDCARDS.has(flags.host), `nodes bind ${flags.host}: peers in other containers cannot reach it`).toBe(true);
    expect(flags.port, 'a fixed port (each replica has its own IP)').toBeGreaterThan(0);
    // Unset, the node advertises os.hostname(): each replica's container id, resolvable on the
    // compose network. Set, it must not be a loopback or wildcard address.
    const advertise = flags['advertise-host'];
    if (advertise !== undefined) expect(advertise).not.toMatch(/^(127\.|localhost$|::1$|0\.0\.0\.0$|::$)/);
    // Anything fixed per service would be the same for all 5 replicas.
    expect(svc.hostname, 'one hostname for every replica would advertise the same address').toBeUndefined();
    expect(svc.container_name, 'a container_name cannot be shared by replicas').toBeUndefined();
    const ports = Array.isArray(svc.ports) ? svc.ports.map(String) : [];
    expect(ports.filter((p) => p.includes(':')), 'a fixed host port cannot be shared by replicas').toEqual([]);
    expect(dependsOn(svc)).toContain('coordinator');
  });

  it('mounts ./runs for both services at the path the coordinator writes its runs to', () => {
    const coordinator = coordinatorConfig();
    const node = nodeConfig();
    const runsRoot = posix.resolve(coordinator.workdir, coordinator.flags['runs-dir']);
    const runsMount = (svc: Service) => bindMountsOf(svc).find((m) => resolve(ROOT, m.source) === resolve(ROOT, 'runs'));
    const cm = runsMount(coordinator.svc);
    const nm = runsMount(node.svc);
    expect(cm, 'the coordinator does not mount ./runs').toBeDefined();
    expect(nm, 'the nodes do not mount ./runs').toBeDefined();
    expect(cm?.target).toBe(runsRoot);
    // The coordinator sends each node the absolute run directory; the node writes n<i>.log there.
    expect(nm?.target).toBe(runsRoot);
    expect(node.flags['log-dir']).toBeUndefined();
    // And the Dockerfile's WORKDIR is where that path lives.
    expect(runsRoot.startsWith(`${WORKDIR}/`), `runs at ${runsRoot} are outside WORKDIR ${WORKDIR}`).toBe(true);
  });

  it('ends when the run ends: nothing restarts the containers', () => {
    for (const name of ['coordinator', 'node']) {
      const svc = service(services, name);
      expect([undefined, 'no'], `${name} restart`).toContain(svc.restart);
      const deploy = isRecord(svc.deploy) ? svc.deploy : {};
      const policy = isRecord(deploy.restart_policy) ? deploy.restart_policy : {};
      expect([undefined, 'none'], `${name} deploy.restart_policy`).toContain(policy.condition);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The Compose CLI itself, where it can run here

interface ComposeCli {
  cmd: string;
  prefix: string[];
}

function run(cli: ComposeCli, args: string[], cwd: string) {
  return spawnSync(cli.cmd, [...cli.prefix, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
}

/** A Compose CLI that can run `config` on this machine, or why there is none. */
function findCompose(): { cli: ComposeCli } | { reason: string } {
  const reasons: string[] = [];
  for (const cli of [
    { cmd: 'docker', prefix: ['compose'] },
    { cmd: 'docker-compose', prefix: [] },
  ]) {
    const name = [cli.cmd, ...cli.prefix].join(' ');
    const version = run(cli, ['version'], ROOT);
    if (version.error || version.status !== 0) {
      const why = version.error?.message ?? (version.stderr || version.stdout).trim().split('\n')[0];
      reasons.push(`${name}: ${why}`);
      continue;
    }
    // Whether `config` works here without an engine, on a file that is surely valid.
    const dir = mkdtempSync(join(tmpdir(), 'agentnet-compose-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  probe:\n    image: busybox\n');
      const probe = run(cli, ['-f', join(dir, 'docker-compose.yml'), 'config', '-q'], dir);
      if (probe.status === 0) return { cli };
      reasons.push(`${name} config fails here even on a minimal file: ${(probe.stderr || probe.stdout || String(probe.error)).trim().split('\n')[0]}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { reason: reasons.join('; ') };
}

const compose = findCompose();
const composeSkip = 'reason' in compose ? ` (skipped: no usable Compose CLI: ${compose.reason})` : '';

describe('Compose CLI', () => {
  it.skipIf('reason' in compose)(`\`compose config\` accepts docker-compose.yml and reads it as this test does${composeSkip}`, () => {
    if (!('cli' in compose)) return;
    const result = run(compose.cli, ['-f', COMPOSE_FILE, 'config'], ROOT);
    expect(result.status, result.stderr).toBe(0);
    const normalized = loadCompose(result.stdout);
    for (const name of ['coordinator', 'node']) {
      const svc = service(normalized, name);
      expect(commandOf(svc)).toEqual(commandOf(service(services, name)));
      expect(environmentOf(svc)).toEqual(environmentOf(service(services, name)));
      const mounts = bindMountsOf(svc).map((m) => ({ source: resolve(ROOT, m.source), target: m.target }));
      expect(mounts).toContainEqual({ source: resolve(ROOT, 'runs'), target: posix.resolve(WORKDIR, coordinatorConfig().flags['runs-dir']) });
    }
    expect(replicasOf(service(normalized, 'node'))).toBe(NODE_REPLICAS);
  });
});
