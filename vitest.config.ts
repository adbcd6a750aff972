import { defineConfig } from 'vitest/config';
import { postgresPassFiles } from './test/postgres-pass.js';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          // Everything, with SQLite as the only database (the embedded default).
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'providers/**/*.test.ts', 'protocols/**/*.test.ts', 'schemas/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The storage-dependent e2e files again, each gateway with a fresh PostgreSQL database (test/postgres-pass.ts).
          name: 'postgres',
          include: [...postgresPassFiles],
          env: { TOLLGATE_TEST_STORAGE: 'postgres' },
          setupFiles: ['test/helpers/test-storage-setup.ts'],
        },
      },
    ],
  },
});
