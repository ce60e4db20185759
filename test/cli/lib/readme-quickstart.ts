/**
 * Reads the README's quick start: the first fenced code block under the heading "Two commands", one
 * command line per line (a `#` comment after a command is part of the line; sh ignores it).
 */

/** The command lines of the block, in order; throws naming what is missing. */
export function quickStartLines(readme: string): string[] {
  const heading = /^#{1,6}\s+Two commands\s*$/m.exec(readme);
  if (!heading) throw new Error('README.md has no heading "Two commands"');
  const rest = readme.slice(heading.index + heading[0].length);
  const block = /^```[^\n]*\n([\s\S]*?)^```/m.exec(rest);
  if (!block) throw new Error('no fenced code block under "Two commands"');
  return block[1]
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

/** The command part of a line, without a trailing `# comment`. */
export function commandOf(line: string): string {
  return line.replace(/\s+#.*$/, '').trim();
}
