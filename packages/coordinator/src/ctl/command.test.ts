import { describe, expect, it } from 'vitest';
import { Action } from '../faults/scenario.js';
import { DEFAULT_RUN, UsageError, parseCtl, type CtlRequest } from './command.js';

function requestOf(...argv: string[]): CtlRequest {
  const command = parseCtl(argv);
  if (command.kind !== 'request') throw new Error(`${argv.join(' ')} is not a request`);
  return command.request;
}

/** The body ctl sends for argv, which the API's own schema must take as it is. */
function actionOf(...argv: string[]): unknown {
  const request = requestOf(...argv);
  expect(request).toMatchObject({ method: 'POST', path: '/faults' });
  const parsed = Action.safeParse(request.body);
  expect(parsed.success, parsed.error?.message).toBe(true);
  return request.body;
}

describe('ctl: commands to requests', () => {
  it('reads: state, faults, links with filters', () => {
    expect(requestOf('state')).toEqual({ method: 'GET', path: '/state' });
    expect(requestOf('faults')).toEqual({ method: 'GET', path: '/faults' });
    expect(requestOf('links')).toEqual({ method: 'GET', path: '/links' });
    expect(requestOf('links', '--src', 'n0')).toEqual({ method: 'GET', path: '/links?src=n0' });
    expect(requestOf('links', '--dest', 'n1', '--src', 'n0')).toEqual({ method: 'GET', path: '/links?src=n0&dest=n1' });
  });

  it('partition into groups, spaced or not, with mode and name', () => {
    expect(actionOf('partition', 'n0,n1', '/', 'n2,n3,n4')).toEqual({ partition: { groups: [['n0', 'n1'], ['n2', 'n3', 'n4']] } });
    expect(actionOf('partition', 'n0,n1/n2', '/', 'n3', '--mode', 'hold', '--name', 'split')).toEqual({
      partition: { mode: 'hold', name: 'split', groups: [['n0', 'n1'], ['n2'], ['n3']] },
    });
    expect(actionOf('partition', 'n0', 'n1', '/', 'n2')).toEqual({ partition: { groups: [['n0', 'n1'], ['n2']] } });
  });

  it('one-way partitions with -> or to', () => {
    expect(actionOf('partition', 'n0,n1', '->', 'n2')).toEqual({ partition: { from: ['n0', 'n1'], to: ['n2'] } });
    expect(actionOf('partition', 'n0', 'to', 'n1,n2', '--mode', 'drop')).toEqual({ partition: { mode: 'drop', from: ['n0'], to: ['n1', 'n2'] } });
  });

  it('partition presets', () => {
    expect(actionOf('partition', '--preset', 'isolate', '--node', 'n2')).toEqual({ partition: { preset: 'isolate', node: 'n2' } });
    for (const preset of ['halves', 'majority', 'bridge', 'ring']) expect(actionOf('partition', '--preset', preset)).toEqual({ partition: { preset } });
  });

  it('link faults: one link, lists, both ways, named; values go as text for the API to parse', () => {
    expect(actionOf('link', 'n0>n1', 'loss=0.5', 'delay=constant:100')).toEqual({ link: { from: ['n0'], to: ['n1'], loss: '0.5', delay: 'constant:100' } });
    expect(actionOf('link', 'n0,n1>n2,n3', 'bandwidth=64k', '--both', '--name', 'slow')).toEqual({
      link: { from: ['n0', 'n1'], to: ['n2', 'n3'], bandwidth: '64k', both: true, name: 'slow' },
    });
    expect(actionOf('link', 'n0', 'to', 'n1', 'queue=none', 'duplicate=0.1', 'reorder=0.2')).toEqual({
      link: { from: ['n0'], to: ['n1'], queue: 'none', duplicate: '0.1', reorder: '0.2' },
    });
    expect(actionOf('link', 'n0>n1', 'loss=ge:0.05:0.25:0:1')).toEqual({ link: { from: ['n0'], to: ['n1'], loss: 'ge:0.05:0.25:0:1' } });
  });

  it('an unknown link key or bad value is left for the API to refuse (one validation place)', () => {
    const body = requestOf('link', 'n0>n1', 'lose=0.5').body;
    expect(body).toEqual({ link: { from: ['n0'], to: ['n1'], lose: '0.5' } });
    expect(Action.safeParse(body).success).toBe(false);
    expect(Action.safeParse(requestOf('partition', 'n0', '/', 'n1', '--mode', 'sometimes').body).success).toBe(false);
  });

  it('heal one or all, reset', () => {
    expect(requestOf('heal')).toEqual({ method: 'DELETE', path: '/faults' });
    expect(requestOf('heal', 'split')).toEqual({ method: 'DELETE', path: '/faults/split' });
    expect(requestOf('heal', 'a b/c')).toEqual({ method: 'DELETE', path: '/faults/a%20b%2Fc' });
    expect(requestOf('reset')).toEqual({ method: 'POST', path: '/reset' });
  });

  it('end the run; stop with a node stays the node fault', () => {
    expect(requestOf('end')).toEqual({ method: 'POST', path: '/stop' });
    expect(actionOf('stop', 'n2')).toEqual({ stop: 'n2' });
  });

  it('node faults', () => {
    for (const fault of ['crash', 'restart', 'resume', 'stop']) expect(actionOf(fault, 'n2')).toEqual({ [fault]: 'n2' });
    expect(actionOf('pause', 'n1')).toEqual({ pause: 'n1' });
    expect(actionOf('pause', 'n1', '--mode', 'drop')).toEqual({ pause: { node: 'n1', mode: 'drop' } });
    expect(actionOf('byzantine', 'n1', 'forge,replay')).toEqual({ byzantine: { node: 'n1', attacks: ['forge', 'replay'] } });
  });

  it('where the API is: --url, --run, or runs/latest; --json', () => {
    expect(parseCtl(['state'])).toEqual({ kind: 'request', request: { method: 'GET', path: '/state' }, json: false, url: undefined, run: DEFAULT_RUN });
    expect(parseCtl(['state', '--url', 'http://127.0.0.1:9', '--json'])).toMatchObject({ url: 'http://127.0.0.1:9', json: true });
    expect(parseCtl(['--run', '/tmp/r', 'crash', 'n1'])).toMatchObject({ run: '/tmp/r', request: { body: { crash: 'n1' } } });
  });

  it('help', () => {
    expect(parseCtl(['help'])).toEqual({ kind: 'help' });
    expect(parseCtl(['--help'])).toEqual({ kind: 'help' });
    expect(parseCtl(['crash', '-h'])).toEqual({ kind: 'help' });
  });
});

