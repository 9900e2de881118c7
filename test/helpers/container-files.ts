/**
 * Reading Dockerfile, .dockerignore and docker-compose.yml the way Docker would, for the compose
 * test: instructions, build-context exclusions, services, commands, environments and mounts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { parseCli } from '@agentnet/protocol';
import { NODE_ENV, NODE_FLAGS, NodeCli } from '@agentnet/node';
import { COORDINATOR_ENV, COORDINATOR_FLAGS, CoordinatorCli } from '@agentnet/coordinator';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
export const NODE_REPLICAS = 5;
/** Addresses that mean "every interface": a node bound to one advertises its hostname instead. */
export const WILDCARDS = new Set(['0.0.0.0', '::', '']);

// ---------------------------------------------------------------------------------------------
// Reading the files

export type Service = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function loadCompose(text: string): Record<string, Service> {
  const doc: unknown = parse(text);
  if (!isRecord(doc) || !isRecord(doc.services)) throw new Error('the compose file has no services');
  const services: Record<string, Service> = {};
  for (const [name, service] of Object.entries(doc.services)) {
    if (!isRecord(service)) throw new Error(`service ${name} is not a mapping`);
    services[name] = service;
  }
  return services;
}

export function service(services: Record<string, Service>, name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
}

/** `command:` as an argument list (exec form, or a plain string split on whitespace). */
export function commandOf(svc: Service): string[] {
  const command = svc.command;
  if (typeof command === 'string') return command.trim().split(/\s+/);
  if (Array.isArray(command)) return command.map(String);
  throw new Error('the service has no command');
}

/** `environment:` as a map (it may be written as a map or as a KEY=VALUE list). */
export function environmentOf(svc: Service): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = svc.environment;
  if (Array.isArray(raw)) {
    for (const item of raw.map(String)) {
      const eq = item.indexOf('=');
      // A bare KEY takes its value from the host running compose: not part of this file.
      if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    }
  } else if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) if (value !== null && value !== undefined) env[key] = String(value);
  }
  return env;
}

export interface Mount {
  source: string;
  target: string;
}

/** Bind mounts, from the short (`src:target[:mode]`) or long (`{type: bind, ...}`) syntax. */
export function bindMountsOf(svc: Service): Mount[] {
  const volumes = Array.isArray(svc.volumes) ? svc.volumes : [];
  const mounts: Mount[] = [];
  for (const volume of volumes) {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      if (source !== undefined && target !== undefined && (source.startsWith('.') || source.startsWith('/'))) mounts.push({ source, target });
    } else if (isRecord(volume) && volume.type === 'bind' && typeof volume.source === 'string' && typeof volume.target === 'string') {
      mounts.push({ source: volume.source, target: volume.target });
    }
  }
  return mounts;
}

export function dependsOn(svc: Service): string[] {
  const deps = svc.depends_on;
  if (Array.isArray(deps)) return deps.map(String);
  if (isRecord(deps)) return Object.keys(deps);
  return [];
}

export function replicasOf(svc: Service): number | undefined {
  const deploy = isRecord(svc.deploy) ? svc.deploy : {};
  const replicas = deploy.replicas ?? svc.scale;
  return replicas === undefined ? undefined : Number(replicas);
}

export interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, with comments dropped and `\` continuations joined. */
export function loadDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) instructions.push({ op: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' });
  }
  return instructions;
}

/** The words of an instruction: its JSON (exec) form, or whitespace-separated with --flags dropped. */
export function wordsOf(ins: Instruction): string[] {
  if (ins.args.startsWith('[')) return (JSON.parse(ins.args) as unknown[]).map(String);
  return ins.args.split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'));
}

// ---------------------------------------------------------------------------------------------
// What the image holds

export const dockerfile = loadDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
export const dockerignore = existsSync(join(ROOT, '.dockerignore'))
  ? readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
  : [];
export const workdirs = dockerfile.filter((i) => i.op === 'WORKDIR').map((i) => i.args.trim());
export const WORKDIR = workdirs.reduce((dir, next) => posix.resolve(dir, next), '/');

/** The .dockerignore line that leaves `repoPath` out of the build context, if any (literal patterns only). */
export function ignored(repoPath: string): string | undefined {
  const parts = repoPath.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  return dockerignore.find((pattern) => prefixes.includes(pattern.replace(/^\/+|\/+$/g, '')));
}

export function isRepoDir(repoPath: string): boolean {
  const full = join(ROOT, repoPath);
  return existsSync(full) && statSync(full).isDirectory();
}

/**
 * The repository file that ends up at `containerPath` through the COPY lines of `instructions`
 * (sources are repository paths; destinations are resolved against the WORKDIR of the time).
 */
export function repoPathOf(containerPath: string, instructions: Instruction[] = dockerfile): string | undefined {
  let cwd = '/';
  let found: string | undefined;
  for (const ins of instructions) {
    if (ins.op === 'WORKDIR') cwd = posix.resolve(cwd, ins.args.trim());
    if (ins.op !== 'COPY') continue;
    const words = wordsOf(ins);
    const dest = words.at(-1) ?? '';
    const sources = words.slice(0, -1);
    const destPath = posix.resolve(cwd, dest);
    for (const src of sources) {
      const srcPath = posix.normalize(src).replace(/\/+$/, '');
      if (isRepoDir(srcPath)) {
        // A directory's contents land in the destination directory.
        if (containerPath.startsWith(`${destPath}/`)) found = posix.join(srcPath, containerPath.slice(destPath.length + 1));
      } else {
        const target = dest.endsWith('/') || sources.length > 1 ? posix.join(destPath, posix.basename(srcPath)) : destPath;
        if (containerPath === target) found = srcPath;
      }
    }
  }
  return found;
}

/**
 * Splits `node --import tsx <entry> ...args` and checks that the image holds the entry file:
 * returns the entry as a repository path and the arguments meant for the entry point.
 */
export function entryOf(command: string[], workdir: string): { entry: string; args: string[] } {
  expect(command.slice(0, 3), `command ${command.join(' ')}`).toEqual(['node', '--import', 'tsx']);
  expect(command.join(' ')).not.toMatch(/\bnpx\b/);
  const containerPath = posix.resolve(workdir, command[3] ?? '');
  const entry = repoPathOf(containerPath);
  expect(entry, `no COPY line in the Dockerfile puts a file at ${containerPath}`).toBeDefined();
  const repoPath = entry ?? '';
  expect(existsSync(join(ROOT, repoPath)), `${repoPath} does not exist in the repository`).toBe(true);
  expect(ignored(repoPath), `.dockerignore leaves ${repoPath} out of the build context`).toBeUndefined();
  return { entry: repoPath, args: command.slice(4) };
}

export function parsed<T>(result: { ok: true; value: T; help: boolean } | { ok: false; error: string }, what: string): T {
  if (!result.ok) throw new Error(`${what} is refused by its entry point's flag parser: ${result.error}`);
  expect(result.help, `${what} only asks for --help`).toBe(false);
  return result.value;
}

// ---------------------------------------------------------------------------------------------
// The checks

export const composeText = readFileSync(COMPOSE_FILE, 'utf8');
export const services = loadCompose(composeText);

export function coordinatorConfig() {
  const svc = service(services, 'coordinator');
  const workdir = typeof svc.working_dir === 'string' ? svc.working_dir : WORKDIR;
  const { entry, args } = entryOf(commandOf(svc), workdir);
  const flags = parsed(parseCli(args, COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, environmentOf(svc)), 'the coordinator command');
  return { svc, workdir, entry, flags };
}

export function nodeConfig() {
  const svc = service(services, 'node');
  const workdir = typeof svc.working_dir === 'string' ? svc.working_dir : WORKDIR;
  const { entry, args } = entryOf(commandOf(svc), workdir);
  const flags = parsed(parseCli(args, NODE_FLAGS, NodeCli, NODE_ENV, environmentOf(svc)), 'the node command');
  return { svc, workdir, entry, flags };
}

