// Runs TypeScript sources with @swc/core (already a dev dependency, via @swc/jest): a require hook
// that transpiles .ts files without type-checking. Child-process synths in tests and scripts use
// it because ts-node loads the TypeScript compiler and takes seconds longer on a busy machine.
const fs = require('fs');
const Module = require('module');
const { transformSync } = require('@swc/core');

/** @type {Record<string, (module: any, filename: string) => void>} */
// Module._extensions is Node's (long-stable, undocumented) table of loaders by file extension.
const loaders = /** @type {any} */ (Module)._extensions;

loaders['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
