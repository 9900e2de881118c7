/**
 * Which graph the nodes are linked in (`--topology`): the zod schema of a topology, its text form,
 * the text back for rerun lines, and the check that a topology can be built on a number of nodes
 * (regular:3 needs an even N x 3), which the text alone cannot know.
 */
import { z } from 'zod';

/** A topology that cannot be parsed, built on this run's nodes, or read from its file. */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

const Degree = z.number().int().min(1);
const Probability = z.number().min(0).max(1);

export const TopologySpec = z.discriminatedUnion('kind', [
  /** Every node linked to every other. */
  z.object({ kind: z.literal('mesh') }),
  /** n0-n1-...-n(N-1)-n0. */
  z.object({ kind: z.literal('ring') }),
  /** n0-n1-...-n(N-1). */
  z.object({ kind: z.literal('line') }),
  /** n0 is the hub, linked to every other node. */
  z.object({ kind: z.literal('star') }),
  /** A complete k-ary tree in breadth-first order: n0 is the root, the parent of n(i) is n((i-1)/k). */
  z.object({ kind: z.literal('tree'), k: z.number().int().min(2) }),
  /** A near-square grid filled row by row; the last row may be partial. */
  z.object({ kind: z.literal('grid') }),
  /** Erdős–Rényi G(N, p), redrawn until connected. */
  z.object({ kind: z.literal('random'), p: Probability.refine((p) => p > 0, 'p must be more than 0') }),
  /** A random k-regular graph, redrawn until connected. */
  z.object({ kind: z.literal('regular'), k: Degree }),
  /** Watts–Strogatz: a ring lattice of k neighbours each, every edge rewired with probability beta. */
  z.object({ kind: z.literal('small-world'), k: z.number().int().min(2).refine((k) => k % 2 === 0, 'k must be even'), beta: Probability }),
  /** Barabási–Albert: each new node attaches to m existing nodes, preferring high degree. */
  z.object({ kind: z.literal('scale-free'), m: Degree }),
  /** An edge list (JSON or YAML), optionally with per-edge delay and loss. */
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
]);
export type TopologySpec = z.infer<typeof TopologySpec>;

export const TOPOLOGY_FORMS = ['mesh', 'ring', 'line', 'star', 'tree[:K]', 'grid', 'random:P', 'regular:K', 'small-world:K:BETA', 'scale-free:M', 'file:PATH'];

const INT = /^\d+$/;
const NUMBER = /^\d+(\.\d+)?$/;
const int = (t: string | undefined) => (t !== undefined && INT.test(t) ? Number(t) : NaN);
const num = (t: string | undefined) => (t !== undefined && NUMBER.test(t) ? Number(t) : NaN);

/** One whole-number parameter, at least `min`, as `kind:NAME`; `fallback` when it may be left out. */
function oneInt(kind: 'tree' | 'regular' | 'scale-free', name: string, min: number, fallback?: number) {
  return (args: string[]): TopologySpec | string => {
    const [text, ...rest] = args;
    if (rest.length > 0) return `too many parts, it takes one ${name}`;
    if (text === undefined && fallback === undefined) return `needs ${name}`;
    const value = text === undefined ? fallback : int(text);
    if (value === undefined || !(value >= min)) return `${name} "${text}" is not a whole number >= ${min}`;
    return kind === 'scale-free' ? { kind, m: value } : { kind, k: value };
  };
}

