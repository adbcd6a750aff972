/**
 * Calls Tollgate with the official OpenAI SDK: the only change from calling OpenAI is `baseURL`.
 * Start the gateway (`npm start`), then run: npx tsx examples/openai-sdk-client.ts [model]
 */
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8787/v1',
  apiKey: process.env.TOLLGATE_API_KEY ?? 'tg_demo_local_development_key',
});
const model = process.argv[2] ?? 'demo';

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Hello from the OpenAI SDK!' }],
});
console.log('completion:', completion.choices[0].message.content, completion.usage);

const stream = client.chat.completions.stream({
  model,
  messages: [{ role: 'user', content: 'Stream this sentence back to me, please.' }],
  stream_options: { include_usage: true },
});
stream.on('content', (delta) => process.stdout.write(delta));
const final = await stream.finalChatCompletion();
console.log('\nstreamed:', final.choices[0].finish_reason, final.usage);

const withTools = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
});
console.log('tool calls:', JSON.stringify(withTools.choices[0].message.tool_calls));

const embeddings = await client.embeddings.create({ model, input: ['tollgate', 'gateway'] });
console.log('embedding dimensions:', embeddings.data[0].embedding.length);

const models = await client.models.list();
console.log('models:', models.data.map((entry) => entry.id).join(', '));
