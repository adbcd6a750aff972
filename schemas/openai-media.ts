/**
 * @module schemas/openai-media
 * The public contract of `/v1/images/generations`, `/v1/audio/speech` and `/v1/moderations`
 * (JSON bodies; transcriptions are multipart, read field by field): strict about what Tollgate
 * reads and bounds, loose about the rest, which reaches the upstream as sent.
 */
import { z } from 'zod';

export const imagesRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  prompt: z.string().min(1).max(32_000),
  n: z.number().int().min(1).max(10).nullish(),
  size: z.string().max(32).nullish(),
  quality: z.string().max(32).nullish(),
  response_format: z.enum(['url', 'b64_json']).nullish(),
  style: z.string().max(32).nullish(),
  user: z.string().max(512).optional(),
});

export const speechRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  input: z.string().min(1).max(4096),
  voice: z.union([z.string().min(1).max(64), z.looseObject({ id: z.string().max(256) })]),
  response_format: z.enum(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  instructions: z.string().max(4096).optional(),
});

const moderationPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string().max(1_000_000) }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().max(30_000_000) }) }),
]);

export const moderationsRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string().max(1_000_000), z.array(z.string().max(1_000_000)).min(1).max(2048), z.array(moderationPart).min(1).max(2048)]),
});

export type ImagesRequest = z.infer<typeof imagesRequestSchema>;
export type SpeechRequest = z.infer<typeof speechRequestSchema>;
export type ModerationsRequest = z.infer<typeof moderationsRequestSchema>;