describe('ctl: usage errors', () => {
  it.each([
    [[], /no command/],
    [['bogus'], /unknown command "bogus"/],
    [['toString'], /unknown command/],
    [['state', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['state', 'extra'], /state takes no arguments/],
    [['links', 'n0'], /links takes no arguments/],
    [['links', '--mode', 'drop'], /links does not take --mode/],
    [['crash'], /crash takes one node/],
    [['crash', 'n1', 'n2'], /crash takes one node/],
    [['crash', 'n1', '--mode', 'drop'], /crash does not take --mode/],
    [['pause', '--mode', 'drop'], /pause takes one node/],
    [['heal', 'a', 'b'], /at most one name/],
    [['reset', 'now'], /reset takes no arguments/],
    [['end', 'n2'], /end takes no arguments/],
    [['stop'], /stop takes one node/],
    [['byzantine', 'n1'], /byzantine takes a node and its attacks/],
    [['partition'], /partition needs groups/],
    [['partition', 'n0,n1'], /two or more groups/],
    [['partition', 'n0', '/', '/', 'n1'], /group 2 names no node/],
    [['partition', 'n0', '->', 'n1', '->', 'n2'], /one ->/],
    [['partition', '->', 'n1'], /before -> names no node/],
    [['partition', '--preset', 'isolate', 'n2'], /takes no groups/],
    [['partition', 'n0', '/', 'n1', '--node', 'n2'], /--node goes with --preset/],
    [['partition', 'n0', '/', 'n1', '--both'], /partition does not take --both/],
    [['link'], /link needs its links/],
    [['link', 'n0', 'n1', 'loss=1'], /link needs its links/],
    [['link', 'n0>n1'], /at least one key=value/],
    [['link', 'n0>n1', 'loss=1', 'n2'], /"n2" is not key=value/],
    [['link', 'n0>n1', 'loss='], /"loss=" is not key=value/],
    [['link', 'n0>n1', '=1'], /"=1" is not key=value/],
    [['link', 'n0>n1', 'loss=1', 'loss=0.5'], /loss is given twice/],
    [['link', '>n1', 'loss=1'], /sending side names no node/],
    [['link', 'n0>n1', 'loss=1', '--mode', 'drop'], /link does not take --mode/],
  ])('%j', (argv, message) => {
    expect(() => parseCtl(argv)).toThrow(UsageError);
    expect(() => parseCtl(argv)).toThrow(message);
  });
});
