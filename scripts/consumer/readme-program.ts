/**
 * The programs README.md shows are the programs the consumer test compiles and synthesizes: the
 * fenced block right after a marker line below. One source, so the README and the test cannot
 * drift apart.
 */
/** The product repository's `main.ts` (a `WorkloadStack` on a pinned contract). */
export const README_PROGRAM_MARKER = '<!-- consumer-test: main.ts -->';
/** The platform repository's `main.ts` (a `PlatformStack`: the environment and its gateway). */
export const README_PLATFORM_PROGRAM_MARKER = '<!-- consumer-test: platform.ts -->';

/**
 * The TypeScript block that follows the marker.
 * @param marker which program
 * @default marker README_PROGRAM_MARKER (the product program)
 * @throws Error when there is no marker, more than one, or no ```ts block right after it
 */
export function readmeProgram(readme: string, marker: string = README_PROGRAM_MARKER): string {
  const parts = readme.split(marker);
  if (parts.length !== 2) {
    throw new Error(`README.md must mark exactly one program with "${marker}" on the line before its \`\`\`ts block; found ${parts.length - 1} marker(s)`);
  }
  const block = /^\s*\n```(?:ts|typescript)\n([\s\S]*?)\n```/.exec(parts[1]);
  if (!block) throw new Error(`README.md: the line after "${marker}" must open a \`\`\`ts block (and the block must be closed)`);
  return `${block[1]}\n`;
}
