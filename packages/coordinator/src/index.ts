export { Coordinator, type CoordinatorOptions, type RunOutcome } from './coordinator.js';
export { RUN_FLAGS, RUN_HELP, RunFlags, rerunCommand, COORDINATOR_FLAGS, COORDINATOR_ENV, COORDINATOR_HELP, CoordinatorCli } from './cli-options.js';
export { analyze, percentiles, type AnalysisInput, type NodeFacts } from './analysis.js';
export { Ledger } from './ledger.js';
export { formatReport } from './format-report.js';
export { fullMeshPeers, nodeIds } from './topology.js';
export { createRunDir, linkLatest, type RunDir } from './run-dir.js';
export { loadScenario, partitionOf, scenarioJsonSchema, ScenarioFile, ScenarioError } from './scenario.js';
