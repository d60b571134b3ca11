import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts', 'script/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
