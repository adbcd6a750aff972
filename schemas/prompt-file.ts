/**
 * @module schemas/prompt-file
 * The contract of a prompt: a YAML file in `prompts/` (one prompt version per file) or the body of
 * `POST /admin/prompts`. A prompt becomes the endpoint `POST /v1/prompts/{name}`: its `input`
 * JSON Schema validates the request body (the variables), its `messages` are rendered with those
 * variables, and its `output` says whether the answer is text or JSON matching a schema.
 */
import { z } from 'zod';
import { maxOutputTokensLimit, maxSeedMagnitude } from './limits.js';

/** Versions count up from 1 by publishing; a file may pick its own, below this. */
export const maxPromptVersion = 1_000_000_000;

export const promptNamePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const promptMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  /** Text with `{{variable}}` placeholders; `{{variable}}` must name a property of `input`. */
  content: z.string().min(1),
});

/** Generation parameters passed to the chat call. */
export const promptParametersSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().max(maxOutputTokensLimit).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  seed: z.number().int().min(-maxSeedMagnitude).max(maxSeedMagnitude).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});

export const promptOutputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json'), schema: jsonSchemaObject }),
]);

export const promptDefinitionSchema = z.strictObject({
  name: z.string().regex(promptNamePattern, 'prompt names use lowercase letters, digits and dashes (at most 64)'),
  version: z.number().int().positive().max(maxPromptVersion),
  description: z.string().max(2000).default(''),
  /** A public model name from the configuration. */
  model: z.string().min(1),
  parameters: promptParametersSchema.default({}),
  /** JSON Schema (draft 2020-12) of the variables: an object schema. */
  input: jsonSchemaObject.refine((schema) => schema.type === 'object', 'must be an object schema (type: object)'),
  output: promptOutputSchema.default({ type: 'text' }),
  messages: z.array(promptMessageSchema).min(1),
  examples: z.array(z.strictObject({ input: z.record(z.string(), z.unknown()), output: z.unknown().optional() })).default([]),
  /** Who may call it: only its owner tenant, anyone, or the owner and `sharedWith`. */
  visibility: z.enum(['private', 'public', 'shared']).default('public'),
  /** The owning tenant; none for prompts an operator publishes (files, the admin key). */
  owner: z.string().min(1).optional(),
  sharedWith: z.array(z.string().min(1)).default([]),
  /** A deprecated version still answers, with a `Deprecation` header; callers should move on. */
  deprecated: z.boolean().default(false),
});

export type PromptDefinition = z.infer<typeof promptDefinitionSchema>;
export type PromptMessage = z.infer<typeof promptMessageSchema>;
