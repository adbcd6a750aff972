/**
 * bench/lib/scenarios.ts — the requests each scenario sends, per kind of target.
 *
 * Tollgate gets OpenAI-shaped requests with the tenant key (and the prompt API call); the fake
 * upstream called directly and the plain proxy get what Tollgate itself sends upstream for that
 * scenario (OpenAI chat for OpenAI-compatible, an Anthropic Messages request for the translated
 * scenario), so "vs direct" and "vs plain proxy" compare the same upstream work.
 */
import { benchKey, benchModels, pacedChunkDelayMs, pacedChunks, pacedUpstreamModel } from './gateway-config.js';
import type { HttpRequest } from './load.js';
import { restRequest } from './rest-scenario.js';

export type TargetKind = 'direct' | 'plain' | 'tollgate';
export type ScenarioId = 'chat' | 'stream' | 'anthropic' | 'prompt' | 'large' | 'anthropic-stream' | 'paced' | 'anthropic-paced' | 'rest';

export const scenarioTitles: Record<ScenarioId, string> = {
  chat: 'Chat, non-streamed (OpenAI-compatible)',
  stream: 'Chat, streamed (64 chunks)',
  anthropic: 'Anthropic translation, non-streamed',
  prompt: 'Prompt API call (POST /v1/prompts/bench-echo)',
  large: 'Chat with a 100 KB prompt',
  'anthropic-stream': 'Anthropic translation, streamed (64 chunks)',
  paced: `Streamed, ${pacedChunks} chunks ${pacedChunkDelayMs} ms apart (OpenAI-compatible)`,
  'anthropic-paced': `Streamed, ${pacedChunks} chunks ${pacedChunkDelayMs} ms apart (Anthropic translation)`,
  rest: 'REST proxy: a service mount passing a small POST through (bench/lib/rest-scenario.ts)',
};

const question = 'Say hello to the benchmark in one short sentence.';
const largeText = makeLargeText(100 * 1024);

function makeLargeText(bytes: number): string {
  const sentence = 'The quick brown fox jumps over the lazy dog while the gateway meters every token. ';
  return sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes);
}

function json(path: string, body: unknown, headers: Record<string, string>): HttpRequest {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const tollgateHeaders = { authorization: `Bearer ${benchKey}` };
const anthropicHeaders = { 'x-api-key': 'sk-ant-bench-fake-anthropic-key', 'anthropic-version': '2026-10-21' };
const upstreamHeaders = { authorization: 'Bearer sk-bench-fake-openai-key' };

function openAIChat(model: string, content: string, extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: 'user', content }], max_tokens: 64, ...extra };
}
const streamed = { stream: true, stream_options: { include_usage: true } };

function anthropicMessages(model: string, extra: Record<string, unknown> = {}) {
  return { model, max_tokens: 64, messages: [{ role: 'user', content: question }], ...extra };
}

/** The request for a scenario on a kind of target. */
export function requestFor(scenario: ScenarioId, kind: TargetKind): HttpRequest {
  if (scenario === 'rest') return restRequest(kind === 'tollgate' ? benchKey : undefined);
  if (kind === 'tollgate') {
    switch (scenario) {
      case 'chat':
        return json('/v1/chat/completions', openAIChat(benchModels.openai, question), tollgateHeaders);
      case 'stream':
        return json('/v1/chat/completions', openAIChat(benchModels.openai, question, streamed), tollgateHeaders);
      case 'anthropic':
        return json('/v1/chat/completions', openAIChat(benchModels.anthropic, question), tollgateHeaders);
      case 'anthropic-stream':
        return json('/v1/chat/completions', openAIChat(benchModels.anthropic, question, streamed), tollgateHeaders);
      case 'prompt':
        return json('/v1/prompts/bench-echo', { text: question }, tollgateHeaders);
      case 'large':
        return json('/v1/chat/completions', openAIChat(benchModels.openai, largeText), tollgateHeaders);
      case 'paced':
        return json('/v1/chat/completions', openAIChat(benchModels.openaiPaced, question, streamed), tollgateHeaders);
      case 'anthropic-paced':
        return json('/v1/chat/completions', openAIChat(benchModels.anthropicPaced, question, streamed), tollgateHeaders);
    }
  }
  switch (scenario) {
    case 'chat':
    case 'prompt': // what the prompt call sends upstream: one small chat completion
      return json('/v1/chat/completions', openAIChat('bench-upstream', question), upstreamHeaders);
    case 'stream':
      return json('/v1/chat/completions', openAIChat('bench-upstream', question, streamed), upstreamHeaders);
    case 'large':
      return json('/v1/chat/completions', openAIChat('bench-upstream', largeText), upstreamHeaders);
    case 'paced':
      return json('/v1/chat/completions', openAIChat(pacedUpstreamModel, question, streamed), upstreamHeaders);
    case 'anthropic':
      return json('/v1/messages', anthropicMessages('claude-bench'), anthropicHeaders);
    case 'anthropic-stream':
      return json('/v1/messages', anthropicMessages('claude-bench', { stream: true }), anthropicHeaders);
    case 'anthropic-paced':
      return json('/v1/messages', anthropicMessages(pacedUpstreamModel, { stream: true }), anthropicHeaders);
  }
}
