/**
 * bench/scenarios/builtin.ts — the bench's own scenarios: chat (non-streamed, streamed, with a
 * 100 KB prompt), the Anthropic translation (both ways), the prompt API, and the paced streams
 * that check chunks are forwarded as they arrive. See bench/lib/scenarios.ts for the shape.
 */
import { benchKey, benchModels, pacedChunkDelayMs, pacedChunks, pacedUpstreamModel } from '../lib/gateway-config.js';
import { json, type Scenario } from '../lib/scenarios.js';

const question = 'Say hello to the benchmark in one short sentence.';
const largeText = makeLargeText(100 * 1024);

function makeLargeText(bytes: number): string {
  const sentence = 'The quick brown fox jumps over the lazy dog while the gateway meters every token. ';
  return sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes);
}

export const tollgateHeaders = { authorization: `Bearer ${benchKey}` };
export const upstreamHeaders = { authorization: 'Bearer sk-bench-fake-openai-key' };
const anthropicHeaders = { 'x-api-key': 'sk-ant-bench-fake-anthropic-key', 'anthropic-version': '2026-10-21' };
/** Portkey: the provider by header (the peer's start adds `x-portkey-custom-host`, the fake's URL). */
const portkeyOpenAI = { ...upstreamHeaders, 'x-portkey-provider': 'openai' };
const portkeyAnthropic = { authorization: 'Bearer sk-ant-bench-fake-anthropic-key', 'x-portkey-provider': 'anthropic' };

export function openAIChat(model: string, content: string, extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: 'user', content }], max_tokens: 64, ...extra };
}
const streamed = { stream: true, stream_options: { include_usage: true } };

function anthropicMessages(model: string, extra: Record<string, unknown> = {}) {
  return { model, max_tokens: 64, messages: [{ role: 'user', content: question }], ...extra };
}

const chatPath = '/v1/chat/completions';
/** The fake's own chat request: what Tollgate sends upstream for a small chat completion. */
const upstreamChat = json(chatPath, openAIChat('bench-upstream', question), upstreamHeaders);
const portkeyChat = json(chatPath, openAIChat('bench-upstream', question), portkeyOpenAI);

export const builtinScenarios: Scenario[] = [
  {
    id: 'chat',
    title: 'Chat, non-streamed (OpenAI-compatible)',
    tollgate: json(chatPath, openAIChat(benchModels.openai, question), tollgateHeaders),
    upstream: upstreamChat,
    portkey: portkeyChat,
    throughput: true,
    quick: true,
    target: 0.6,
    redis: true,
    redisTarget: 0.5,
  },
  {
    id: 'stream',
    title: 'Chat, streamed (64 chunks)',
    tollgate: json(chatPath, openAIChat(benchModels.openai, question, streamed), tollgateHeaders),
    upstream: json(chatPath, openAIChat('bench-upstream', question, streamed), upstreamHeaders),
    portkey: json(chatPath, openAIChat('bench-upstream', question, streamed), portkeyOpenAI),
    throughput: true,
    quick: true,
    target: 0.5,
  },
  {
    id: 'anthropic',
    title: 'Anthropic translation, non-streamed',
    tollgate: json(chatPath, openAIChat(benchModels.anthropic, question), tollgateHeaders),
    upstream: json('/v1/messages', anthropicMessages('claude-bench'), anthropicHeaders),
    portkey: json(chatPath, openAIChat('claude-bench', question), portkeyAnthropic),
    throughput: true,
    quick: true,
    target: 0.45,
  },
  {
    id: 'prompt',
    title: 'Prompt API call (POST /v1/prompts/bench-echo)',
    tollgate: json('/v1/prompts/bench-echo', { text: question }, tollgateHeaders),
    // What the prompt call sends upstream: one small chat completion.
    upstream: upstreamChat,
    throughput: true,
  },
  {
    id: 'large',
    title: 'Chat with a 100 KB prompt',
    tollgate: json(chatPath, openAIChat(benchModels.openai, largeText), tollgateHeaders),
    upstream: json(chatPath, openAIChat('bench-upstream', largeText), upstreamHeaders),
    throughput: true,
  },
  {
    id: 'anthropic-stream',
    title: 'Anthropic translation, streamed (64 chunks)',
    tollgate: json(chatPath, openAIChat(benchModels.anthropic, question, streamed), tollgateHeaders),
    upstream: json('/v1/messages', anthropicMessages('claude-bench', { stream: true }), anthropicHeaders),
  },
  {
    id: 'paced',
    title: `Streamed, ${pacedChunks} chunks ${pacedChunkDelayMs} ms apart (OpenAI-compatible)`,
    tollgate: json(chatPath, openAIChat(benchModels.openaiPaced, question, streamed), tollgateHeaders),
    upstream: json(chatPath, openAIChat(pacedUpstreamModel, question, streamed), upstreamHeaders),
  },
  {
    id: 'anthropic-paced',
    title: `Streamed, ${pacedChunks} chunks ${pacedChunkDelayMs} ms apart (Anthropic translation)`,
    tollgate: json(chatPath, openAIChat(benchModels.anthropicPaced, question, streamed), tollgateHeaders),
    upstream: json('/v1/messages', anthropicMessages(pacedUpstreamModel, { stream: true }), anthropicHeaders),
  },
];
