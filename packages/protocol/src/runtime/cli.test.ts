import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LogLevelText, PortText, flagEnv, flagHelp, flagSchema, flagSpec, formatUsage, parseCli, type FlagTable } from './cli.js';
import { DurationText, intText } from './specs.js';

const TABLE = {
  nodes: { schema: intText('nodes', 2, 100).prefault('5'), short: 'n', arg: 'N', help: 'node processes' },
  duration: { schema: DurationText.prefault('10s'), arg: 'T', help: 'how long' },
  host: { schema: z.string().default('127.0.0.1'), arg: 'ADDR', env: 'HOST', help: 'bind address' },
  port: { schema: PortText.default(0), arg: 'N', env: 'PORT', help: 'bind port' },
  pretty: { schema: z.boolean().default(false), help: 'readable logs' },
  tag: { schema: z.array(z.string()).default([]), arg: 'T', multiple: true, help: 'repeatable' },
} satisfies FlagTable;

const FLAGS = flagSpec(TABLE);
const Schema = flagSchema(TABLE);
const ENV = flagEnv(TABLE);

function ok(argv: string[], environment: NodeJS.ProcessEnv = {}) {
  const res = parseCli(argv, FLAGS, Schema, ENV, environment);
  if (!res.ok) throw new Error(`expected success, got error: ${res.error}`);
  return res;
}

function error(argv: string[], environment: NodeJS.ProcessEnv = {}): string {
  const res = parseCli(argv, FLAGS, Schema, ENV, environment);
  if (res.ok) throw new Error(`expected an error, got ${JSON.stringify(res.value)}`);
  return res.error;
}

describe('parseCli', () => {
  it('applies the schema defaults when no flag is given', () => {
    expect(ok([])).toEqual({
      ok: true,
      help: false,
      given: new Set(),
      value: { nodes: 5, duration: 10_000, host: '127.0.0.1', port: 0, pretty: false, tag: [] },
    });
  });

  it('parses long, short and --flag=value forms', () => {
    expect(ok(['--nodes', '7', '--duration=2m', '--pretty']).value).toMatchObject({ nodes: 7, duration: 120_000, pretty: true });
    expect(ok(['-n', '3']).value.nodes).toBe(3);
  });

  it('rejects an unknown flag, naming it', () => {
    expect(error(['--nodez', '3'])).toContain('--nodez');
    expect(error(['-x'])).toContain('-x');
  });

  it('rejects positional arguments', () => {
    expect(error(['extra'])).toContain('extra');
  });

  it('rejects a string flag without a value', () => {
    expect(error(['--nodes'])).toContain('--nodes');
  });

  it('reports --help / -h without validating the other flags', () => {
    for (const argv of [['--help'], ['-h'], ['--nodes', 'zero', '--help']]) {
      const res = parseCli(argv, FLAGS, Schema, ENV, {});
      expect(res).toMatchObject({ ok: true, help: true });
    }
  });

  it('still rejects unknown flags next to --help', () => {
    expect(parseCli(['--help', '--bogus'], FLAGS, Schema).ok).toBe(false);
  });

  it('falls back to the environment for unset flags', () => {
    expect(ok([], { HOST: '0.0.0.0', PORT: '7000' }).value).toMatchObject({ host: '0.0.0.0', port: 7000 });
  });

  it('names the flags that were given, from argv or the environment, not the defaulted ones', () => {
    const res = parseCli(['--nodes', '3'], FLAGS, Schema, ENV, { PORT: '7000' });
    expect(res.ok && [...res.given].sort()).toEqual(['nodes', 'port']);
  });

  it('prefers the flag over the environment', () => {
    expect(ok(['--port', '9000'], { HOST: '0.0.0.0', PORT: '7000' }).value).toMatchObject({ host: '0.0.0.0', port: 9000 });
  });

  it('ignores empty environment variables', () => {
    expect(ok([], { HOST: '', PORT: '' }).value).toMatchObject({ host: '127.0.0.1', port: 0 });
  });

  it('reads only the variables named in the env table', () => {
    // NODES is not mapped, so it must not leak into --nodes.
    expect(ok([], { NODES: '50', nodes: '50' }).value.nodes).toBe(5);
    expect(parseCli([], FLAGS, Schema, {}, { HOST: '0.0.0.0' })).toMatchObject({ ok: true, value: { host: '127.0.0.1' } });
  });

  it('validates values from the environment too', () => {
    expect(error([], { PORT: '70000' })).toBe('port: port must be between 0 and 65535');
  });

  it('gives the zod message prefixed by the flag name', () => {
    expect(error(['--nodes', 'five'])).toBe('nodes: nodes must be a whole number');
    expect(error(['--nodes', '1'])).toBe('nodes: nodes must be between 2 and 100');
    expect(error(['--duration', '10'])).toBe('duration: duration "10" is not like 500ms, 10s or 2m');
    expect(error(['--port', 'http'])).toBe('port: port must be a whole number');
  });

  it('joins several bad flags into one message', () => {
    const message = error(['--nodes', '1', '--port', 'x']);
    expect(message.split('; ')).toEqual(['nodes: nodes must be between 2 and 100', 'port: port must be a whole number']);
  });
});

describe('LogLevelText / PortText', () => {
  it('accepts the pino levels only', () => {
    expect(LogLevelText.parse('debug')).toBe('debug');
    expect(LogLevelText.parse('silent')).toBe('silent');
    expect(LogLevelText.safeParse('verbose').success).toBe(false);
  });

  it('accepts ports 0..65535', () => {
    expect(PortText.parse('0')).toBe(0);
    expect(PortText.parse('65535')).toBe(65535);
    expect(PortText.safeParse('65536').success).toBe(false);
    expect(PortText.safeParse('-1').success).toBe(false);
  });
});

describe('formatUsage', () => {
  it('lists every flag aligned, plus --help', () => {
    const text = formatUsage('tool [options]', 'Does things.', [
      { flag: '-n, --nodes N', help: 'how many' },
      { flag: '--pretty', help: 'nicer' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Usage: tool [options]');
    expect(lines).toContain('Does things.');
    const options = lines.filter((l) => l.startsWith('  '));
    expect(options).toHaveLength(3);
    const helpStarts = options.map((l, i) => l.indexOf(['how many', 'nicer', 'show this help'][i]!));
    expect(new Set(helpStarts).size).toBe(1);
    // The help column starts two spaces after the longest flag.
    expect(helpStarts[0]).toBe(2 + '-n, --nodes N'.length + 2);
    expect(options[2]).toMatch(/^ {2}-h, --help +show this help$/);
  });
});

describe('a flag table', () => {
  it('gives the parser its options, the usage its lines and the environment its variables, in the table order', () => {
    expect(FLAGS).toEqual({
      nodes: { type: 'string', short: 'n' },
      duration: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      pretty: { type: 'boolean' },
      tag: { type: 'string', multiple: true },
    });
    expect(flagHelp(TABLE).map((h) => h.flag)).toEqual(['-n, --nodes N', '--duration T', '--host ADDR', '--port N', '--pretty', '--tag T']);
    expect(ENV).toEqual({ host: 'HOST', port: 'PORT' });
    expect(ok(['--tag', 'a', '--tag', 'b', '-n', '3']).value).toMatchObject({ tag: ['a', 'b'], nodes: 3, pretty: false });
  });
});
