import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageClosedError, StorageFileError, openNodeStorage } from './node-storage.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentnet-storage-'));
  path = join(dir, 'n1.storage.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('node storage', () => {
  it('gives a later process what an earlier one stored: values, appends and truncations', () => {
    const first = openNodeStorage(path, true);
    first.set('term', { term: 3, voted_for: 'n2' });
    const log = first.list('log');
    log.append({ i: 1 }, { i: 2 }, { i: 3 });
    log.truncate(1);
    log.append({ i: 4 });
    first.set('term', { term: 4, voted_for: null });
    // No close: a SIGKILL gives the process no chance to.
    const second = openNodeStorage(path, false);
    expect(second.get('term')).toEqual({ term: 4, voted_for: null });
    expect(second.list('log').items()).toEqual([{ i: 1 }, { i: 4 }]);
    expect(second.list('log').at(1)).toEqual({ i: 4 });
    expect(second.get('missing')).toBeUndefined();
    first.close();
    second.close();
  });

  it("starts a node's first process empty, whatever the file holds", () => {
    const earlier = openNodeStorage(path, true);
    earlier.set('k', 1);
    earlier.close();
    const first = openNodeStorage(path, true);
    expect(first.get('k')).toBeUndefined();
    expect(first.list('log').length).toBe(0);
    first.close();
  });

  it('compacts the file when a new process opens it', () => {
    const s = openNodeStorage(path, true);
    for (let term = 1; term <= 100; term++) s.set('term', term);
    s.list('log').append(...Array.from({ length: 50 }, (_, i) => i));
    s.list('log').truncate(10);
    s.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(102);
    const again = openNodeStorage(path, false);
    again.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { op: 'set', key: 'term', value: 100 },
      { op: 'append', list: 'log', items: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    ]);
  });

  it('ignores a last line a kill cut short, and names a corrupt line', () => {
    const s = openNodeStorage(path, true);
    s.set('term', 7);
    s.close();
    appendFileSync(path, '{"op":"set","key":"term","val');
    const after = openNodeStorage(path, false);
    expect(after.get('term')).toBe(7);
    after.close();
    writeFileSync(path, '{"op":"set","key":"a","value":1}\n{"op":"drop"}\n');
    expect(() => openNodeStorage(path, false)).toThrow(StorageFileError);
    expect(() => openNodeStorage(path, false)).toThrow(/line 2/);
  });

  it('refuses writes once closed', () => {
    const s = openNodeStorage(path, true);
    s.close();
    expect(() => s.set('k', 1)).toThrow(StorageClosedError);
    expect(() => s.list('log').append(1)).toThrow(StorageClosedError);
  });
});
