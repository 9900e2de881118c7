/**
 * Finds every shell command README.md shows, so that test/readme.e2e.test.ts can run each one as
 * written. Strict on purpose: a command the rules below cannot place is an error, not a skip, so a
 * new command cannot slip past the test.
 *
 * - A ```sh (or bash, shell) block: every line is a command, a trailing `# comment` aside; a loop
 *   (`do` … `done`, `then` … `fi`) or a line ending in `\` continues on the next line.
 * - A ```console block or a plain ``` block: the lines after a `$ ` prompt. A line in a plain block
 *   that starts like a command but has no prompt is an error (output never starts that way).
 * - ```json and ```yaml blocks hold no commands; any other language is an error.
 * - Inline code in the prose that starts like a command (`npm …`, `jq …`, `VAR=… …`).
 */

export interface ReadmeCommand {
  text: string;
  /** 1-based line of README.md where it starts. */
  line: number;
  where: 'sh block' | 'transcript' | 'inline';
  /** In a transcript: the output lines shown after it, up to the next prompt or the block's end. */
  output: string[];
}

/** The first word of a command: a program the README uses, or an environment assignment. */
const COMMAND_START = /^(?:npm|npx|node|jq|docker|git|curl|bash|sh|cd|for|while|[A-Z][A-Z0-9_]*=\S*)\s/;
const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
const TRANSCRIPT_LANGS = new Set(['', 'console', 'text']);
const DATA_LANGS = new Set(['json', 'yaml', 'yml']);

/** Cuts a trailing `# comment` (a `#` after blank space, outside quotes). */
export function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** How many more loop or `if` bodies this text opens than it closes. */
function openBodies(text: string): number {
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  return count(/\bdo\b/g) - count(/\bdone\b/g) + count(/\bthen\b/g) - count(/\bfi\b/g);
}

function shBlockCommands(lines: string[], firstLine: number, out: ReadmeCommand[]): void {
  let pending: { text: string; line: number } | null = null;
  for (const [i, raw] of lines.entries()) {
    const line = stripComment(raw);
    if (line.trim() === '') continue;
    if (pending === null) pending = { text: line.trim(), line: firstLine + i };
    else pending.text += `\n${line}`;
    if (openBodies(pending.text) > 0 || pending.text.endsWith('\\')) continue;
    out.push({ ...pending, where: 'sh block', output: [] });
    pending = null;
  }
  if (pending !== null) throw new Error(`README.md:${pending.line}: a shell command that never ends (an unclosed loop or \\)`);
}

function transcriptCommands(lines: string[], firstLine: number, out: ReadmeCommand[]): void {
  let last: ReadmeCommand | null = null;
  lines.forEach((raw, i) => {
    if (raw.startsWith('$ ')) {
      last = { text: stripComment(raw.slice(2)).trim(), line: firstLine + i, where: 'transcript', output: [] };
      out.push(last);
      return;
    }
    // `node  pid  sent …` is the per-node table's header, not the program.
    if (COMMAND_START.test(raw) && !/^node\s{2,}/.test(raw)) {
      throw new Error(`README.md:${firstLine + i}: a command in an output block without a "$ " prompt: ${raw}`);
    }
    last?.output.push(raw);
  });
}

export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const out: ReadmeCommand[] = [];
  const prose: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i]!);
    if (fence === null) {
      prose.push({ text: lines[i]!, line: i + 1 });
      continue;
    }
    const lang = fence[1]!;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that is never closed`);
    const body = lines.slice(i + 1, end);
    if (SHELL_LANGS.has(lang)) shBlockCommands(body, i + 2, out);
    else if (TRANSCRIPT_LANGS.has(lang)) transcriptCommands(body, i + 2, out);
    else if (!DATA_LANGS.has(lang)) throw new Error(`README.md:${i + 1}: a code block in a language this test does not know: ${lang}`);
    prose.push({ text: '', line: i + 1 });
    i = end;
  }
  // Inline code may wrap onto the next line, so the prose is searched as one text.
  const text = prose.map((p) => p.text).join('\n');
  const lineAt = (offset: number) => prose[text.slice(0, offset).split('\n').length - 1]!.line;
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const span = m[1]!.replaceAll('\n', ' ');
    if (COMMAND_START.test(span)) out.push({ text: span, line: lineAt(m.index), where: 'inline', output: [] });
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * Masks what differs between two runs (ids, numbers, paths, column widths), so that two outputs
 * compare by their lines' wording and order. A run with drops adds their reasons to the
 * accounting line, which the README's sample (a run without) does not show.
 */
export function outputShape(line: string): string {
  return line
    .replace(/\s+\(dropped: [^)]*\)/, '')
    .replace(/\d{8}-\d{6}-[0-9a-f]{4}/g, 'RUN')
    .replace(/\S*\/runs\//g, 'DIR/')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}
