/**
 * @module threads/start-module-worker
 * Starts a worker thread on one of Tollgate's own modules. Built (`dist/`), that is a plain
 * `new Worker(url)`. Run from TypeScript sources (tests, `npm run dev`), Node 20 cannot load a
 * `.ts` worker — `execArgv: ['--import', 'tsx']` is not honoured by worker threads — so a tiny
 * bootstrap registers tsx's loader inside the worker first, then imports the module.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

const bootstrap = `
const { workerData } = require('node:worker_threads');
import(workerData.tollgateTsxApi).then((tsx) => { tsx.register(); return import(workerData.tollgateModule); });
`;

export function startModuleWorker(moduleUrl: URL, workerData: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, { workerData, resourceLimits });
  // Resolved as ESM: the package's `require` condition points at a CommonJS build.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return new Worker(bootstrap, {
    eval: true,
    workerData: { ...workerData, tollgateTsxApi: tsxApi, tollgateModule: moduleUrl.href },
    resourceLimits,
  });
}

/** The URL of a sibling module of `base`, with the extension the caller is running from (.ts or .js). */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
