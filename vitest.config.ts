import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts', 'script/**/*.test.ts', 'sdk/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Integration tests start their own anvil and deploy with forge; they run one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
