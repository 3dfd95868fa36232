/**
 * Validates Kubernetes manifests three ways, because each catches what the others miss:
 *  1. the Kubernetes OpenAPI schema (types, required fields, enums, formats) through the compiled
 *     validators of `kubernetes-models`;
 *  2. unknown fields: the OpenAPI schema does not forbid extra properties (the API server prunes
 *     or rejects them), so each manifest is type-checked as an object literal against the
 *     `kubernetes-models` interface of its kind, where TypeScript's excess-property check names
 *     every field Kubernetes does not have;
 *  3. object names, label keys and values, annotation keys: the API server's own syntax rules,
 *     which the OpenAPI schema does not carry.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

export interface ManifestProblem {
  index: number;
  message: string;
}

interface ModelClass {
  new (data: Record<string, unknown>): { validate(): void };
}

/** The `kubernetes-models` module of a kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
function modelModule(manifest: Record<string, unknown>): string {
  return `kubernetes-models/${String(manifest.apiVersion)}/${String(manifest.kind)}`;
}

export function schemaProblems(manifests: readonly Record<string, unknown>[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  manifests.forEach((manifest, index) => {
    let Model: ModelClass;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      Model = (require(modelModule(manifest)) as Record<string, ModelClass>)[String(manifest.kind)];
      if (typeof Model !== 'function') throw new Error('no model class');
    } catch {
      problems.push({ index, message: `no OpenAPI schema for ${String(manifest.apiVersion)} ${String(manifest.kind)} in kubernetes-models` });
      return;
    }
    try {
      new Model(manifest).validate();
    } catch (e) {
      for (const line of String((e as Error).message).split(/,\s*(?=data)/)) problems.push({ index, message: `schema: ${line}` });
    }
  });
  return problems;
}

/** Type-checks every manifest against its kind's interface in one in-memory program. */
export function unknownFieldProblems(manifests: readonly Record<string, unknown>[], projectRoot: string): ManifestProblem[] {
  if (manifests.length === 0) return [];
  const fileName = path.join(projectRoot, '__e2e_manifests__.ts');
  const lines: string[] = [];
  const startLine: number[] = [];
  manifests.forEach((manifest, i) => {
    lines.push(`import type { I${String(manifest.kind)} as T${i} } from '${modelModule(manifest)}';`);
  });
  manifests.forEach((manifest, i) => {
    startLine.push(lines.length);
    lines.push(...`export const m${i}: T${i} = ${JSON.stringify(manifest, null, 1)};`.split('\n'));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === fileName ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()].filter(
    (d) => d.file && path.resolve(d.file.fileName) === fileName,
  );
  return diagnostics.map((d) => {
    const line = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line;
    let index = startLine.findIndex((s, i) => line >= s && (i + 1 >= startLine.length || line < startLine[i + 1]));
    if (index < 0) index = 0;
    return { index, message: `fields: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/'"([^"]*)"'/g, "'$1'")}` };
  });
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes' IsQualifiedName: optional DNS-subdomain prefix and a name of at most 63 characters. */
export function qualifiedKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return 'prefix must be a DNS subdomain';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'name part must be 1-63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric';
  }
  return undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > 63 || !LABEL_VALUE.test(value)) return 'must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric';
  return undefined;
}

/** Object metadata everywhere in a manifest (the object's own and pod templates'). */
function* metadataBlocks(value: unknown, at: string): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* metadataBlocks(v, `${at}[${i}]`);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'metadata' && v && typeof v === 'object' && !Array.isArray(v)) yield [`${at}.metadata`, v as Record<string, unknown>];
    else yield* metadataBlocks(v, `${at}.${k}`);
  }
}

export function metadataProblems(manifests: readonly Record<string, unknown>[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  manifests.forEach((manifest, index) => {
    const meta = manifest.metadata as Record<string, unknown> | undefined;
    const name = meta?.name;
    if (typeof name !== 'string' || name.length === 0) problems.push({ index, message: 'metadata.name is missing' });
    else {
      const rule = manifest.kind === 'Namespace' || manifest.kind === 'Service' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
      const max = rule === DNS1123_LABEL ? 63 : 253;
      if (name.length > max || !rule.test(name)) problems.push({ index, message: `metadata.name "${name}" is not a valid ${manifest.kind} name (DNS-1123, at most ${max})` });
    }
    for (const [at, m] of metadataBlocks(manifest, '')) {
      for (const [k, v] of Object.entries((m.labels as Record<string, unknown>) ?? {})) {
        const kp = qualifiedKeyProblem(k);
        if (kp) problems.push({ index, message: `${at}.labels key "${k}" ${kp}` });
        const vp = labelValueProblem(v);
        if (vp) problems.push({ index, message: `${at}.labels["${k}"] value "${String(v)}" ${vp}` });
      }
      for (const k of Object.keys((m.annotations as Record<string, unknown>) ?? {})) {
        const kp = qualifiedKeyProblem(k);
        if (kp) problems.push({ index, message: `${at}.annotations key "${k}" ${kp}` });
      }
    }
  });
  return problems;
}

export function validateManifests(manifests: readonly Record<string, unknown>[], projectRoot: string): ManifestProblem[] {
  return [...schemaProblems(manifests), ...unknownFieldProblems(manifests, projectRoot), ...metadataProblems(manifests)].sort(
    (a, b) => a.index - b.index,
  );
}
