/**
 * The Anthropic SDK, the OpenAI Responses API and Google's SDK against Tollgate: each changes only
 * its base URL and key. Run with `npx tsx examples/other-protocol-clients.ts [model]` against a
 * running gateway (default model `demo`, the built-in mock of `tollgate.yaml`).
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';

const gateway = process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8787';
const apiKey = process.env.TOLLGATE_KEY ?? 'tg_demo_local_development_key';
const model = process.argv[2] ?? 'demo';

const claude = new Anthropic({ baseURL: gateway, apiKey });
const message = await claude.messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Hello from the Anthropic SDK' }] });
console.log('messages:', message.content);
const streamed = await claude.messages.stream({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Stream, please' }] }).finalMessage();
console.log('messages (streamed):', streamed.content, streamed.usage);

const openai = new OpenAI({ baseURL: `${gateway}/v1`, apiKey });
const first = await openai.responses.create({ model, input: 'Hello from the Responses API' });
console.log('responses:', first.output_text);
const followUp = await openai.responses.create({ model, input: 'And again', previous_response_id: first.id });
console.log('responses (continued):', followUp.output_text);

const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: gateway } });
const generated = await ai.models.generateContent({ model, contents: 'Hello from Google’s SDK' });
console.log('gemini:', generated.text, generated.usageMetadata);
