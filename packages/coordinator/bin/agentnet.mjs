#!/usr/bin/env node
/**
 * `npx agentnet --nodes 3 --json | jq .seed`: the cluster launcher (scripts/cluster.ts) as a command
 * that prints only what agentnet prints, where `npm run cluster` first prints npm's `> cluster`
 * banner on stdout. The bin sits in this workspace package because npm links a workspace's bins
 * into node_modules/.bin, and not the root package's own. It runs the launcher in this very process
 * through tsx's loader, so signals and the exit code are the launcher's own, with no process in
 * between to forward them.
 */
import { register } from 'tsx/esm/api';

register();
await import(new URL('../../../scripts/cluster.ts', import.meta.url).href);
