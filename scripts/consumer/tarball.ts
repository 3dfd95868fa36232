/**
 * What the published tarball must and must not hold. `npm pack --json` lists its files; these
 * checks fail loudly when a test, script or example slipped in, or when a file that package.json
 * names (main, types, exports, bin) or that the constructs load at run time (the Lambda sources) is
 * missing.
 */

export interface PackageManifest {
  readonly main?: string;
  readonly types?: string;
  readonly exports?: unknown;
  readonly bin?: string | Record<string, string>;
}

/** Paths (relative to the package root) that must never ship: tests, scripts, examples, the repo's own app. */
export const FORBIDDEN = [/(^|\/)(test|tests|scripts|examples)\//, /^(dist\/)?main\.(ts|js|d\.ts)$/, /\.test\.[jt]s$/, /(^|\/)__snapshots__\//, /^\.ci\//, /^cdktf\.out\//, /^\.bench\//, /^coverage\//, /(^|\/)fixtures?\//];

const strip = (p: string) => p.replace(/^\.\//, '');

/** Every file path package.json names: main, types, each `exports` target, each bin. */
export function namedFiles(manifest: PackageManifest): string[] {
  const files = new Set<string>();
  if (manifest.main) files.add(strip(manifest.main));
  if (manifest.types) files.add(strip(manifest.types));
  const walk = (v: unknown): void => {
    if (typeof v === 'string') files.add(strip(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(manifest.exports);
  if (typeof manifest.bin === 'string') files.add(strip(manifest.bin));
  else if (manifest.bin) Object.values(manifest.bin).forEach((b) => files.add(strip(b)));
  return [...files].sort();
}

/**
 * Problems with a tarball's file list: forbidden files, files package.json names that are missing,
 * and required files (`required`, e.g. each Lambda function's index.js) that are missing.
 */
export function tarballProblems(files: readonly string[], manifest: PackageManifest, required: readonly string[] = []): string[] {
  const have = new Set(files.map(strip));
  const problems: string[] = [];
  for (const f of files) {
    const rule = FORBIDDEN.find((re) => re.test(strip(f)));
    if (rule) problems.push(`${f} must not be published (matches ${rule}): narrow "files" in package.json`);
  }
  for (const f of namedFiles(manifest)) {
    if (!have.has(f)) problems.push(`${f} is named by package.json but missing from the tarball: run npm run build (prepack does) and check "files"`);
  }
  for (const f of required) {
    if (!have.has(strip(f))) problems.push(`${f} is loaded at run time but missing from the tarball: add it to "files" in package.json`);
  }
  return problems;
}
