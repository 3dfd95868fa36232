/**
 * Records every provider-class, asset and output instantiation (class, scope, id, config) and every addOverride
 * while the examples are built, so generate-raw.ts can write a plain cdktf program that calls the
 * same provider classes with the same config. Used only to (re)generate scripts/bench/raw/.
 */
import Module = require('module');
import { TerraformAsset, TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';

export interface RecordedElement {
  readonly element: Construct;
  /** The module the class was imported from, e.g. `@cdktf/provider-aws/lib/iam-role`. */
  readonly modulePath: string;
  readonly exportName: string;
  readonly config: unknown;
  readonly overrides: Array<{ path: string; value: unknown }>;
}

export interface Recorder {
  readonly elements: RecordedElement[];
  byElement(element: Construct): RecordedElement | undefined;
}

const PROVIDER_MODULE = /^@cdktf\/provider-(aws|kubernetes)\/lib\/[a-z0-9-]+$/;
const PATCHED = Symbol.for('bench/raw-capture/patched');

/** Installs the hooks; must run before any construct module is required. */
export function installRecorder(): Recorder {
  const elements: RecordedElement[] = [];
  const index = new Map<Construct, RecordedElement>();

  const wrap = (exportsObject: Record<string, unknown>, modulePath: string) => {
    if ((exportsObject as Record<symbol, unknown>)[PATCHED]) return;
    (exportsObject as Record<symbol, unknown>)[PATCHED] = true;
    for (const [exportName, value] of Object.entries(exportsObject)) {
      if (typeof value !== 'function' || !(value.prototype instanceof TerraformElement || value === TerraformAsset)) continue;
      const Original = value as new (...args: unknown[]) => Construct;
      const Recorded = class extends Original {
        constructor(...args: unknown[]) {
          super(...args);
          const record: RecordedElement = { element: this, modulePath, exportName, config: args[2], overrides: [] };
          elements.push(record);
          index.set(this, record);
        }
      };
      Object.defineProperty(Recorded, 'name', { value: exportName });
      exportsObject[exportName] = Recorded;
    }
  };

  // TerraformAsset and TerraformOutput are re-exported by cdktf's index through getters that read these modules.
  wrap(require('cdktf/lib/terraform-asset'), 'cdktf');
  wrap(require('cdktf/lib/terraform-output'), 'cdktf');

  const moduleWithLoad = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const originalLoad = moduleWithLoad._load;
  moduleWithLoad._load = function (request: string, parent: unknown, isMain: boolean) {
    const loaded = originalLoad.call(this, request, parent, isMain);
    if (PROVIDER_MODULE.test(request)) wrap(loaded as Record<string, unknown>, request);
    return loaded;
  };

  const originalOverride = TerraformElement.prototype.addOverride;
  TerraformElement.prototype.addOverride = function (this: TerraformElement, path: string, value: unknown) {
    index.get(this)?.overrides.push({ path, value });
    return originalOverride.call(this, path, value);
  };

  return { elements, byElement: (element) => index.get(element) };
}
