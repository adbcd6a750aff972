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
    expect(start).toBe(`node ${gatewayNodeFlags.join(' ')} dist/src/cli/main.js serve`);
  });

  it('take effect in a Node process: the young generation stays small under allocation', () => {
    const probe = `
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 5000) keep = []; }
      const young = require('v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      process.stdout.write(String(young.space_size));`;
    const tuned = Number(execFileSync(process.execPath, [...gatewayNodeFlags, '-e', probe], { encoding: 'utf8' }));
    const untuned = Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }));
    expect(tuned).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(untuned).toBeGreaterThan(tuned);
  });

  it('names only the flags a command line lacks, by name, whatever value or spelling the user chose', () => {
    expect(missingGatewayFlags([])).toEqual([...gatewayNodeFlags]);
    expect(missingGatewayFlags(['--max_semi_space_size=16', '--heap-growing-percent=50'])).toEqual([]);
    expect(withGatewayFlags(['--enable-source-maps', '--max-semi-space-size=8'])).toEqual([
      '--enable-source-maps',
      '--max-semi-space-size=8',
      '--heap-growing-percent=30',
    ]);
  });
});
