/**
 * @module schemas/config
 * The configuration file's contract. Strict everywhere: an unknown key is an error that names its
 * path, because a misspelt `timeoutMS` silently ignored is worse than a refusal to start.
 */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const headerMap = z.record(z.string(), z.string());

const directModels = z
  .union([z.boolean(), z.array(z.string().min(1))])
  .default(false)
  .describe('allow requests to name `provider/model` directly: true for any model, or a list');

/** Fields every HTTP provider accepts. */
const httpProviderFields = {
  baseURL: httpUrl,
  apiKey: z.string().min(1).optional(),
  headers: headerMap.default({}),
  timeoutMs: z.number().int().positive().default(600_000),
  maxConnections: z.number().int().positive().default(256),
  directModels,
};

export const openAIProviderSchema = z.strictObject({
  type: z.enum(['openai', 'openai-compatible']),
  ...httpProviderFields,
});

export const azureOpenAIProviderSchema = z.strictObject({
  type: z.literal('azure-openai'),
  ...httpProviderFields,
  apiKey: z.string().min(1),
  apiVersion: z.string().min(1),
});

export const anthropicProviderSchema = z.strictObject({
  type: z.literal('anthropic'),
  ...httpProviderFields,
  baseURL: httpUrl.default('https://api.anthropic.com'),
  apiKey: z.string().min(1),
  /** Anthropic requires max_tokens; used when the client sends none. */
  defaultMaxTokens: z.number().int().positive().default(4096),
});

export const geminiProviderSchema = z.strictObject({
  type: z.literal('gemini'),
  ...httpProviderFields,
  baseURL: httpUrl.default('https://generativelanguage.googleapis.com'),
  apiKey: z.string().min(1),
  apiVersion: z.string().default('v1beta'),
});

export const mockProviderSchema = z.strictObject({
  type: z.literal('mock'),
  /** Delay before the first byte of every answer. */
  latencyMs: z.number().int().min(0).default(0),
  /** Delay between streamed chunks. */
  chunkDelayMs: z.number().int().min(0).default(0),
  /** How many content chunks a streamed answer is cut into (at most one per word). */
  chunks: z.number().int().min(1).default(8),
  /** Fixed prompt token count to report; by default, counted from the request (about 4 chars a token). */
  promptTokens: z.number().int().min(0).optional(),
  /** Length of generated text, in tokens (words), for models other than `echo`. */
  completionTokens: z.number().int().min(1).default(16),
  directModels,
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openAIProviderSchema,
  azureOpenAIProviderSchema,
  anthropicProviderSchema,
  geminiProviderSchema,
  mockProviderSchema,
]);

export const modelConfigSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** Shown by `/v1/models` as `owned_by`; the provider's name by default. */
  ownedBy: z.string().optional(),
});

export const serverConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(8787),
  host: z.string().default('0.0.0.0'),
  /** Requests with a larger body get 413. Images as data URLs make chat bodies large. */
  bodyLimitBytes: z.number().int().positive().default(20 * 1024 * 1024),
  /** On SIGTERM, how long in-flight requests may run before the process exits anyway. */
  shutdownGraceMs: z.number().int().min(0).default(30_000),
});

export const configSchema = z
  .strictObject({
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    providers: z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'provider names use letters, digits, _ . -'), providerConfigSchema),
    models: z.record(z.string().min(1), modelConfigSchema).default({}),
  })
  .superRefine((config, context) => {
    for (const [name, model] of Object.entries(config.models)) {
      if (!(model.provider in config.providers)) {
        context.addIssue({
          code: 'custom',
          path: ['models', name, 'provider'],
          message: `names provider "${model.provider}", which is not configured (configured: ${Object.keys(config.providers).join(', ') || 'none'})`,
        });
      }
    }
  });

export type TollgateConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type MockProviderConfig = z.infer<typeof mockProviderSchema>;
export type OpenAIProviderConfig = z.infer<typeof openAIProviderSchema>;
export type AzureOpenAIProviderConfig = z.infer<typeof azureOpenAIProviderSchema>;
export type AnthropicProviderConfig = z.infer<typeof anthropicProviderSchema>;
export type GeminiProviderConfig = z.infer<typeof geminiProviderSchema>;
