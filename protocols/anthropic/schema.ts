/**
 * @module protocols/anthropic/schema
 * What a client may send to `POST /v1/messages` and `/v1/messages/count_tokens`, in zod: strict
 * about the types and ranges of the fields Tollgate reads (every number bounded), loose about
 * fields it does not know, so a newer Anthropic parameter still reaches an Anthropic upstream in
 * the client's own bytes.
 * @see https://docs.anthropic.com/en/api/messages
 */
import { z } from 'zod';

const cacheControl = z.looseObject({ type: z.literal('ephemeral'), ttl: z.string().max(16).optional() }).nullish();

export const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });

const imageSource = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.looseObject({ type: z.literal('url'), url: z.string().regex(/^https?:\/\//i, 'must be an http(s) URL').max(8192) }),
]);
export const imageBlockSchema = z.looseObject({ type: z.literal('image'), source: imageSource, cache_control: cacheControl });

const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1).max(256),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema])).max(256)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text'), media_type: z.literal('text/plain').optional(), data: z.string() }),
    z.looseObject({ type: z.literal('base64'), media_type: z.string().max(128), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string().max(8192) }),
  ]),
  title: z.string().nullish(),
});

const contentBlock = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  documentBlock,
]);

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock).max(4096)]),
});

const tool = z.looseObject({
  type: z.literal('custom').nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, underscores or dashes'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  strict: z.boolean().optional(),
  cache_control: cacheControl,
});

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallel }),
  z.looseObject({ type: z.literal('any'), ...parallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1).max(128), ...parallel }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinking = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1).max(10_000_000) }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);

const outputConfig = z.looseObject({
  format: z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
});

const promptFields = {
  model: z.string().min(1).max(256),
  messages: z.array(message).min(1).max(100_000),
  system: z.union([z.string(), z.array(textBlockSchema).max(1024)]).optional(),
  tools: z.array(tool).max(1024).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
};

export const messagesRequestSchema = z.looseObject({
  ...promptFields,
  max_tokens: z.number().int().min(1).max(10_000_000),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).max(1_000_000).optional(),
  stop_sequences: z.array(z.string().max(10_000)).max(64).optional(),
  metadata: z.looseObject({ user_id: z.string().max(512).nullish() }).optional(),
});

export const countTokensRequestSchema = z.looseObject(promptFields);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type MessageParam = z.infer<typeof message>;
export type ContentBlockParam = z.infer<typeof contentBlock>;
