import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from './load-config.js';

function problemsOf(text: string, environment: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, 'test.yaml', environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('accepts the documented shape and fills in defaults', () => {
    const config = parseConfigText(
      `
server: { port: 9000 }
providers:
  openai:    { type: openai, baseURL: https://api.openai.com/v1, apiKey: "\${OPENAI_API_KEY}" }
  anthropic: { type: anthropic, baseURL: https://api.anthropic.com, apiKey: "\${ANTHROPIC_API_KEY}" }
  gemini:    { type: gemini, baseURL: https://generativelanguage.googleapis.com, apiKey: "\${GEMINI_API_KEY}" }
  local:     { type: openai-compatible, baseURL: http://127.0.0.1:11434/v1 }
  azure:     { type: azure-openai, baseURL: https://name.openai.azure.com, apiKey: "\${AZURE_KEY}", apiVersion: "2024-10-21" }
  demo:      { type: mock }
models:
  gpt-4o-mini:   { provider: openai,    model: gpt-4o-mini }
  demo:          { provider: demo,      model: echo }
`,
      'test.yaml',
      { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', GEMINI_API_KEY: 'g', AZURE_KEY: 'z' },
    );
    expect(config.server).toMatchObject({ port: 9000, host: '0.0.0.0' });
    expect(config.providers.openai).toMatchObject({ apiKey: 'sk-o', timeoutMs: 600000, headers: {}, directModels: false });
    expect(config.providers.demo).toMatchObject({ type: 'mock', chunks: 8 });
  });

  it('names every unknown key and wrong type with its path', () => {
    const problems = problemsOf(`
server: { port: "eighty", colour: blue }
providers:
  x: { type: mock, latencyMS: 5 }
  y: { type: telepathy }
models:
  m: { provider: nowhere, model: q }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.port: must be a number, not the string "eighty"',
        'server: has an unknown key "colour". Allowed: port, host, bodyLimitBytes, shutdownGraceMs, bodyTimeoutMs, maxJsonDepth',
        'providers.x: has an unknown key "latencyMS". Did you mean "latencyMs"? Allowed: type, latencyMs, chunkDelayMs, chunks, promptTokens, completionTokens, directModels',
        'providers.y.type: must be one of "openai", "openai-compatible", "azure-openai", "anthropic", "gemini", "mock" (got "telepathy")',
      ]),
    );
  });

  it('names a model whose provider is not configured', () => {
    expect(problemsOf('providers: { a: { type: mock } }\nmodels: { m: { provider: b, model: x } }')).toEqual([
      'models.m.provider: names the provider "b", which is not configured. Configured providers: a.',
    ]);
  });

  it('names each missing environment variable, supports defaults and escapes', () => {
    expect(problemsOf('providers: { o: { type: openai, baseURL: "http://x", apiKey: "${NOPE}" } }')).toEqual([
      'providers.o.apiKey: environment variable NOPE is not set',
    ]);
    const config = parseConfigText(
      'providers: { o: { type: openai, baseURL: "${BASE:-http://fallback/v1}", headers: { x-literal: "$${NOT_A_VAR}" } } }',
      't',
      {},
    );
    expect(config.providers.o).toMatchObject({ baseURL: 'http://fallback/v1', headers: { 'x-literal': '${NOT_A_VAR}' } });
  });

  it('cannot be broken out of by an environment value', () => {
    const config = parseConfigText('providers: { o: { type: openai, baseURL: "http://x", apiKey: "${KEY}" } }', 't', { KEY: 'a"\n  type: mock' });
    expect(config.providers.o).toMatchObject({ type: 'openai', apiKey: 'a"\n  type: mock' });
  });

  it('reports YAML syntax errors and duplicate keys', () => {
    expect(problemsOf('providers: { a: [ }')[0]).toMatch(/^YAML:/);
    expect(problemsOf('providers: {}\nproviders: {}')[0]).toMatch(/^YAML:.*[Uu]nique|duplicate/i);
  });
});

describe('shipped configurations', () => {
  it('the default tollgate.yaml and examples/tollgate.full.yaml validate', async () => {
    const { loadConfigFile } = await import('./load-config.js');
    const root = new URL('../../', import.meta.url).pathname;
    expect(Object.keys(loadConfigFile(`${root}tollgate.yaml`, {}).models)).toEqual(['demo', 'demo-lorem']);
    const full = loadConfigFile(`${root}examples/tollgate.full.yaml`, {
      OPENAI_API_KEY: 'sk-x',
      ANTHROPIC_API_KEY: 'sk-ant-x',
      GEMINI_API_KEY: 'g',
      AZURE_KEY: 'z',
      ACME_KEY: 'tg_acme_example_key_0000',
      FINANCE_KEY: 'tg_finance_example_key_00',
    });
    expect(Object.keys(full.providers)).toEqual(['openai', 'anthropic', 'gemini', 'local', 'azure', 'demo']);
    expect(full.tenants.acme.timeZone).toBe('Europe/Berlin');
  });
});
