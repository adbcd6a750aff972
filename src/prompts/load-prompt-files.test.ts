import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPromptFiles } from './load-prompt-files.js';
import { promptFile, shippedPromptsFolder, tempFolder, type TempFolder } from './test-prompts.js';

describe('loadPromptFiles', () => {
  it('loads the four shipped prompts with no problems', () => {
    const { versions, problems } = loadPromptFiles(shippedPromptsFolder);
    expect(problems).toEqual([]);
    expect(versions.map((version) => version.definition.name).sort()).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate']);
    for (const version of versions) {
      expect(version.source).toBe('file');
      expect(version.path).toBe(join(shippedPromptsFolder, `${version.definition.name}.yaml`));
      expect(version.deprecatedAt).toBeNull();
      expect(version.definition.examples.length).toBeGreaterThan(0);
    }
  });

  describe('in a folder with malformed files', () => {
    let folder: TempFolder;
    beforeEach(() => {
      folder = tempFolder();
    });
    afterEach(() => folder.dispose());

    function problemOf(path: string): string {
      const { problems } = loadPromptFiles(folder.path);
      const found = problems.filter((problem) => problem.path === path);
      expect(found).toHaveLength(1);
      return found[0].message;
    }

    it('reports each bad file with its path and still loads the others', () => {
      folder.write('good.yaml', promptFile());
      folder.write('also-good.yml', promptFile({ name: 'other' }));
      const badYaml = folder.write('bad-yaml.yaml', 'name: x\nversion: 1\nname: y\n');
      const unknownKey = folder.write('unknown-key.yaml', promptFile({ name: 'unknown', temprature: 1 }));
      const { versions, problems } = loadPromptFiles(folder.path);
      expect(versions.map((version) => version.definition.name).sort()).toEqual(['greet', 'other']);
      expect(problems.map((problem) => problem.path).sort()).toEqual([badYaml, unknownKey].sort());
    });

    it('reports YAML errors with their line, duplicate keys included', () => {
      const path = folder.write('dup.yaml', 'name: greet\nversion: 1\nmodel: demo\nmodel: other\n');
      expect(problemOf(path)).toMatch(/^YAML: Map keys must be unique at line 4, column 1/);
      const broken = folder.write('broken.yaml', 'name: greet\nmessages: [\n  {role: user\n');
      expect(problemOf(broken)).toMatch(/YAML: .* at line \d+, column \d+/);
    });

    it('reports undefined aliases and alias bombs instead of failing the whole load', () => {
      const alias = folder.write('alias.yaml', 'name: *nope\n');
      const bomb = folder.write(
        'bomb.yaml',
        'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      );
      folder.write('good.yaml', promptFile());
      expect(problemOf(alias)).toMatch(/^YAML: Unresolved alias/);
      expect(problemOf(bomb)).toMatch(/^YAML: Excessive alias count/);
      expect(loadPromptFiles(folder.path).versions).toHaveLength(1);
    });

    it('reports format errors with their path in the file', () => {
      const path = folder.write('bad.yaml', promptFile({ temprature: 1, messages: [{ role: 'robot', content: 'Hi' }], version: 0 }));
      const message = problemOf(path);
      expect(message).toContain('(root): has an unknown key "temprature". Allowed: name, version');
      expect(message).toContain('messages[0].role: must be one of "system", "user", "assistant" (got "robot")');
      expect(message).toContain('version:');
    });

    it('reports a placeholder that is not an input property, and unsupported template tags', () => {
      const path = folder.write(
        'placeholder.yaml',
        promptFile({ messages: [{ role: 'user', content: 'Greet {{who}} and {{ whom }}. {{#each who}}x{{/each}}' }] }),
      );
      const message = problemOf(path);
      expect(message).toContain('messages.0.content: placeholder {{whom}} is not a property of input.properties');
      expect(message).toContain('unsupported template syntax {{#each who}}');
      expect(message).toContain('unsupported template syntax {{/each}}');
    });

    it('reports input and output schemas that do not compile', () => {
      const badInput = folder.write(
        'bad-input.yaml',
        promptFile({ input: { type: 'object', properties: { who: { type: 'strin' } } }, examples: [] }),
      );
      expect(problemOf(badInput)).toMatch(/^input: schema is invalid/);
      const typo = folder.write('typo.yaml', promptFile({ name: 'typo', input: { type: 'object', properties: { who: { type: 'string', maxlength: 3 } } } }));
      expect(problemOf(typo)).toContain('input: strict mode: unknown keyword: "maxlength"');
      const badFormat = folder.write(
        'bad-output.yaml',
        promptFile({ name: 'fmt', output: { type: 'json', schema: { type: 'object', properties: { a: { type: 'string', format: 'emial' } } } } }),
      );
      expect(problemOf(badFormat)).toContain('output.schema: unknown format "emial"');
      const notObject = folder.write('not-object.yaml', promptFile({ name: 'arr', input: { type: 'array' } }));
      expect(problemOf(notObject)).toContain('input: must be an object schema (type: object)');
    });

    it('reports examples that do not match the schemas', () => {
      const path = folder.write(
        'examples.yaml',
        promptFile({ examples: [{ input: { whom: 'Ada' } }, { input: { who: 'Ada' }, output: { not: 'text' } }] }),
      );
      const message = problemOf(path);
      expect(message).toContain('examples.0.input: who: is required');
      expect(message).toContain('examples.0.input: whom: is not an allowed property');
      expect(message).toContain("examples.1.output: must be a string (the prompt's output is text)");
    });

    it('reports both files declaring the same name and version, and loads neither', () => {
      const first = folder.write('a.yaml', promptFile());
      const second = folder.write('b.yaml', promptFile({ description: 'A copy.' }));
      folder.write('c.yaml', promptFile({ version: 2 }));
      const { versions, problems } = loadPromptFiles(folder.path);
      expect(versions.map((version) => version.definition.version)).toEqual([2]);
      expect(problems).toEqual([
        { path: first, message: expect.stringContaining(`greet@1 is also declared by ${second}`) },
        { path: second, message: expect.stringContaining(`greet@1 is also declared by ${first}`) },
      ]);
    });

    it('ignores other files and dotfiles, and reports an empty or missing folder plainly', () => {
      folder.write('README.md', '# not a prompt');
      folder.write('.#greet.yaml', 'editor lock file');
      folder.write('greet.yaml.bak', 'backup');
      expect(loadPromptFiles(folder.path)).toEqual({ versions: [], problems: [] });
      const missing = join(folder.path, 'missing');
      expect(loadPromptFiles(missing).problems).toEqual([{ path: missing, message: expect.stringMatching(/^cannot read the folder: ENOENT/) }]);
    });

    it('reports an empty file', () => {
      const path = folder.write('empty.yaml', '');
      expect(problemOf(path)).toMatch(/^\(root\): /);
    });
  });
});
