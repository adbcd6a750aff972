/**
 * @module protocols/responses/schema
 * What a client may send to `POST /v1/responses` (OpenAI's Responses API), in zod: strict about
 * the types and ranges of the fields Tollgate reads, loose about the rest, so a newer parameter
 * still reaches an OpenAI upstream in the client's own bytes.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { z } from 'zod';

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().max(30_000_000).nullish(),
  file_id: z.string().max(256).nullish(),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});
const inputFile = z.looseObject({ type: z.literal('input_file'), file_data: z.string().optional(), file_id: z.string().max(256).nullish(), filename: z.string().max(1024).optional(), file_url: z.string().max(8192).optional() });
const contentPart = z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart).max(4096)]),
  id: z.string().max(256).optional(),
  status: z.string().max(32).optional(),
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  arguments: z.string(),
  id: z.string().max(256).optional(),
});
const functionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1).max(256),
  output: z.union([z.string(), z.array(contentPart).max(4096)]),
});
const reasoningItem = z.looseObject({ type: z.literal('reasoning'), id: z.string().max(256).optional(), summary: z.array(z.unknown()).max(1024).optional() });

/** A message without `type` is a message too (the easy input form). */
const inputItem = z.union([
  z.discriminatedUnion('type', [messageItem.extend({ type: z.literal('message') }), functionCallItem, functionCallOutputItem, reasoningItem]),
  messageItem,
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
/** Built-in tools (web search, file search...) exist only at OpenAI: taken as they are, refused when translating. */
const otherTool = z.looseObject({ type: z.string().min(1).max(64) });

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string().min(1).max(128) }),
  z.looseObject({ type: z.string().min(1).max(64) }),
]);

const textFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string(), z.array(inputItem).max(100_000)]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(z.union([functionTool, otherTool])).max(1024).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: textFormat.optional() }).optional(),
  reasoning: z.looseObject({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish() }).nullish(),
  max_output_tokens: z.number().int().min(1).max(10_000_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).max(256).nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  user: z.string().max(512).optional(),
  background: z.literal(false).nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof inputItem>;
export type ResponsesContentPart = z.infer<typeof contentPart>;
