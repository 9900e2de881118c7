/**
 * The dashboard's fault controls: partition, heal, crash, restart, pause, resume, stop a node,
 * change a link, reset, stop the run. Each is one call of the control API, whose checks and
 * error texts are those `npm run ctl` gets.
 */
import type { ApiState } from '../../api/schema.js';
import { h } from './data.js';
import { call } from './dashboard-api.js';

const NODE_ACTIONS = ['crash', 'restart', 'pause', 'resume', 'stop'] as const;

/** `n0,n1 | n2,n3` as partition groups. */
const groupsOf = (text: string): string[][] =>
  text
    .split('|')
    .map((g) => g.split(/[\s,]+/).filter(Boolean))
    .filter((g) => g.length > 0);

/** `delay=uniform:100:200 loss=0.2` as a link step's fields. */
function modelFields(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => {
        const at = kv.indexOf('=');
        return at < 0 ? [kv, ''] : [kv.slice(0, at), kv.slice(at + 1)];
      }),
  );
}

export interface Controls {
  /** Keeps the node and fault-name choices current. */
  update(state: ApiState): void;
}

export function renderControls(into: HTMLElement): Controls {
  const answer = h('div', { class: 'answer', id: 'control-answer', 'aria-live': 'polite' });
  const show = async (what: string, request: Promise<{ ok: boolean; status: number; text: string }>) => {
    const a = await request.catch((err: unknown) => ({ ok: false, status: 0, text: (err as Error).message }));
    answer.textContent = `${what}: ${a.ok ? 'done' : `refused (${a.status})`} — ${a.text}`;
    answer.className = a.ok ? 'answer' : 'answer refused';
  };
  const form = (id: string, ...children: Array<Node | string>) => {
    const f = h('form', { id }, ...children) as HTMLFormElement;
    f.addEventListener('submit', (e) => e.preventDefault());
    return f;
  };
  const button = (text: string, id: string, action: () => void) => {
    const b = h('button', { type: 'button', id }, text);
    b.addEventListener('click', action);
    return b;
  };
  const select = (id: string) => h('select', { id }) as HTMLSelectElement;

  const groups = h('input', { type: 'text', id: 'partition-groups', placeholder: 'n0,n1 | n2,n3,n4' }) as HTMLInputElement;
  const partName = h('input', { type: 'text', id: 'partition-name', placeholder: 'name (optional)', style: 'width:120px' }) as HTMLInputElement;
  const node = select('node-select');
  const pauseMode = h('select', { id: 'pause-mode', title: 'pause: hold (messages wait in the sockets) or drop (senders drop them, reason paused)' }, h('option', { value: 'hold' }, 'hold'), h('option', { value: 'drop' }, 'drop')) as HTMLSelectElement;
  const heal = select('heal-select');
  const src = select('link-src');
  const dest = select('link-dest');
  const both = h('input', { type: 'checkbox', id: 'link-both' }) as HTMLInputElement;
  const model = h('input', { type: 'text', id: 'link-model', placeholder: 'delay=uniform:100:200 loss=0.2' }) as HTMLInputElement;

  into.append(
    form(
      'partition-form',
      'partition ',
      groups,
      partName,
      button('Partition', 'partition-apply', () => {
        const name = partName.value.trim();
        void show('partition', call('POST', '/faults', { partition: { groups: groupsOf(groups.value), ...(name ? { name } : {}) } }));
      }),
    ),
    form('heal-form', 'heal ', heal, button('Heal', 'heal-apply', () => void show('heal', call('DELETE', `/faults/${encodeURIComponent(heal.value)}`))), button('Heal all', 'heal-all', () => void show('heal all', call('DELETE', '/faults')))),
    form(
      'node-form',
      'node ',
      node,
      ...NODE_ACTIONS.map((a) =>
        button(a[0]!.toUpperCase() + a.slice(1), `node-${a}`, () => void show(`${a} ${node.value}`, call('POST', '/faults', { [a]: a === 'pause' ? { node: node.value, mode: pauseMode.value } : node.value }))),
      ),
      'pause mode ',
      pauseMode,
    ),
    form(
      'link-form',
      'link ',
      src,
      '→',
      dest,
      h('label', {}, both, 'both ways'),
      model,
      button('Change link', 'link-apply', () => void show('link', call('POST', '/faults', { link: { from: [src.value], to: [dest.value], both: both.checked, ...modelFields(model.value) } }))),
    ),
    form('run-form', button('Reset every fault', 'reset-apply', () => void show('reset', call('POST', '/reset'))), button('Stop the run', 'stop-run', () => void show('stop', call('POST', '/stop')))),
    answer,
  );

  const fill = (el: HTMLSelectElement, values: readonly string[]) => {
    if (el.options.length === values.length && values.every((v, i) => el.options[i]?.value === v)) return;
    const keep = el.value;
    el.replaceChildren(...values.map((v) => h('option', { value: v }, v)));
    if (values.includes(keep)) el.value = keep;
  };
  return {
    update(state) {
      const ids = state.nodes.map((n) => n.id);
      for (const el of [node, src, dest]) fill(el, ids);
      if (dest.value === src.value && ids.length > 1) dest.value = ids.find((id) => id !== src.value) ?? dest.value;
      fill(heal, state.in_force.names);
    },
  };
}
