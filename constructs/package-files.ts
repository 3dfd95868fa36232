import * as fs from 'fs';
import * as path from 'path';

/** The npm name of this package: the marker {@link packageRoot} looks for. */
export const PACKAGE_NAME = 'cdktf-ai-governance';

let root: string | undefined;

/**
 * The directory of this package's package.json, found by walking up from this module. The same
 * code runs from the TypeScript sources in this repository (`constructs/`) and from the built
 * package in a product repository (`node_modules/cdktf-ai-governance/dist/constructs/`), so no
 * path is fixed relative to `__dirname`.
 * @throws Error when no package.json named `cdktf-ai-governance` is above this module (a broken install)
 */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      root = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: no package.json of ${PACKAGE_NAME} above ${__dirname}; reinstall the package`);
  }
}

/** The package version (package.json `version`). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The source directory of one of the Lambda functions the constructs package as assets
 * (`functions/<name>`, shipped in the package as plain JavaScript, no build step).
 * @throws Error when the directory is missing from the installed package
 */
export function functionSource(name: string): string {
  const dir = path.join(packageRoot(), 'functions', name);
  if (!fs.existsSync(path.join(dir, 'index.js'))) throw new Error(`${PACKAGE_NAME}: Lambda source ${dir}/index.js is missing from the installed package; reinstall it`);
  return dir;
}

/**
 * Loads a module of a shipped Lambda function's source (plain CommonJS), so a construct and its
 * function share one definition of a constant or a policy builder. Loaded by path at run time: a
 * relative import would point into the source tree, which a built package does not have.
 */
export function functionModule<T>(name: string, file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path into the package, on purpose
  return require(path.join(functionSource(name), file)) as T;
}
