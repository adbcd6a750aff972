/**
 * @module openapi/build-document
 * The OpenAPI 3.1 document of Tollgate's HTTP surface. The static part (every route, components)
 * is built once; each published prompt adds its own path, built once per prompt version. A call
 * only assembles the two, so serving the document per request is cheap.
 *
 * @example
 * const document = buildOpenApiDocument({ prompts: [library.latest('sentiment')!] });
 * document.paths['/v1/prompts/sentiment'].post.operationId; // 'callPrompt_sentiment'
 */
import type { PromptVersion } from '../prompts/index.js';
import { buildComponents } from './components.js';
import { deepFreeze } from './deep-freeze.js';
import type { OpenApiDocument, Paths } from './openapi-types.js';
import { packageVersion } from './package-version.js';
import { adminPaths } from './paths-admin.js';
import { defaultExampleModel, openAiPaths, withExampleModel } from './paths-openai.js';
import { protocolPaths } from './paths-protocols.js';
import { adminPromptPaths, tenantPromptPaths } from './paths-prompts.js';
import { servicePaths } from './paths-service.js';
import { observabilityPaths } from './paths-observability.js';
import { publishedPromptPaths } from './published-prompt-paths.js';
import { reportPaths } from './paths-reports.js';
import { passThroughPaths, restServiceRoutePaths, type DocumentedService } from './paths-rest-services.js';

export interface BuildOpenApiOptions {
  /** The prompts to give a path each: the latest version of each. */
  prompts: readonly PromptVersion[];
  /** `servers[0].url`; default `/`, the origin the document is served from. */
  serverUrl?: string;
  /** The model the chat and embeddings examples name: one this gateway serves (default `demo`). */
  exampleModel?: string;
  /** The configured REST services, each documented as a pass-through path at its mount. */
  services?: readonly DocumentedService[];
}

const tags = deepFreeze([
  { name: 'chat', description: 'OpenAI-compatible chat completions, for every provider.' },
  { name: 'embeddings', description: 'OpenAI-compatible embeddings.' },
  { name: 'models', description: 'The configured models.' },
  { name: 'responses', description: 'OpenAI’s Responses API, for every configured model, with stored responses per tenant.' },
  { name: 'gemini', description: 'Google’s Gemini API (`generateContent`, `streamGenerateContent`), for every configured model; errors in Google’s shape.' },
  { name: 'media', description: 'Images, speech, transcriptions and moderations for OpenAI-compatible providers, billed per image, character or second.' },
  { name: 'anthropic', description: 'Anthropic’s Messages API, for every configured model; errors in Anthropic’s shape.' },
  { name: 'prompts', description: 'Published prompts as REST endpoints: each has its own path, with its input and output schemas.' },
  { name: 'admin', description: 'Tenants, keys, operators, prompt publishing, the call log and usage: operator keys or the admin key.' },
  { name: 'reports', description: 'Finance: usage and cost reports, trends, budgets and alerts; operators see every tenant, a tenant key its own.' },
  { name: 'services', description: 'REST services behind Tollgate: each mount passes every method and sub-path through to a healthy target.' },
  { name: 'health', description: 'Liveness and readiness.' },
  { name: 'docs', description: 'This document and its browser view.' },
]);

const description = [
  'An OpenAI-compatible AI gateway: one API over many model providers, metered and limited per tenant.',
  '`/v1` takes a tenant key (`Authorization: Bearer <key>` or `x-api-key`); `/v1beta` (Gemini) also `x-goog-api-key` or `?key=`; `/admin` an operator key or `TOLLGATE_ADMIN_KEY`.',
  'Every failure answers `{"error": {"message", "type", "param", "code"}}` — except on the Anthropic routes (`{"type":"error","error":{"type","message"}}`) and the Gemini routes (`{"error":{"code","message","status"}}`); every response carries `x-request-id`. A known path asked with another method answers 405 with `Allow`.',
  'Prompts listed here are those the presented key may call (public prompts without a key).',
].join('\n\n');

interface StaticDocument {
  info: OpenApiDocument['info'];
  /** Paths before and after the published prompts', so those sit beside the other prompt routes. */
  pathsBefore: Paths;
  pathsAfter: Paths;
  components: OpenApiDocument['components'];
}

let staticDocument: StaticDocument | undefined;

function buildStatic(): StaticDocument {
  return deepFreeze({
    info: { title: 'Tollgate', version: packageVersion(), description },
    pathsBefore: { ...openAiPaths(), ...protocolPaths(), ...tenantPromptPaths() },
    pathsAfter: { ...adminPaths(), ...adminPromptPaths(), ...reportPaths(), ...restServiceRoutePaths(), ...servicePaths(), ...observabilityPaths() },
    components: buildComponents(),
  });
}

export function buildOpenApiDocument(options: BuildOpenApiOptions): OpenApiDocument {
  staticDocument ??= buildStatic();
  const { info, pathsBefore, pathsAfter, components } = staticDocument;
  const promptPaths: Paths = {};
  const promptSchemas: OpenApiDocument['components']['schemas'] = {};
  for (const version of latestByName(options.prompts)) {
    const published = publishedPromptPaths(version);
    Object.assign(promptPaths, published.paths);
    Object.assign(promptSchemas, published.schemas);
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: options.serverUrl ?? '/', description: 'This gateway' }],
    tags,
    paths: { ...withExampleModel(pathsBefore, options.exampleModel ?? defaultExampleModel), ...promptPaths, ...pathsAfter, ...passThroughPaths(options.services ?? []) },
    components: { ...components, schemas: { ...components.schemas, ...promptSchemas } },
  };
}

/** One version per name (the highest), sorted by name, so the document is stable. */
function latestByName(prompts: readonly PromptVersion[]): PromptVersion[] {
  const byName = new Map<string, PromptVersion>();
  for (const version of prompts) {
    const { name, version: number } = version.definition;
    const current = byName.get(name);
    if (!current || current.definition.version < number) byName.set(name, version);
  }
  return [...byName.values()].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
}
