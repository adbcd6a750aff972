/**
 * @module protocols/completions/schema
 * What a client may send to the legacy `POST /v1/completions`, in zod, every number bounded.
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
import { z } from 'zod';

export const completionsRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  prompt: z.union([z.string(), z.array(z.string()).min(1).max(1)]),
  max_tokens: z.number().int().min(1).max(10_000_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  echo: z.boolean().nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  user: z.string().max(512).optional(),
  best_of: z.literal(1).nullish(),
  logprobs: z.null().optional(),
  suffix: z.null().optional(),
});

export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;
