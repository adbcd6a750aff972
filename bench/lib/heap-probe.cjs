/**
 * bench/lib/heap-probe.cjs — preloaded with `node --require` by bench/idle-memory.ts. A `--require`
 * preload runs in every thread (an `--import` one only in the main thread), so each thread,
 * worker threads included, writes its own V8 heap figures to $TOLLGATE_HEAP_PROBE_DIR every 500 ms:
 * the only way to see a worker's isolate from outside on Node 20. Timers are unref'd.
 */
'use strict';
const { isMainThread, threadId } = require('node:worker_threads');
const v8 = require('node:v8');
const fs = require('node:fs');
const dir = process.env.TOLLGATE_HEAP_PROBE_DIR;
if (dir) {
  const mb = (bytes) => Math.round((bytes / 1048576) * 100) / 100;
  const write = () => {
    const heap = v8.getHeapStatistics();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, mb(space.space_size)]));
    const figures = { thread: isMainThread ? 'main' : `worker ${threadId}`, committedMb: mb(heap.total_heap_size), usedMb: mb(heap.used_heap_size), mallocedMb: mb(heap.malloced_memory), externalMb: mb(heap.external_memory), spaces };
    const file = `${dir}/${isMainThread ? 0 : threadId}.json`;
    try {
      // Renamed into place: the bench never reads half a file.
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(figures));
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // the folder is gone: the bench has finished
    }
  };
  write();
  setInterval(write, 500).unref();
}
