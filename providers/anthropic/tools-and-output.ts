/**
 * @module providers/anthropic/tools-and-output
 * The request options beside the messages: OpenAI tools and `tool_choice` → Anthropic tools and
 * tool choice (`parallel_tool_calls: false` → `disable_parallel_tool_use`), and `response_format`
 * plus `reasoning_effort` → `output_config` (native structured outputs and effort) or, for
 * `json_object`, which has no schema, a system instruction.
 */
import type { JSONOutputFormat, OutputConfig, Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionRequest, ChatResponseFormat, ChatTool, ChatToolChoice } from '../../schemas/openai-chat.js';
import { badRequest } from '../../src/errors/gateway-error.js';

const emptyInputSchema: Tool.InputSchema = { type: 'object', properties: {} };

export function convertTool(tool: ChatTool): Tool {
  const { name, description, parameters, strict } = tool.function;
  const converted: Tool = { name, input_schema: inputSchema(parameters) };
  if (description) converted.description = description;
  if (strict) converted.strict = true;
  return converted;
}

/** Anthropic requires `type: "object"` at the root, which OpenAI lets clients leave out. */
function inputSchema(parameters: Record<string, unknown> | undefined): Tool.InputSchema {
  if (!parameters || Object.keys(parameters).length === 0) return emptyInputSchema;
  if (parameters.type === 'object') return parameters as Tool.InputSchema;
  return { type: 'object', ...parameters } as Tool.InputSchema;
}

export function convertToolChoice(choice: ChatToolChoice | undefined, parallelToolCalls: boolean | undefined): ToolChoice | undefined {
  const single = parallelToolCalls === false;
  if (choice === undefined) return single ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
  if (typeof choice === 'object') return withParallel({ type: 'tool', name: choice.function.name }, single);
  switch (choice) {
    case 'auto':
      return withParallel({ type: 'auto' }, single);
    case 'required':
      return withParallel({ type: 'any' }, single);
    case 'none':
      return { type: 'none' };
    default: {
      const unknownChoice: never = choice;
      throw badRequest(`tool_choice "${String(unknownChoice)}" is not supported`, 'tool_choice');
    }
  }
}

function withParallel<T extends ToolChoice>(choice: T, single: boolean): T {
  return single ? { ...choice, disable_parallel_tool_use: true } : choice;
}

const jsonObjectInstruction =
  'Respond with a single valid JSON object and nothing else: no prose before or after it, no Markdown code fences.';

export function convertResponseFormat(format: ChatResponseFormat | undefined): { schema?: JSONOutputFormat; instruction?: string } {
  switch (format?.type) {
    case undefined:
    case 'text':
      return {};
    case 'json_schema':
      return format.json_schema.schema
        ? { schema: { type: 'json_schema', schema: format.json_schema.schema } }
        : { instruction: jsonObjectInstruction };
    case 'json_object':
      return { instruction: jsonObjectInstruction };
    default: {
      const unknownFormat: never = format;
      throw badRequest(`response_format ${JSON.stringify(unknownFormat)} is not supported`, 'response_format');
    }
  }
}

/** OpenAI's reasoning effort → Anthropic's `output_config.effort`; `none` sends nothing. */
function effort(reasoningEffort: ChatCompletionRequest['reasoning_effort']): OutputConfig['effort'] | undefined {
  switch (reasoningEffort) {
    case undefined:
    case null:
    case 'none':
      return undefined;
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
    case 'high':
    case 'xhigh':
      return reasoningEffort;
    default: {
      const unknownEffort: never = reasoningEffort;
      throw badRequest(`reasoning_effort "${String(unknownEffort)}" is not supported`, 'reasoning_effort');
    }
  }
}

export function buildOutputConfig(
  format: JSONOutputFormat | undefined,
  reasoningEffort: ChatCompletionRequest['reasoning_effort'],
): OutputConfig | undefined {
  const level = effort(reasoningEffort);
  if (!format && !level) return undefined;
  const config: OutputConfig = {};
  if (format) config.format = format;
  if (level) config.effort = level;
  return config;
}
