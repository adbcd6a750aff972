/**
 * @module prompts
 * The prompt library: the only way in. Loads prompt versions from `prompts/*.yaml` (watched) and
 * the `prompt_versions` table, validates a call's variables against the prompt's input schema,
 * renders them into chat messages as fenced data, and checks JSON answers against the output
 * schema. See docs/prompts.md for the file format, the rendering rules and the limits.
 *
 * @example
 * const version = library.latest('sentiment');
 * const variables = validatePromptInput(version, body);
 * const messages = renderPrompt(version, variables);
 */
export type { PromptCatalog, PromptLoadProblem, PromptVersion } from './types.js';
export {
  PromptLibrary,
  type PromptLibraryChange,
  type PromptLibraryListener,
  type PromptLibraryOptions,
} from './prompt-library.js';
export { loadPromptFiles, loadPromptFile, maxPromptFileBytes, type PromptFilesLoad } from './load-prompt-files.js';
export { checkPromptDefinition, type PromptDefinitionCheck } from './check-definition.js';
export { validatePromptInput, validatePromptOutput, maxPromptInputBytes, type PromptOutputCheck } from './validate-input.js';
export { defaultMaxStringLength } from './schema-compiler.js';
export { renderPrompt, placeholdersOf, dataInstruction, neutraliseDelimiters, type RenderOptions } from './render-prompt.js';
