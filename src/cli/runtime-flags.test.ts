import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayNodeFlags, missingGatewayFlags, withGatewayFlags } from './runtime-flags.js';

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the gateway V8 flags', () => {
  it('are what the tollgate bin and npm start run with', () => {
    const shebang = repoFile('bin/tollgate.js').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${gatewayNodeFlags.join(' ')}`);
    const start: string = JSON.parse(repoFile('package.json')).scripts.start;
    expect(start).toBe(`node ${gatewayNodeFlags.join(' ')} bin/tollgate.js serve`);
  });

  it('are accepted by this Node and bound its young generation under allocation', () => {
    const probe = `
      let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 5000) keep = []; }
      const young = require('v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      process.stdout.write(String(young.space_size));`;
    // Node exits with "bad option" on a flag it does not know, so running at all checks the names and values.
    const youngBytes = Number(execFileSync(process.execPath, [...gatewayNodeFlags, '-e', probe], { encoding: 'utf8' }));
    const semiSpaceMb = Number(/--max-semi-space-size=(\d+)/.exec(gatewayNodeFlags.join(' '))![1]);
    expect(youngBytes).toBeGreaterThan(0);
    expect(youngBytes).toBeLessThanOrEqual(2 * semiSpaceMb * 1024 * 1024);
  });

  it('names only the flags a command line lacks, by name, whatever value or spelling the user chose', () => {
    expect(missingGatewayFlags([], '')).toEqual([...gatewayNodeFlags]);
    expect(missingGatewayFlags(['--max_semi_space_size=16', '--heap-growing-percent=50'], '')).toEqual([]);
    // NODE_OPTIONS counts too (Node allows --max-semi-space-size there).
    expect(missingGatewayFlags(['--heap-growing-percent=50'], '--enable-source-maps --max-semi-space-size=8')).toEqual([]);
    expect(withGatewayFlags(['--enable-source-maps', '--max-semi-space-size=8'], '')).toEqual([
      '--enable-source-maps',
      '--max-semi-space-size=8',
      ...gatewayNodeFlags.filter((flag) => !flag.startsWith('--max-semi-space-size')),
    ]);
  });
});
