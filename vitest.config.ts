import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // Each file starts real clusters of processes. One file at a time keeps one cluster's
          // start-up (several TypeScript compiles) from stealing the CPU of another's measured run.
          fileParallelism: false,
        },
      },
    ],
  },
});