/** What each parameterised form needs, worded for the user, with its parser (a spec or the problem). */
const FORMS: Record<string, { usage: string; parse: (args: string[]) => TopologySpec | string }> = {
  tree: { usage: 'tree or tree:K with a whole K >= 2 (children per node)', parse: oneInt('tree', 'K', 2, 2) },
  regular: { usage: 'regular:K with a whole K >= 1 (links per node)', parse: oneInt('regular', 'K', 1) },
  'scale-free': { usage: 'scale-free:M with a whole M >= 1 (links each new node makes)', parse: oneInt('scale-free', 'M', 1) },
  random: {
    usage: 'random:P with 0 < P <= 1 (probability of each link)',
    parse: ([p, ...rest]) => {
      if (p === undefined || rest.length > 0) return 'needs exactly P';
      return num(p) > 0 && num(p) <= 1 ? { kind: 'random', p: num(p) } : `P "${p}" is not a probability above 0 and at most 1`;
    },
  },
  'small-world': {
    usage: 'small-world:K:BETA with an even K >= 2 (ring neighbours per node) and 0 <= BETA <= 1 (rewiring probability)',
    parse: ([k, beta, ...rest]) => {
      if (k === undefined || beta === undefined || rest.length > 0) return 'needs exactly K and BETA';
      if (!(int(k) >= 2 && int(k) % 2 === 0)) return `K "${k}" is not an even whole number >= 2`;
      if (!(num(beta) >= 0 && num(beta) <= 1)) return `BETA "${beta}" is not a probability between 0 and 1`;
      return { kind: 'small-world', k: int(k), beta: num(beta) };
    },
  },
};

const PLAIN = ['mesh', 'ring', 'line', 'star', 'grid'] as const;

/** Parses the `--topology` forms listed in TOPOLOGY_FORMS. */
export const TopologyText = z.string().transform((text, ctx): TopologySpec => {
  const trimmed = text.trim();
  if ((PLAIN as readonly string[]).includes(trimmed)) return { kind: trimmed as (typeof PLAIN)[number] };
  if (trimmed.startsWith('file:')) {
    // Everything after the first colon is the path, which may itself contain colons.
    const path = trimmed.slice('file:'.length);
    if (path.length > 0) return { kind: 'file', path };
    ctx.addIssue({ code: 'custom', message: `topology "${text}": file:PATH needs a path` });
    return z.NEVER;
  }
  const [kind = '', ...args] = trimmed.split(':');
  const form = Object.hasOwn(FORMS, kind) ? FORMS[kind] : undefined;
  if (!form) {
    ctx.addIssue({ code: 'custom', message: `topology "${text}" is not one of ${TOPOLOGY_FORMS.join(', ')}` });
    return z.NEVER;
  }
  const parsed = form.parse(args);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: `topology "${text}": ${parsed}; the form is ${form.usage}` });
  return z.NEVER;
});

/** Parses a topology flag, throwing TopologyError with the form's usage when it is not valid. */
export function parseTopology(text: string): TopologySpec {
  const parsed = TopologyText.safeParse(text);
  if (parsed.success) return parsed.data;
  throw new TopologyError(parsed.error.issues.map((i) => i.message).join('; '));
}

/** The flag text TopologyText reads back as the same spec. */
export function formatTopology(spec: TopologySpec): string {
  switch (spec.kind) {
    case 'tree':
      return `tree:${spec.k}`;
    case 'random':
      return `random:${spec.p}`;
    case 'regular':
      return `regular:${spec.k}`;
    case 'small-world':
      return `small-world:${spec.k}:${spec.beta}`;
    case 'scale-free':
      return `scale-free:${spec.m}`;
    case 'file':
      return `file:${spec.path}`;
    default:
      return spec.kind;
  }
}

/**
 * Why `spec` cannot be built on `n` nodes, or undefined when it can. Generators assume these hold;
 * a random kind whose draws never connect fails later, in its generator.
 */
export function topologyProblem(spec: TopologySpec, n: number): string | undefined {
  const name = formatTopology(spec);
  if (n < 1) return `${name} needs at least one node`;
  if (spec.kind === 'regular') {
    if (spec.k >= n) return `${name} needs K < nodes; this run has ${n} nodes`;
    if ((n * spec.k) % 2 !== 0) return `${name} needs nodes x K even; ${n} x ${spec.k} = ${n * spec.k}`;
    if (spec.k === 1 && n > 2) return `${name} is a perfect matching, which is connected only on 2 nodes; this run has ${n}`;
  }
  if (spec.kind === 'small-world' && spec.k >= n) return `${name} needs K < nodes; this run has ${n} nodes`;
  if (spec.kind === 'scale-free' && spec.m >= n) return `${name} needs M < nodes; this run has ${n} nodes`;
  return undefined;
}
