/**
 * @module test/helpers/readme-blocks
 * The fenced code blocks of the README, in order, with their language, so tests can paste the
 * shell ones and compare the others (the CLI usage, the configuration error) with what the
 * program prints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadmeBlock {
  language: string;
  text: string;
  /** The first line, trimmed: how a test names the block. */
  firstLine: string;
}

export function readmeBlocks(root: string): ReadmeBlock[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks: ReadmeBlock[] = [];
  const fence = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
  for (const match of readme.matchAll(fence)) {
    const text = match[2].replace(/\n$/, '');
    blocks.push({ language: match[1], text, firstLine: text.split('\n')[0].trim() });
  }
  return blocks;
}
