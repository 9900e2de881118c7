/** Which files a behaviour module may be, and which loader a node uses for each. */
import { describe, expect, it } from 'vitest';
import { behaviorModuleLoader } from './behavior-modules.js';

describe('behaviorModuleLoader', () => {
  it('sends TypeScript through tsx and JavaScript to Node, by the last extension', () => {
    for (const path of ['/home/me/algo/pp.ts', 'pp.mts', './x.cts', '/a.b/c.d.ts']) expect(behaviorModuleLoader(path), path).toBe('tsx');
    for (const path of ['/home/me/algo/pp.js', 'pp.mjs', './x.cjs']) expect(behaviorModuleLoader(path), path).toBe('node');
  });

  it('knows no other file, nor a path without an extension', () => {
    for (const path of ['notes.txt', 'pp.d', './examples', '/a.ts/b', 'pp.ts.bak', 'constructor', 'x.constructor', 'x.toString']) {
      expect(behaviorModuleLoader(path), path).toBeNull();
    }
  });
});
