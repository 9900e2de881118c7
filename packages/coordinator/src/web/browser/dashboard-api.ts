/**
 * The dashboard's calls to the coordinator: the run's token (from the page address's fragment,
 * which the browser never sends) as a header on every call, and the stream of snapshots.
 */
import type { DashboardSnapshot } from '../../dashboard/dashboard-model.js';

const token = new URLSearchParams(location.hash.slice(1)).get('token');
// Kept in memory only: out of the address bar and the history once read.
if (token) history.replaceState(null, '', location.pathname + location.search);
export const authHeaders: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

export interface Answer {
  ok: boolean;
  status: number;
  text: string;
}

/** One control API call; the answer's text is the API's own (its error text on a refusal). */
export async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(path, {
    method,
    headers: { ...authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let shown = text.trim();
  try {
    const json = JSON.parse(text) as { type?: string; text?: string; fault?: { detail?: string; kind?: string } };
    if (json.type === 'error' && json.text) shown = json.text;
    else if (json.fault) shown = `${json.fault.kind ?? ''}: ${json.fault.detail ?? ''}`;
  } catch {
    // Not JSON: shown as it came.
  }
  return { ok: res.ok, status: res.status, text: shown };
}

/**
 * Reads the server-sent events of /dashboard/stream (by fetch, so the token goes as a header,
 * which EventSource cannot send) and hands each snapshot over until the stream ends or `stop()`.
 */
export function follow(onSnapshot: (s: DashboardSnapshot) => void, onEnd: (why: string) => void): { stop(): void } {
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    const res = await fetch('/dashboard/stream', { headers: authHeaders });
    if (!res.ok || !res.body) return onEnd(`the coordinator refused the stream: ${res.status} ${(await res.text()).trim()}`);
    reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    while (!stopped) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let k = buffer.indexOf('\n\n'); k >= 0 && !stopped; k = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, k)
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        buffer = buffer.slice(k + 2);
        if (data) onSnapshot(JSON.parse(data) as DashboardSnapshot);
      }
    }
    if (!stopped) onEnd('the coordinator has exited');
  };
  run().catch((err: unknown) => {
    if (!stopped) onEnd(`the coordinator cannot be reached: ${(err as Error).message}`);
  });
  return {
    stop() {
      stopped = true;
      reader?.cancel().catch(() => undefined);
    },
  };
}
