// A/B: old build vs current build, same config, chat/prompt/anthropic at saturation, alternating.
import { writeGatewayConfig } from './lib/gateway-config.ts';
import { startProcess, freePort, pinSelf } from './lib/processes.ts';
import { maxThroughput } from './lib/load.ts';
import { requestFor } from './lib/scenarios.ts';
pinSelf('1');
const fake = await startProcess({ name: 'fake', nodeArgs: ['--import', 'tsx', 'bench/fake-upstream.ts'], cpus: '1', cwd: process.cwd(), listening: /"url":"([^"]+)"/ });
const builds = { old: '/tmp/tb/old', new: process.cwd() };
for (const round of [1, 2]) {
  for (const [name, root] of Object.entries(builds)) {
    const config = writeGatewayConfig({ dir: `/tmp/tb/ab-${name}-${round}`, repoRoot: process.cwd(), fakeUrl: fake.url, label: 'ab' });
    const gw = await startProcess({ name, nodeArgs: ['dist/src/cli/main.js', 'serve', '--config', config.path, '--port', String(await freePort())], cpus: '0', cwd: root, listening: /"message":"tollgate listening","url":"([^"]+)"/, readyPath: '/readyz' });
    await maxThroughput(gw.url, requestFor('chat', 'tollgate'), { connections: 32, durationS: 3 });
    const out: string[] = [];
    for (const sc of ['chat', 'prompt', 'anthropic'] as const) {
      await maxThroughput(gw.url, requestFor(sc, 'tollgate'), { connections: 32, durationS: 1 });
      const r = await maxThroughput(gw.url, requestFor(sc, 'tollgate'), { connections: 32, durationS: 4 });
      out.push(`${sc} ${r.rps.toFixed(0)}${r.non2xx ? ` (non2xx ${r.non2xx})` : ''}`);
    }
    console.log(`round ${round} ${name}: ${out.join(', ')}`);
    await gw.stop();
  }
}
await fake.stop();
