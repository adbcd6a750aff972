/**
 * @module prompt-api/present-prompt
 * How prompts look in `GET /v1/prompts` and `GET /v1/prompts/{name}`.
 */
import type { PromptCatalog, PromptVersion } from '../prompts/types.js';

export function promptSummary(version: PromptVersion) {
  const { definition } = version;
  return {
    name: definition.name,
    description: definition.description,
    latest_version: definition.version,
    output: definition.output.type,
    model: definition.model,
    visibility: definition.visibility,
    owner: definition.owner ?? null,
  };
}

export function promptDetails(catalog: PromptCatalog, latest: PromptVersion) {
  const { definition } = latest;
  return {
    name: definition.name,
    description: definition.description,
    owner: definition.owner ?? null,
    visibility: definition.visibility,
    versions: catalog.versions(definition.name).map((version) => ({
      version: version.definition.version,
      model: version.definition.model,
      deprecated: version.deprecatedAt !== null,
      input_schema: version.definition.input,
      output: version.definition.output,
      created_at: new Date(version.createdAt).toISOString(),
    })),
  };
}
