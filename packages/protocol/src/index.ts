// What the node and the coordinator must agree on, by what it is.

// wire/: the envelope and every body that crosses a socket, the codec and the error codes.
export * from './wire/envelope.js';
export * from './wire/error-codes.js';
export * from './wire/codec.js';
export * from './wire/control-messages.js';
export * from './wire/peer-messages.js';
export * from './wire/routing-messages.js';
export * from './wire/kv-messages.js';

// network/: the network model, the faults laid over it, and keyed randomness.
export * from './network/prng.js';
export * from './network/distributions.js';
export * from './network/link-model.js';
export * from './network/faults.js';
export * from './network/fault-kinds.js';

// results/: what a run leaves: journal records, messages.jsonl, report.json, history.jsonl.
export * from './results/records.js';
export * from './results/report.js';
export * from './results/report-stats.js';
export * from './results/report-sections.js';
export * from './results/history.js';

// runtime/: what both processes run with: constants, flags and their texts, logs, clocks, behaviours' params and modules.
export * from './runtime/constants.js';
export * from './runtime/specs.js';
export * from './runtime/cli.js';
export * from './runtime/log-sink.js';
export * from './runtime/clock.js';
export * from './runtime/behavior-params.js';
export * from './runtime/behavior-modules.js';
export * from './runtime/closed-sets.js';

// security/: the run secret, its proofs, and what the guards refuse.
export * from './security/run-secret.js';
export * from './security/refusals.js';
export * from './security/attacks.js';
export * from './security/certificates.js';
export * from './security/tls-server.js';
