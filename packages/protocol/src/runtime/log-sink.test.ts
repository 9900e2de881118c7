import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createLogger } from './log-sink.js';

function logFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-log-sink-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'n0.log');
}

describe('the log sink', () => {
  it('drains every line in order, the last one last, however many writes are still on their way', async () => {
    for (let round = 0; round < 5; round++) {
      const path = logFile();
      const { log, sink } = createLogger({ role: 'node', level: 'info', pretty: false });
      sink.open(path);
      // Enough lines that the file has writes of ours in hand when drain() is called.
      for (let i = 0; i < 20_000; i++) log.info({ i, pad: 'x'.repeat(100) }, 'recv');
      log.info({}, 'stop');
      log.info({}, 'exit');
      await sink.drain();
      log.info({}, 'after');
      const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; i?: number });
      expect(lines.map((l) => l.msg).slice(-3)).toEqual(['stop', 'exit', 'after']);
      expect(lines).toHaveLength(20_003);
      expect(lines.slice(0, 20_000).every((l, i) => l.i === i)).toBe(true);
    }
  });

  it('holds the lines logged before the file is known and writes them first, stamped', async () => {
    const path = logFile();
    const { log, sink } = createLogger({ role: 'node', level: 'info', pretty: false });
    log.info({}, 'listening');
    sink.open(path, { node: 'n0' });
    log.info({}, 'register');
    await sink.drain();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; node?: string });
    expect(lines.map((l) => [l.msg, l.node])).toEqual([
      ['listening', 'n0'],
      ['register', undefined],
    ]);
  });
});
