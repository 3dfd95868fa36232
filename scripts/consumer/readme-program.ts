/**
 * The product program README.md shows is the program the consumer test compiles and synthesizes:
 * the fenced block right after the marker line below. One source, so the README and the test
 * cannot drift apart.
 */
export const README_PROGRAM_MARKER = '<!-- consumer-test: main.ts -->';

/**
 * The TypeScript block that follows the marker.
 * @throws Error when there is no marker, more than one, or no ```ts block right after it
 */
export function readmeProgram(readme: string): string {
  const parts = readme.split(README_PROGRAM_MARKER);
  if (parts.length !== 2) {
    throw new Error(`README.md must mark exactly one program with "${README_PROGRAM_MARKER}" on the line before its \`\`\`ts block; found ${parts.length - 1} marker(s)`);
  }
  const block = /^\s*\n```(?:ts|typescript)\n([\s\S]*?)\n```/.exec(parts[1]);
  if (!block) throw new Error(`README.md: the line after "${README_PROGRAM_MARKER}" must open a \`\`\`ts block (and the block must be closed)`);
  return `${block[1]}\n`;
}
