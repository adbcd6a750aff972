/**
 * @module audit/audit-config
 * Changes that come from files rather than the API: the configuration applied at start-up (its
 * tenants and keys rewritten into the database) and prompt files reloaded while running.
 */
import { hostname } from 'node:os';
import type { TollgateConfig } from '../../schemas/config.js';
import type { PromptLibrary } from '../prompts/prompt-library.js';
import type { AuditTrail } from './audit-trail.js';

export function auditConfigSync(audit: AuditTrail, config: TollgateConfig): void {
  audit.record({
    actorKind: 'config',
    actor: 'configuration file',
    action: 'config.load',
    targetType: 'config',
    source: `${hostname()} pid ${process.pid}`,
    after: {
      tenants: Object.keys(config.tenants),
      operators: config.operators.map((operator) => operator.name),
      models: Object.keys(config.models),
      providers: Object.keys(config.providers),
    },
  });
}

export function auditPromptReloads(audit: AuditTrail, library: PromptLibrary): void {
  library.onChange((change) => {
    if (change.source !== 'file') return;
    audit.record({
      actorKind: 'file',
      actor: 'prompt files',
      action: 'prompts.reload',
      targetType: 'prompt',
      source: hostname(),
      after: { versions: library.names().flatMap((name) => library.versions(name).map((version) => `${name}@${version.definition.version}`)) },
    });
  });
}
