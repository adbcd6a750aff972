/**
 * @module test/helpers/browser
 * Headless Chromium from Debian (`apt-get install chromium`; `.ci/run` installs it when missing),
 * driven by playwright-core — which downloads no browser of its own. A fresh profile folder per
 * launch; flags keep it off the network and fit a root, GPU-less CI machine.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get update && apt-get install -y chromium (.ci/run does this)`);
  const profile = mkdtempSync(join(tmpdir(), 'tollgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    viewport,
    acceptDownloads: true,
    timeout: 60_000,
  });
  context.setDefaultTimeout(20_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
