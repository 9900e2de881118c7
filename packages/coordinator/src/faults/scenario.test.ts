/**
 * Scenario files: the examples in scenarios/ load; bad files fail with the line and path of the
 * problem; every partition preset cuts the links it should; the committed JSON Schema is current.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandTimeline, loadScenario, partitionOf, scenarioJsonSchema, scenarioLinks, ScenarioError } from './scenario.js';
import { nodeIds } from '../topology/topology.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const IDS = nodeIds(5);

function fileWith(text: string, ext = 'yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-scenario-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, `s.${ext}`);
  writeFileSync(path, text);
  return path;
}

function errorOf(text: string, ext = 'yaml'): string {
  try {
    loadScenario(fileWith(text, ext), IDS);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('the scenario loaded');
}

const cutsOf = (step: Parameters<typeof partitionOf>[0]) =>
  partitionOf(step, 'p', IDS)
    .cuts.map(([a, b]) => `${a}>${b}`)
    .sort();

describe('scenario files', () => {
  it.each(readdirSync(join(ROOT, 'scenarios')))('scenarios/%s loads', (name) => {
    // grid-routing.yaml is written for a 4x4 grid; the others name n0..n4.
    expect(loadScenario(join(ROOT, 'scenarios', name), nodeIds(16)).timeline.length).toBeGreaterThan(0);
  });

  it('reads the network model, link overrides in both forms, link steps, pause modes and restarts', () => {
    const s = loadScenario(
      fileWith(
        [
          'network: { delay: "constant:5", loss: 0.1, queue: 64k }',
          'links:',
          '  - "n0>n1 loss=1"',
          '  - { from: [n2], to: [n3, n4], both: true, delay: "uniform:1:2" }',
          'timeline:',
          '  - { at: 1s, link: { name: slow, from: [n0], to: [n1], delay: "constant:300" } }',
          '  - { at: 2s, pause: { node: n1, mode: drop } }',
          '  - { at: 3s, crash: n2 }',
          '  - { at: 4s, restart: n2 }',
        ].join('\n'),
      ),
      IDS,
    );
    expect(s.network).toEqual({ delay: { kind: 'constant', ms: 5 }, loss: { kind: 'bernoulli', p: 0.1 }, queue: 64_000 });
    expect(scenarioLinks(s).map((l) => `${l.src}>${l.dest}`)).toEqual(['n0>n1', 'n2>n3', 'n2>n4', 'n3>n2', 'n4>n2']);
    expect(s.timeline[0]?.link).toMatchObject({ name: 'slow', both: false, delay: { kind: 'constant', ms: 300 } });
    expect(s.timeline[1]?.pause).toEqual({ node: 'n1', mode: 'drop' });
    expect(s.timeline[3]?.restart).toBe('n2');
  });

  it('reads JSON too, with times as numbers of ms or text', () => {
    const s = loadScenario(fileWith('{"timeline":[{"at":500,"partition":{"preset":"halves"}},{"at":"2s","heal":true}]}', 'json'), IDS);
    expect(s.timeline.map((t) => t.at)).toEqual([500, 2000]);
  });

  it.each([
    ['timeline:\n  - at: 1s\n    partition: { groups: [[n0], [n9]] }\n', /:3 \(timeline\.0\.partition\): unknown node n9 \(this run has n0\.\.n4\)/],
    ['timeline:\n  - at: soon\n    heal: true\n', /:2 \(timeline\.0\.at\): "soon" is not a time like 500ms, 2s or 1m/],
    ['topology: hypercube\n', /:1 \(topology\): topology "hypercube" is not one of mesh/],
    ['routing: rip\n', /:1 \(routing\): Invalid option: expected one of "distance-vector"\|"link-state"/],
    ['timeline:\n  - at: 1s\n    heal: true\n    partition: { preset: halves }\n', /needs exactly one of partition, heal/],
    ['timeline:\n  - at: 1s\n    partition: { preset: halfs }\n', /:3 \(timeline\.0\.partition\.preset\)/],
    ['timeline:\n  - at: 1s\n    partition: { preset: isolate }\n', /preset isolate needs node/],
    ['timeline:\n  - at: 1s\n    partition: { from: [n0] }\n', /needs both from and to/],
    ['timeline:\n  - at: 1s\n    partition: { groups: [[n0]], preset: halves }\n', /exactly one of groups, preset, from\/to/],
    ['timeline:\n  - at: 1s\n    reboot: n1\n', /Unrecognized key/],
    ['timeline: [\n', /:\d+: /],
    ['network: { loss: 2 }\ntimeline: []\n', /:1 \(network\.loss\): loss "2" is not P/],
    ['links: ["n0>n9 loss=1"]\n', /:1 \(links\.0\): unknown node n9/],
    ['links: [{ from: [n0], to: [n1] }]\n', /a link needs at least one of delay, loss/],
    ['timeline:\n  - at: 1s\n    link: { from: [n0], to: [n7], loss: 0.5 }\n', /:3 \(timeline\.0\.link\): unknown node n7/],
    ['timeline:\n  - at: 1s\n    pause: { node: n1, mode: later }\n', /:3 \(timeline\.0\.pause/],
    ['timeline:\n  - at: 1s\n    byzantine: n1=sneak\n', /:3 \(timeline\.0\.byzantine\): unknown attack sneak/],
    ['timeline:\n  - at: 1s\n    byzantine: { node: n9, attacks: [forge] }\n', /unknown node n9/],
  ])('rejects a bad file with its line and path: %j', (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it.each([
    ['timeline:\n  - { at: 1s, partition: { name: cut, preset: halves } }\n  - { at: 2s, heal: nosuchname }\n', ':3 (timeline.1.heal): heal "nosuchname" names no fault an earlier step starts (faults named before it: cut)'],
    // A repeating named step gives its name only, not every default name.
    ['timeline:\n  - { at: 1s, every: 2s, partition: { name: flap, preset: halves } }\n  - { at: 2s, heal: p1 }\n', ':3 (timeline.1.heal): heal "p1" names no fault an earlier step starts (faults named before it: flap)'],
    ['timeline:\n  - { at: 2s, heal: p1 }\n', ':2 (timeline.0.heal): heal "p1" names no fault an earlier step starts (no partition or link step comes before it)'],
    // In time order, not file order: the partition comes after the heal.
    ['timeline:\n  - { at: 3s, partition: { name: cut, preset: halves } }\n  - { at: 2s, heal: cut }\n', ':3 (timeline.1.heal): heal "cut" names no fault an earlier step starts (no partition or link step comes before it)'],
    ['timeline:\n  - { at: 1s, partition: { preset: halves } }\n  - { at: 1s, link: { from: [n0], to: [n1], loss: 1 } }\n  - { at: 2s, heal: p2 }\n', ':4 (timeline.2.heal): heal "p2" names no fault an earlier step starts (faults named before it: p1, l1)'],
  ])('refuses a heal of a name no earlier step gives: %j', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('takes a heal of a Byzantine node that --byzantine made, and refuses it without the flag', () => {
    const file = fileWith('timeline:\n  - { at: 2s, heal: byzantine n1 }\n');
    expect(loadScenario(file, IDS, ['byzantine n1']).timeline).toHaveLength(1);
    expect(() => loadScenario(file, IDS)).toThrow(/heal "byzantine n1" names no fault an earlier step starts/);
  });

  it('takes heals of explicit names, of default names (p1, l1, ...) and of repeating steps', () => {
    const s = loadScenario(
      fileWith(
        [
          'timeline:',
          '  - { at: 1s, partition: { preset: halves } }',
          '  - { at: 1s, link: { from: [n0], to: [n1], loss: 1 } }',
          '  - { at: 2s, heal: p1 }',
          '  - { at: 2s, heal: l1 }',
          '  - { at: 3s, every: 2s, partition: { name: flap, preset: isolate, node: n1 } }',
          '  - { at: 4s, every: 2s, heal: flap }',
          '  - { at: 5s, every: 2s, partition: { preset: halves } }',
          '  - { at: 6s, heal: p7 }',
          '  - { at: 7s, heal: true }',
          '  - { at: 8s, byzantine: n2=forge }',
          '  - { at: 9s, heal: byzantine n2 }',
        ].join('\n'),
      ),
      IDS,
    );
    expect(s.timeline).toHaveLength(11);
    expect(s.timeline[9]?.byzantine).toEqual({ node: 'n2', attacks: ['forge'] });
  });

  it('names a missing file', () => {
    expect(() => loadScenario('/nonexistent/s.yaml', IDS)).toThrow(/cannot read scenario \/nonexistent\/s\.yaml/);
  });
});

describe('repeating steps', () => {
  it('writes out every-steps up to the run end or their until, in time order', () => {
    const s = loadScenario(
      fileWith('timeline:\n  - { at: 1s, every: 3s, partition: { name: flap, preset: halves } }\n  - { at: 2s, every: 3s, until: 6s, heal: flap }\n'),
      IDS,
    );
    const steps = expandTimeline(s.timeline, 10_000);
    expect(steps.map((t) => [t.at, t.partition ? 'partition' : 'heal'])).toEqual([
      [1000, 'partition'],
      [2000, 'heal'],
      [4000, 'partition'],
      [5000, 'heal'],
      [7000, 'partition'],
    ]);
    expect(steps.every((t) => t.every === undefined)).toBe(true);
  });

  it('refuses an interval under 10 ms', () => {
    expect(errorOf('timeline:\n  - { at: 0, every: 1ms, heal: true }\n')).toMatch(/every must be at least 10ms/);
  });
});

describe('partition presets', () => {
  it('groups cut every link between groups, both ways, and none inside', () => {
    const cuts = cutsOf({ mode: 'drop', groups: [['n0', 'n1'], ['n2', 'n3', 'n4']] });
    expect(cuts).toHaveLength(12);
    expect(cuts).toContain('n0>n2');
    expect(cuts).toContain('n2>n0');
    expect(cuts).not.toContain('n0>n1');
    expect(cuts).not.toContain('n3>n4');
  });

  it('isolate cuts one node from all others; halves and majority split by index', () => {
    expect(cutsOf({ mode: 'drop', preset: 'isolate', node: 'n2' })).toEqual(['n0>n2', 'n1>n2', 'n2>n0', 'n2>n1', 'n2>n3', 'n2>n4', 'n3>n2', 'n4>n2'].sort());
    expect(cutsOf({ mode: 'drop', preset: 'halves' })).toEqual(cutsOf({ mode: 'drop', groups: [['n0', 'n1'], ['n2', 'n3', 'n4']] }));
    expect(cutsOf({ mode: 'drop', preset: 'majority' })).toEqual(cutsOf({ mode: 'drop', groups: [['n0', 'n1', 'n2'], ['n3', 'n4']] }));
  });

  it('bridge keeps the middle node linked to both halves that cannot see each other', () => {
    const cuts = cutsOf({ mode: 'drop', preset: 'bridge' });
    expect(cuts.filter((c) => c.includes('n2'))).toEqual([]);
    expect(cuts).toEqual(['n0>n3', 'n0>n4', 'n1>n3', 'n1>n4', 'n3>n0', 'n3>n1', 'n4>n0', 'n4>n1']);
  });

  it('ring keeps only ring neighbours', () => {
    const cuts = cutsOf({ mode: 'drop', preset: 'ring' });
    expect(cuts).not.toContain('n0>n1');
    expect(cuts).not.toContain('n0>n4');
    expect(cuts).toContain('n0>n2');
    expect(cuts).toHaveLength(5 * 4 - 5 * 2);
  });

  it('one-way cuts one direction only', () => {
    expect(cutsOf({ mode: 'hold', from: ['n0', 'n1'], to: ['n2'] })).toEqual(['n0>n2', 'n1>n2']);
  });
});

describe('docs/scenario.schema.json', () => {
  it('is the JSON Schema of the scenario file as the code defines it (npm run schema)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchema());
  });
});
