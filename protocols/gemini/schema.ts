/**
 * @module protocols/gemini/schema
 * What a client may send to `:generateContent` and `:streamGenerateContent` (Google's Gemini API,
 * as `@google/genai` writes it), in zod: strict about the types and ranges of the fields Tollgate
 * reads, loose about the rest.
 * @see https://ai.google.dev/api/generate-content
 */
import { z } from 'zod';

const blob = z.looseObject({ mimeType: z.string().min(1).max(256), data: z.string().min(1) });
const part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: blob.optional(),
  fileData: z.looseObject({ mimeType: z.string().max(256).optional(), fileUri: z.string().min(1).max(8192) }).optional(),
  functionCall: z.looseObject({ id: z.string().max(256).optional(), name: z.string().min(1).max(128), args: z.record(z.string(), z.unknown()).optional() }).optional(),
  functionResponse: z.looseObject({ id: z.string().max(256).optional(), name: z.string().min(1).max(128), response: z.record(z.string(), z.unknown()).optional() }).optional(),
});

const content = z.looseObject({ role: z.enum(['user', 'model', 'function']).optional(), parts: z.array(part).max(4096) });

const functionDeclaration = z.looseObject({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/, 'must start with a letter or underscore: letters, digits, _ . : - (at most 64)'),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parametersJsonSchema: z.record(z.string(), z.unknown()).optional(),
});

const generationConfig = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().min(0).max(1_000_000).optional(),
  candidateCount: z.number().int().min(1).max(8).optional(),
  maxOutputTokens: z.number().int().min(1).max(10_000_000).optional(),
  stopSequences: z.array(z.string().max(10_000)).max(16).optional(),
  seed: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  responseMimeType: z.string().max(128).optional(),
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  responseJsonSchema: z.record(z.string(), z.unknown()).optional(),
  thinkingConfig: z.looseObject({ thinkingBudget: z.number().int().min(-1).max(10_000_000).optional(), includeThoughts: z.boolean().optional() }).optional(),
});

export const generateContentRequestSchema = z.looseObject({
  contents: z.array(content).min(1).max(100_000),
  systemInstruction: content.optional(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(functionDeclaration).max(1024).optional() })).max(128).optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z.looseObject({ mode: z.enum(['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED']).optional(), allowedFunctionNames: z.array(z.string().max(128)).max(1024).optional() }).optional(),
    })
    .optional(),
  generationConfig: generationConfig.optional(),
});

export type GenerateContentRequest = z.infer<typeof generateContentRequestSchema>;
export type GeminiContent = z.infer<typeof content>;
export type GeminiPart = z.infer<typeof part>;
