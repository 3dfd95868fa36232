import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contractRevision } from '../../constructs/platform/contract-revision';

/** A real exported contract: dev's, from the platform example applied to moto by the e2e tier. */
export const DEV_CONTRACT_FILE = path.join(__dirname, '..', 'fixtures', 'contracts', 'dev.json');

export function devContract(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(DEV_CONTRACT_FILE, 'utf8')) as Record<string, unknown>;
}

/**
 * Writes a contract file: dev's with `changes`, its revision recomputed as the platform's Terraform
 * would (a contract the platform really published) unless `keepRevision` (an edit after export).
 */
export function contractFile(changes: Record<string, unknown> = {}, options: { keepRevision?: boolean; drop?: string[] } = {}): string {
  const contract: Record<string, unknown> = { ...devContract(), ...changes };
  for (const key of options.drop ?? []) delete contract[key];
  if (!options.keepRevision) contract.revision = contractRevision(contract);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'dev.json');
  fs.writeFileSync(file, JSON.stringify(contract, null, 2));
  return file;
}
