/**
 * @module test/helpers/test-storage-setup
 * Set up for every file of the `postgres` vitest project: drops the PostgreSQL databases the
 * file's gateways were given (test-storage.ts) once the file is done. Registered first, this hook
 * runs after the file's own (vitest runs `afterAll` hooks last-registered first), so the gateways
 * are closed before their databases go.
 */
import { afterAll } from 'vitest';
import { dropTestDatabases } from './test-storage.js';

afterAll(dropTestDatabases, 30_000);
