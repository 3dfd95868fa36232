/**
 * The Secrets Manager rotation function (functions/secret-rotation), driven step by step the way
 * Secrets Manager drives it, against small in-memory fakes of the two SDK clients. The fakes keep
 * the state that matters to the rotation contract (versions and their staging labels; API keys and
 * usage plan attachments), so a test can run several rotations in a row and look at the result.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { createHandler } from '../../functions/secret-rotation/handler';
import { GOVERNANCE_TAG_KEYS, ROTATION_STRATEGIES, ROTATION_TAG_KEYS } from '../../functions/secret-rotation/strategy';
import { MIN_TOKEN_LENGTH } from '../../functions/secret-rotation/generated-token';
import { redactingLogger } from '../../functions/secret-rotation/context';
import {
  ACTIONS_BY_STRATEGY,
  API_GATEWAY_PERMISSIONS,
  ENVIRONMENT_TAG_KEY,
  SECRETS_MANAGER_ACTIONS,
  rotationStatements,
} from '../../functions/secret-rotation/permissions';

// ---------------------------------------------------------------------------------------------
// Fakes at the SDK boundary: each records the commands it receives (name and input).

class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface SentCommand { name: string; input: any }

const SECRET_NAME = 'governed/dev/chat/gateway-key';
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SECRET_NAME}-AbCdEf`;
const USAGE_PLAN_ID = 'plan123';
const PREMIUM_PLAN_ID = 'plan456';
/** Another workload's usage plan in the same account: no key of this secret may land on it. */
const VICTIM_PLAN_ID = 'victimplan';
const USAGE_PLANS = { standard: USAGE_PLAN_ID, premium: PREMIUM_PLAN_ID };
const ROTATION_ENV = { ENVIRONMENT: 'dev', USAGE_PLANS: JSON.stringify(USAGE_PLANS) };
const GOVERNANCE_TAGS = {
  [TAG_KEYS.owner]: 'team-chat',
  [TAG_KEYS.environment]: 'dev',
  [TAG_KEYS.workload]: 'chat',
};

class FakeSecretsManager {
  readonly commands: SentCommand[] = [];
  /** Shared with the other fake, so a test sees the order of calls across both clients. */
  journal: SentCommand[] = [];
  rotationEnabled = true;
  /** Smaller than Secrets Manager's 100 to exercise paging in tests that set it. */
  pageSize = 100;
  readonly versions = new Map<string, { value?: string; stages: Set<string> }>();
  private readonly failures = new Map<string, Error>();

  constructor(public tags: Record<string, string>, public arn = SECRET_ARN, public name = SECRET_NAME) {}

  /** What Secrets Manager does when rotation starts: a version with no value, staged AWSPENDING. */
  startRotation(token: string): void {
    this.moveStage('AWSPENDING', token);
    this.versions.set(token, { stages: new Set(['AWSPENDING']) });
  }

  /** A version written outside rotation (the secret's initial value, or a hand edit). */
  putVersion(versionId: string, value: string, stages: string[]): void {
    this.versions.set(versionId, { value, stages: new Set() });
    for (const stage of stages) this.moveStage(stage, versionId);
  }

  stagesOf(versionId: string): string[] {
    return [...(this.versions.get(versionId)?.stages ?? [])].sort();
  }

  valueOf(stage: string): string | undefined {
    return [...this.versions.values()].find((version) => version.stages.has(stage))?.value;
  }

  failNext(commandName: string, error: Error): void {
    this.failures.set(commandName, error);
  }

  async send(command: any): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.commands.push({ name, input });
    this.journal.push({ name, input });
    const failure = this.failures.get(name);
    if (failure) {
      this.failures.delete(name);
      throw failure;
    }
    if (input.SecretId !== this.arn && input.SecretId !== this.name) {
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    switch (name) {
      case 'DescribeSecret':
        return {
          ARN: this.arn,
          Name: this.name,
          RotationEnabled: this.rotationEnabled,
          Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: Object.fromEntries([...this.versions]
            .filter(([, version]) => version.stages.size > 0)
            .map(([id, version]) => [id, [...version.stages]])),
        };
      case 'GetSecretValue': {
        const entry = input.VersionId
          ? [input.VersionId, this.versions.get(input.VersionId)] as const
          : [...this.versions].find(([, version]) => version.stages.has(input.VersionStage));
        const version = entry?.[1];
        if (!version || version.value === undefined || (input.VersionStage && !version.stages.has(input.VersionStage))) {
          throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
        }
        return { ARN: this.arn, VersionId: entry[0], SecretString: version.value };
      }
      case 'PutSecretValue': {
        const existing = this.versions.get(input.ClientRequestToken);
        if (existing?.value !== undefined && existing.value !== input.SecretString) {
          throw new AwsError('ResourceExistsException', 'A version with this ClientRequestToken already exists.');
        }
        this.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: existing?.stages ?? new Set() });
        for (const stage of input.VersionStages ?? ['AWSCURRENT']) this.moveStage(stage, input.ClientRequestToken);
        return { ARN: this.arn, VersionId: input.ClientRequestToken };
      }
      case 'ListSecretVersionIds': {
        const all = [...this.versions]
          .filter(([, version]) => input.IncludeDeprecated === true || version.stages.size > 0)
          .map(([VersionId, version]) => ({ VersionId, VersionStages: [...version.stages] }));
        const start = Number(input.NextToken ?? 0);
        const end = start + Math.min(input.MaxResults ?? 100, this.pageSize);
        return { ARN: this.arn, Versions: all.slice(start, end), ...(end < all.length ? { NextToken: String(end) } : {}) };
      }
      case 'UpdateSecretVersionStage': {
        const holder = [...this.versions].find(([, version]) => version.stages.has(input.VersionStage))?.[0];
        if (holder && holder !== input.MoveToVersionId && holder !== input.RemoveFromVersionId) {
          throw new AwsError('InvalidParameterException',
            `The staging label ${input.VersionStage} is attached to ${holder}; name it in RemoveFromVersionId.`);
        }
        if (input.RemoveFromVersionId) this.versions.get(input.RemoveFromVersionId)?.stages.delete(input.VersionStage);
        if (input.MoveToVersionId) this.versions.get(input.MoveToVersionId)!.stages.add(input.VersionStage);
        // Secrets Manager moves AWSPREVIOUS to the version AWSCURRENT was taken from.
        if (input.VersionStage === 'AWSCURRENT' && input.RemoveFromVersionId) {
          this.moveStage('AWSPREVIOUS', input.RemoveFromVersionId);
        }
        return { ARN: this.arn };
      }
      default:
        throw new Error(`FakeSecretsManager: unexpected command ${name}`);
    }
  }

  private moveStage(stage: string, toVersionId: string): void {
    for (const version of this.versions.values()) version.stages.delete(stage);
    this.versions.get(toVersionId)?.stages.add(stage);
  }
}

interface FakeKey { id: string; name: string; value: string; enabled: boolean; tags: Record<string, string> }

class FakeApiGateway {
  readonly commands: SentCommand[] = [];
  journal: SentCommand[] = [];
  readonly keys = new Map<string, FakeKey>();
  readonly attachments = new Set<string>();
  readonly usagePlans = new Set<string>([USAGE_PLAN_ID, PREMIUM_PLAN_ID, VICTIM_PLAN_ID]);
  /** Every key ever created, deleted or not (values included), for tests that look for leaks. */
  readonly created: FakeKey[] = [];
  private counter = 0;
  private readonly failures = new Map<string, Error>();

  failNext(commandName: string, error: Error): void {
    this.failures.set(commandName, error);
  }

  addKey(key: Partial<FakeKey> & { name: string; tags: Record<string, string> }): FakeKey {
    const full: FakeKey = { id: `key${++this.counter}`, value: randomBytes(30).toString('hex'), enabled: true, ...key };
    this.keys.set(full.id, full);
    return full;
  }

  isAttached(keyId: string, usagePlanId = USAGE_PLAN_ID): boolean {
    return this.attachments.has(`${usagePlanId}/${keyId}`);
  }

  /** The usage plans a key is on. */
  plansOf(keyId: string): string[] {
    return [...this.attachments].filter((a) => a.endsWith(`/${keyId}`)).map((a) => a.split('/')[0]).sort();
  }

  async send(command: any): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.commands.push({ name, input });
    this.journal.push({ name, input });
    const failure = this.failures.get(name);
    if (failure) {
      this.failures.delete(name);
      throw failure;
    }
    const view = (key: FakeKey, withValue: boolean) => ({
      id: key.id, name: key.name, enabled: key.enabled, tags: { ...key.tags }, ...(withValue ? { value: key.value } : {}),
    });
    const requireKey = (id: string) => {
      const key = this.keys.get(id);
      if (!key) throw new AwsError('NotFoundException', 'Invalid API Key identifier specified');
      return key;
    };
    switch (name) {
      case 'CreateApiKey': {
        const key = this.addKey({ name: input.name, enabled: input.enabled === true, tags: { ...input.tags } });
        this.created.push(key);
        return view(key, true);
      }
      case 'UpdateApiKey': {
        const key = requireKey(input.apiKey);
        for (const op of input.patchOperations ?? []) {
          if (op.op !== 'replace' || op.path !== '/enabled' || !['true', 'false'].includes(op.value)) throw new AwsError('BadRequestException', 'Invalid patch operation');
          key.enabled = op.value === 'true';
        }
        return view(key, false);
      }
      case 'DeleteUsagePlanKey': {
        const attachment = `${input.usagePlanId}/${input.keyId}`;
        if (!this.attachments.has(attachment)) throw new AwsError('NotFoundException', 'Invalid Usage Plan Key identifier specified');
        this.attachments.delete(attachment);
        return {};
      }
      case 'GetApiKey':
        return view(requireKey(input.apiKey), input.includeValue === true);
      case 'DeleteApiKey':
        requireKey(input.apiKey);
        this.keys.delete(input.apiKey);
        for (const attachment of [...this.attachments]) {
          if (attachment.endsWith(`/${input.apiKey}`)) this.attachments.delete(attachment);
        }
        return {};
      case 'CreateUsagePlanKey': {
        if (!this.usagePlans.has(input.usagePlanId)) throw new AwsError('NotFoundException', 'Invalid Usage Plan ID specified');
        requireKey(input.keyId);
        const attachment = `${input.usagePlanId}/${input.keyId}`;
        if (this.attachments.has(attachment)) throw new AwsError('ConflictException', 'Usage Plan already contains specified API key');
        this.attachments.add(attachment);
        return { id: input.keyId, type: 'API_KEY' };
      }
      case 'GetUsagePlanKey':
        if (!this.attachments.has(`${input.usagePlanId}/${input.keyId}`)) {
          throw new AwsError('NotFoundException', 'Invalid Usage Plan Key identifier specified');
        }
        return { id: input.keyId, type: 'API_KEY' };
      default:
        throw new Error(`FakeApiGateway: unexpected command ${name}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Harness

interface Harness {
  secretsManager: FakeSecretsManager;
  apiGateway: FakeApiGateway;
  logLines: string[];
  env: Record<string, string | undefined>;
  run(step: string, token: string): Promise<unknown>;
  rotate(token: string): Promise<void>;
  revoke(): Promise<any>;
  /** Commands sent to either client, in order, since the last call to `sent`. */
  sent(): SentCommand[];
}

function harness(strategy: string | undefined, extraTags: Record<string, string> = {}): Harness {
  const tags: Record<string, string> = { ...GOVERNANCE_TAGS, ...extraTags };
  if (strategy !== undefined) tags[ROTATION_TAG_KEYS.strategy] = strategy;
  if (strategy === ROTATION_STRATEGIES.apiGatewayKey && !(ROTATION_TAG_KEYS.quotaTier in extraTags)) {
    tags[ROTATION_TAG_KEYS.quotaTier] = 'standard';
  }
  const secretsManager = new FakeSecretsManager(tags);
  const apiGateway = new FakeApiGateway();
  apiGateway.journal = secretsManager.journal;
  const logLines: string[] = [];
  const env: Record<string, string | undefined> = { ...ROTATION_ENV };
  const handler = createHandler({
    secretsManager,
    apiGateway,
    env,
    logger: {
      info: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
      error: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
    },
  });
  let seen = 0;
  const h: Harness = {
    secretsManager,
    apiGateway,
    logLines,
    env,
    run: (step, token) => handler({ SecretId: SECRET_ARN, ClientRequestToken: token, Step: step }),
    async rotate(token) {
      secretsManager.startRotation(token);
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await h.run(step, token);
    },
    revoke: () => handler({ action: 'revoke', secretId: SECRET_ARN }),
    sent() {
      const commands = secretsManager.journal;
      const fresh = commands.slice(seen);
      seen = commands.length;
      return fresh;
    },
  };
  return h;
}

const WRITES = new Set(['PutSecretValue', 'UpdateSecretVersionStage', 'CreateApiKey', 'DeleteApiKey', 'CreateUsagePlanKey', 'UpdateApiKey', 'DeleteUsagePlanKey']);
const writesIn = (commands: SentCommand[]) => commands.filter((command) => WRITES.has(command.name));
const TOKEN_1 = 'a1b2c3d4-0000-4000-8000-000000000001';
const TOKEN_2 = 'a1b2c3d4-0000-4000-8000-000000000002';
const TOKEN_3 = 'a1b2c3d4-0000-4000-8000-000000000003';

// ---------------------------------------------------------------------------------------------

describe('rotation contract checks (every strategy)', () => {
  test('fails when the step is unknown, before any AWS call', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('rollbackSecret', TOKEN_1)).rejects.toThrow(
      /secret arn:aws:secretsmanager:.*gateway-key-AbCdEf.*step rollbackSecret: unknown step 'rollbackSecret'; allowed: createSecret, setSecret, testSecret, finishSecret/);
    expect(h.sent()).toEqual([]);
  });

  test('fails when the event lacks SecretId, ClientRequestToken or Step', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const handler = createHandler({ secretsManager: h.secretsManager, apiGateway: h.apiGateway, env: ROTATION_ENV, logger: { info() {}, error() {} } });
    await expect(handler({ SecretId: SECRET_ARN })).rejects.toThrow(/the event lacks ClientRequestToken, Step/);
  });

  test('fails when rotation is not enabled on the secret', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.rotationEnabled = false;
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /secret arn:aws:secretsmanager:\S+ \(version a1b2c3d4-\S+\), step createSecret: rotation is not enabled on the secret/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails when the token is not a version of the secret', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/step createSecret: the token is not a version of the secret/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails when the token is not staged AWSPENDING', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ token: 'x'.repeat(64) }), ['AWSPREVIOUS']);
    await expect(h.run('setSecret', TOKEN_1)).rejects.toThrow(
      /step setSecret: the version is not staged AWSPENDING \(its stages: AWSPREVIOUS\)/);
  });

  test('does nothing when the token is already AWSCURRENT', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ apiKeyId: 'key9', value: 'v'.repeat(40) }), ['AWSCURRENT']);
    h.sent();
    await h.run('finishSecret', TOKEN_1);
    expect(h.sent().map((command) => command.name)).toEqual(['DescribeSecret']);
  });

  test('fails when the rotation-strategy tag is missing', async () => {
    const h = harness(undefined);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /the governance:rotation-strategy tag is missing; allowed: generated-token, api-gateway-key/);
  });

  test('fails when the rotation-strategy tag names an unknown strategy', async () => {
    const h = harness('rds-password');
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /the governance:rotation-strategy tag is 'rds-password'; allowed: generated-token, api-gateway-key/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails with the call that failed when an AWS call fails', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.startRotation(TOKEN_1);
    h.secretsManager.failNext('PutSecretValue', new AwsError('AccessDeniedException', 'not authorized'));
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /step createSecret: PutSecretValue failed with AccessDeniedException: not authorized/);
  });
});

describe('generated-token strategy', () => {
  const strategy = ROTATION_STRATEGIES.generatedToken;

  test('createSecret stores a random base64url token of 48 bytes as AWSPENDING under the token', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const put = h.sent().find((command) => command.name === 'PutSecretValue')!;
    expect(put.input).toMatchObject({ ClientRequestToken: TOKEN_1, VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(put.input.SecretString)).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/) });
  });

  test('createSecret generates a different token for each rotation', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const first = h.secretsManager.valueOf('AWSCURRENT');
    await h.rotate(TOKEN_2);
    expect(h.secretsManager.valueOf('AWSCURRENT')).not.toEqual(first);
  });

  test('createSecret does nothing when the AWSPENDING version already has a value', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const stored = h.secretsManager.versions.get(TOKEN_1)!.value;
    h.sent();
    await h.run('createSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
    expect(h.secretsManager.versions.get(TOKEN_1)!.value).toBe(stored);
  });

  test('setSecret writes nothing anywhere', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('setSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('testSecret accepts the token createSecret stored', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).resolves.toBeUndefined();
  });

  test('fails when testSecret finds no value (createSecret did not run)', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/step testSecret: the AWSPENDING version has no value; createSecret must run first/);
  });

  test('fails when testSecret finds a value that is not JSON', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, 'plain-text-token-value', ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/the AWSPENDING version is not valid JSON \(value not shown\)/);
  });

  test('fails when testSecret finds no "token" field', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ password: 'x'.repeat(64) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/has no string "token" field/);
  });

  test('fails when testSecret finds a token shorter than 64 characters', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ token: 'A'.repeat(MIN_TOKEN_LENGTH - 1) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(
      /the AWSPENDING token is 63 characters or not base64url; a generated token is at least 64 base64url characters/);
  });

  test('finishSecret moves AWSCURRENT to the token and removes it from the old version', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('initial', JSON.stringify({ token: 'B'.repeat(64) }), ['AWSCURRENT']);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('finishSecret', TOKEN_1);
    expect(h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_1, RemoveFromVersionId: 'initial',
    });
  });

  test('finishSecret leaves the old version AWSPREVIOUS', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('initial', JSON.stringify({ token: 'B'.repeat(64) }), ['AWSCURRENT']);
    await h.rotate(TOKEN_1);
    expect([h.secretsManager.stagesOf(TOKEN_1), h.secretsManager.stagesOf('initial')])
      .toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
  });

  test('finishSecret takes AWSPENDING off the new current version', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    expect(h.sent().filter((command) => command.name === 'UpdateSecretVersionStage').at(-1)!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN_1,
    });
  });

  test('finishSecret on a secret created without a value moves AWSCURRENT without removing it from anything', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const update = h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!;
    expect(update.input).not.toHaveProperty('RemoveFromVersionId');
  });
});
describe('api-gateway-key strategy', () => {
  const strategy = ROTATION_STRATEGIES.apiGatewayKey;
  const pendingOf = (h: Harness, token: string) => JSON.parse(h.secretsManager.versions.get(token)!.value!);

  test('createSecret creates one API key named from the secret name and the token, disabled until setSecret', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const creates = h.sent().filter((command) => command.name === 'CreateApiKey');
    expect(creates.map((command) => [command.input.name, command.input.enabled])).toEqual([[`${SECRET_NAME}-${TOKEN_1}`, false]]);
  });

  test('createSecret tags the key with the governance tags, the owning secret and the version, not the rotation settings', async () => {
    const h = harness(strategy, { 'cost-center': '42' });
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    expect(h.sent().find((command) => command.name === 'CreateApiKey')!.input.tags).toEqual({
      ...GOVERNANCE_TAGS,
      [ROTATION_TAG_KEYS.quotaTier]: 'standard',
      [ROTATION_TAG_KEYS.keyOwnerSecret]: SECRET_ARN,
      [ROTATION_TAG_KEYS.keyVersion]: TOKEN_1,
    });
  });

  test('createSecret stores {apiKeyId, value} of the new key as AWSPENDING', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const [key] = [...h.apiGateway.keys.values()];
    expect([pendingOf(h, TOKEN_1), h.secretsManager.stagesOf(TOKEN_1)])
      .toEqual([{ apiKeyId: key.id, value: key.value }, ['AWSPENDING']]);
  });

  test('createSecret does nothing when the AWSPENDING version already has a value', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('createSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('setSecret attaches the new key to its tier\'s usage plan, then enables it', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('setSecret', TOKEN_1);
    const { apiKeyId } = pendingOf(h, TOKEN_1);
    expect(writesIn(h.sent()).map((c) => [c.name, c.input])).toEqual([
      ['CreateUsagePlanKey', { usagePlanId: USAGE_PLAN_ID, keyId: apiKeyId, keyType: 'API_KEY' }],
      ['UpdateApiKey', { apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }] }],
    ]);
    expect([h.apiGateway.plansOf(apiKeyId), h.apiGateway.keys.get(apiKeyId)!.enabled]).toEqual([[USAGE_PLAN_ID], true]);
  });

  test('setSecret treats a key already on the usage plan as attached', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    await expect(h.run('setSecret', TOKEN_1)).resolves.toBeUndefined();
  });

  test('testSecret accepts an enabled key on the usage plan, read by id', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.sent();
    await h.run('testSecret', TOKEN_1);
    expect(h.sent().map((command) => command.name)).toEqual(['DescribeSecret', 'GetSecretValue', 'GetApiKey', 'GetUsagePlanKey']);
  });

  test('fails when testSecret finds the key deleted', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.apiGateway.keys.clear();
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(
      /step testSecret: API key key1, stored in the AWSPENDING version, does not exist; .*Remove the AWSPENDING label/);
  });

  test('fails when testSecret finds the key disabled (setSecret did not run)', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/step testSecret: API key key1 is disabled; setSecret enables it/);
  });

  test('fails when testSecret finds the key off the usage plan', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.apiGateway.attachments.clear();
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/API key key1 is not on usage plan plan123, the plan of the secret's quota tier/);
  });

  test('fails when testSecret finds a key value different from the stored one', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.apiGateway.keys.get('key1')!.value = 'changed-by-hand-0123456789';
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/API key key1 has a different value than the AWSPENDING version stores \(values not shown\)/);
  });

  test('fails when testSecret finds a value without apiKeyId', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ value: 'v'.repeat(40) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/lacks a string "apiKeyId" or "value"/);
  });

  test('finishSecret moves AWSCURRENT to the token and removes it from the old version', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    h.secretsManager.startRotation(TOKEN_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret']) await h.run(step, TOKEN_2);
    h.sent();
    await h.run('finishSecret', TOKEN_2);
    expect(h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_2, RemoveFromVersionId: TOKEN_1,
    });
  });

  test('finishSecret retires nothing when the version that was current holds no API key id (a placeholder)', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('placeholder', JSON.stringify({ note: 'set by rotation' }), ['AWSCURRENT']);
    await h.rotate(TOKEN_1);
    expect(writesIn(h.sent()).filter((c) => c.name.startsWith('Delete'))).toEqual([]);
  });
});

describe('issue 12 item 7: each workload\'s own key, on its own tier\'s plan, retired at once', () => {
  const strategy = ROTATION_STRATEGIES.apiGatewayKey;
  const pendingOf = (h: Harness, token: string) => JSON.parse(h.secretsManager.versions.get(token)!.value!);

  test('item 7: a secret tagged with another plan id gets a key only on its own tier\'s plan', async () => {
    const h = harness(strategy, { [ROTATION_TAG_KEYS.usagePlanId]: VICTIM_PLAN_ID });
    await h.rotate(TOKEN_1);
    const { apiKeyId } = pendingOf(h, TOKEN_1);
    expect([h.apiGateway.plansOf(apiKeyId), [...h.apiGateway.attachments].filter((a) => a.startsWith(`${VICTIM_PLAN_ID}/`))]).toEqual([[USAGE_PLAN_ID], []]);
  });

  test('item 7: the usage plan comes from USAGE_PLANS by the quota tier', async () => {
    const h = harness(strategy, { [ROTATION_TAG_KEYS.quotaTier]: 'premium' });
    await h.rotate(TOKEN_1);
    expect(h.apiGateway.plansOf(pendingOf(h, TOKEN_1).apiKeyId)).toEqual([PREMIUM_PLAN_ID]);
  });

  test('item 7: fails when the quota tier is not a tier of USAGE_PLANS, before creating any key', async () => {
    const h = harness(strategy, { [ROTATION_TAG_KEYS.quotaTier]: VICTIM_PLAN_ID });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /step createSecret: the secret's governance:quota-tier tag is "victimplan"; allowed: standard, premium \(the quota tiers of this environment\)/);
    expect(h.apiGateway.created).toEqual([]);
  });

  test('item 7: fails when the quota tier tag is missing', async () => {
    const h = harness(strategy, { [ROTATION_TAG_KEYS.quotaTier]: '' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the secret's governance:quota-tier tag is ""; allowed: standard, premium/);
  });

  test('item 7: fails when the secret is tagged with another environment', async () => {
    const h = harness(strategy, { [TAG_KEYS.environment]: 'prod' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /step createSecret: the secret's governance:environment tag is "prod", but this function rotates the secrets of environment dev/);
    expect(h.apiGateway.created).toEqual([]);
  });

  test('item 7: fails when the secret is named under another workload than its tag', async () => {
    const h = harness(strategy);
    h.secretsManager.name = 'governed/dev/victim/gateway-key';
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /the secret's governance:workload tag is "chat", but its name puts it under workload victim; name and tag must name the same workload/);
    expect(h.apiGateway.created).toEqual([]);
  });

  test('item 7: fails when the secret is named outside governed/<environment>/<workload>/', async () => {
    const h = harness(strategy);
    h.secretsManager.name = 'governed/prod/chat/gateway-key';
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the secret's name "governed\/prod\/chat\/gateway-key" does not start with governed\/dev\/<workload>\//);
  });

  test('item 7: fails when USAGE_PLANS is unset', async () => {
    const h = harness(strategy);
    delete h.env.USAGE_PLANS;
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the function's USAGE_PLANS is unset; the platform stack sets USAGE_PLANS to \{"<quota tier>": "<usage plan id>"\}/);
  });

  test('item 7: fails when USAGE_PLANS maps a tier to something that is not a plan id', async () => {
    const h = harness(strategy);
    h.env.USAGE_PLANS = JSON.stringify({ standard: '*' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the function's USAGE_PLANS maps "standard" to "\*"/);
  });

  test('item 7: fails when ENVIRONMENT is unset, for every strategy', async () => {
    for (const s of Object.values(ROTATION_STRATEGIES)) {
      const h = harness(s);
      delete h.env.ENVIRONMENT;
      h.secretsManager.startRotation(TOKEN_1);
      await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the function's ENVIRONMENT is unset/);
      expect(h.sent()).toEqual([]);
    }
  });

  test('item 7: a generated-token secret of another environment is refused too', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken, { [TAG_KEYS.environment]: 'prod' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the secret's governance:environment tag is "prod", but this function rotates the secrets of environment dev/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('item 7: a revoked workload\'s secret is not rotated', async () => {
    const h = harness(strategy, { [GOVERNANCE_TAG_KEYS.revokedAt]: '2026-11-30T10:00:00Z' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/the secret's workload was revoked \(governance:revoked-at 2026-11-30T10:00:00Z\); a revoked workload's secrets are not rotated/);
    expect(h.apiGateway.created).toEqual([]);
  });

  test('item 7: keys are read one by one by the ids the secret holds, never listed with their values', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    await h.rotate(TOKEN_3);
    h.secretsManager.tags[GOVERNANCE_TAG_KEYS.revokedAt] = '2026-11-30T10:00:00Z';
    await h.revoke();
    const held = new Set([TOKEN_1, TOKEN_2, TOKEN_3].map((t) => pendingOf(h, t).apiKeyId));
    const reads = h.apiGateway.commands.filter((c) => c.name.startsWith('GetApiKey'));
    expect([reads.every((c) => c.name === 'GetApiKey' && held.has(c.input.apiKey)), h.apiGateway.commands.some((c) => c.name === 'GetApiKeys'), reads.length > 0])
      .toEqual([true, false, true]);
  });

  test('item 7: the key is issued disabled and on no usage plan until setSecret', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const key = h.apiGateway.keys.get(pendingOf(h, TOKEN_1).apiKeyId)!;
    expect([key.enabled, h.apiGateway.plansOf(key.id)]).toEqual([false, []]);
  });

  test('item 7: a key whose version could not be stored is deleted again', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    h.secretsManager.failNext('PutSecretValue', new AwsError('InternalServiceError', 'try again'));
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/storing the new key failed \(.*PutSecretValue failed with InternalServiceError: try again\); API key key1 was deleted again/);
    await h.run('createSecret', TOKEN_1);
    expect([h.apiGateway.created.length, [...h.apiGateway.keys.keys()], pendingOf(h, TOKEN_1).apiKeyId]).toEqual([2, ['key2'], 'key2']);
  });

  test('item 7: the previous key is retired in finishSecret as soon as the new one is current and tested', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const first = pendingOf(h, TOKEN_1).apiKeyId;
    h.secretsManager.startRotation(TOKEN_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret']) await h.run(step, TOKEN_2);
    expect([h.apiGateway.keys.get(first)?.enabled, h.apiGateway.plansOf(first)]).toEqual([true, [USAGE_PLAN_ID]]);
    h.sent();
    await h.run('finishSecret', TOKEN_2);
    // Detached from every plan of the environment (NotFound on the plans it is not on), then deleted.
    const writes = writesIn(h.sent()).map((c) => [c.name, c.input.usagePlanId ?? c.input.apiKey ?? c.input.VersionStage]);
    expect(writes).toEqual([['UpdateSecretVersionStage', 'AWSCURRENT'], ['UpdateSecretVersionStage', 'AWSPENDING'],
      ['DeleteUsagePlanKey', USAGE_PLAN_ID], ['DeleteUsagePlanKey', PREMIUM_PLAN_ID], ['DeleteApiKey', first]]);
    expect([h.apiGateway.keys.has(first), h.apiGateway.plansOf(first), [...h.apiGateway.keys.keys()]]).toEqual([false, [], [pendingOf(h, TOKEN_2).apiKeyId]]);
  });

  test('item 7: after any number of rotations exactly one key is valid', async () => {
    const h = harness(strategy);
    for (const token of [TOKEN_1, TOKEN_2, TOKEN_3]) await h.rotate(token);
    expect([[...h.apiGateway.keys.values()].map((k) => [k.id, k.enabled]), [...h.apiGateway.attachments]])
      .toEqual([[[pendingOf(h, TOKEN_3).apiKeyId, true]], [`${USAGE_PLAN_ID}/${pendingOf(h, TOKEN_3).apiKeyId}`]]);
  });

  test('item 7: the previous key is removed from an earlier tier\'s plan too', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const first = pendingOf(h, TOKEN_1).apiKeyId;
    h.secretsManager.tags[ROTATION_TAG_KEYS.quotaTier] = 'premium';
    await h.rotate(TOKEN_2);
    expect([h.apiGateway.keys.has(first), h.apiGateway.plansOf(first), h.apiGateway.plansOf(pendingOf(h, TOKEN_2).apiKeyId)]).toEqual([false, [], [PREMIUM_PLAN_ID]]);
  });

  test('item 7: a finishSecret retried after the retirement failed retires the previous key', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const first = pendingOf(h, TOKEN_1).apiKeyId;
    h.secretsManager.startRotation(TOKEN_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret']) await h.run(step, TOKEN_2);
    h.apiGateway.failNext('DeleteApiKey', new AwsError('TooManyRequestsException', 'slow down'));
    await expect(h.run('finishSecret', TOKEN_2)).rejects.toThrow(/DeleteApiKey failed with TooManyRequestsException/);
    expect([h.secretsManager.stagesOf(TOKEN_2), h.apiGateway.keys.has(first)]).toEqual([['AWSCURRENT'], true]);
    await h.run('finishSecret', TOKEN_2);
    expect([h.apiGateway.keys.has(first), h.apiGateway.keys.has(pendingOf(h, TOKEN_2).apiKeyId)]).toEqual([false, true]);
  });

  test('item 7: a version naming a key another secret issued is refused, and that key is left unchanged', async () => {
    const h = harness(strategy);
    const victim = h.apiGateway.addKey({ name: 'governed/dev/victim/gateway-key-x', enabled: false, tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:governed/dev/victim/gateway-key-XyZ123' } });
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ apiKeyId: victim.id, value: victim.value }), ['AWSPENDING']);
    await expect(h.run('setSecret', TOKEN_1)).rejects.toThrow(
      /API key key1 was issued for secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:governed\/dev\/victim\/gateway-key-XyZ123, not this one .*Nothing was changed/);
    expect([victim.enabled, h.apiGateway.plansOf(victim.id)]).toEqual([false, []]);
  });
});

describe('issue 12 item 7: the revocation entry point', () => {
  const strategy = ROTATION_STRATEGIES.apiGatewayKey;
  const pendingOf = (h: Harness, token: string) => JSON.parse(h.secretsManager.versions.get(token)!.value!);

  /** Two finished rotations and a third stopped after setSecret: one retired key, one current, one pending and attached. */
  async function revokedWorkload() {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    h.secretsManager.startRotation(TOKEN_3);
    await h.run('createSecret', TOKEN_3);
    await h.run('setSecret', TOKEN_3);
    h.secretsManager.tags[GOVERNANCE_TAG_KEYS.revokedAt] = '2026-11-30T10:00:00Z';
    return h;
  }

  test('item 7: revoke disables every key the secret owns and removes each from its usage plan', async () => {
    const h = await revokedWorkload();
    const [k1, k2, k3] = [TOKEN_1, TOKEN_2, TOKEN_3].map((t) => pendingOf(h, t).apiKeyId);
    const summary = await h.revoke();
    expect(summary).toEqual({
      action: 'revoke', secretArn: SECRET_ARN, environment: 'dev', workload: 'chat', revokedAt: '2026-11-30T10:00:00Z',
      keys: [
        { apiKeyId: k1, status: 'not-found', removedFromUsagePlans: [] },
        { apiKeyId: k2, status: 'disabled', removedFromUsagePlans: [USAGE_PLAN_ID] },
        { apiKeyId: k3, status: 'disabled', removedFromUsagePlans: [USAGE_PLAN_ID] },
      ],
    });
    expect([[...h.apiGateway.keys.values()].filter((k) => k.enabled), [...h.apiGateway.attachments]]).toEqual([[], []]);
  });

  test('item 7: revoke is idempotent', async () => {
    const h = await revokedWorkload();
    await h.revoke();
    const state = () => JSON.stringify([[...h.apiGateway.keys.values()], [...h.apiGateway.attachments]]);
    const before = state();
    h.sent();
    const second = await h.revoke();
    expect([second.keys.map((k: any) => [k.status, k.removedFromUsagePlans]), state() === before,
      writesIn(h.sent()).filter((c) => c.name !== 'DeleteUsagePlanKey')]).toEqual([
      [['not-found', []], ['already-disabled', []], ['already-disabled', []]], true, [],
    ]);
  });

  test('item 7: revoke finds keys in deprecated versions across pages', async () => {
    const h = await revokedWorkload();
    const stray = h.apiGateway.addKey({ name: `${SECRET_NAME}-old`, tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: SECRET_ARN } });
    h.apiGateway.attachments.add(`${PREMIUM_PLAN_ID}/${stray.id}`);
    h.secretsManager.putVersion('deprecated-version', JSON.stringify({ apiKeyId: stray.id, value: stray.value }), []);
    h.secretsManager.pageSize = 1;
    const summary = await h.revoke();
    expect([summary.keys.find((k: any) => k.apiKeyId === stray.id), stray.enabled]).toEqual([{ apiKeyId: stray.id, status: 'disabled', removedFromUsagePlans: [PREMIUM_PLAN_ID] }, false]);
  });

  test('item 7: revoke refuses a secret without the governance:revoked-at tag, changing nothing', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    h.sent();
    await expect(h.revoke()).rejects.toThrow(/^Revocation of secret arn:aws:secretsmanager:\S+: the secret has no governance:revoked-at tag; .*Nothing was changed/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('item 7: revoke refuses a secret of another environment', async () => {
    const h = harness(strategy, { [TAG_KEYS.environment]: 'prod', [GOVERNANCE_TAG_KEYS.revokedAt]: '2026-11-30T10:00:00Z' });
    await expect(h.revoke()).rejects.toThrow(/the secret's governance:environment tag is "prod", but this function rotates the secrets of environment dev/);
  });

  test('item 7: revoke refuses a secret that holds no API keys (generated-token)', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken, { [GOVERNANCE_TAG_KEYS.revokedAt]: '2026-11-30T10:00:00Z' });
    await expect(h.revoke()).rejects.toThrow(/the secret's governance:rotation-strategy tag is "generated-token"; only api-gateway-key secrets hold API keys to revoke/);
  });

  test('item 7: revoke disables the secret\'s own keys but leaves a key another secret owns unchanged, and fails loudly', async () => {
    const h = await revokedWorkload();
    const victim = h.apiGateway.addKey({ name: 'other', tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:governed/dev/victim/k-XyZ123' } });
    h.apiGateway.attachments.add(`${VICTIM_PLAN_ID}/${victim.id}`);
    h.secretsManager.putVersion('tampered', JSON.stringify({ apiKeyId: victim.id, value: victim.value }), []);
    await expect(h.revoke()).rejects.toThrow(/are disabled and off every usage plan, but a version of the secret names API key key\d+ \(issued for .*victim.*\), which this secret does not own; that key was left unchanged/);
    expect([victim.enabled, h.apiGateway.plansOf(victim.id), [...h.apiGateway.keys.values()].filter((k) => k.enabled).map((k) => k.id)]).toEqual([true, [VICTIM_PLAN_ID], [victim.id]]);
  });

  test.each([
    [{ action: 'delete', secretId: SECRET_ARN }],
    [{ action: 'revoke' }],
    [{ action: 'revoke', secretId: SECRET_ARN, usagePlanId: VICTIM_PLAN_ID }],
  ])('fails when the event is neither a rotation step nor a revocation: %j', async (event) => {
    const h = harness(strategy, { [GOVERNANCE_TAG_KEYS.revokedAt]: '2026-11-30T10:00:00Z' });
    const handler = createHandler({ secretsManager: h.secretsManager, apiGateway: h.apiGateway, env: ROTATION_ENV, logger: { info() {}, error() {} } });
    await expect(handler(event)).rejects.toThrow(/is neither a rotation step nor \{"action": "revoke", "secretId": "<secret ARN>"\}/);
    expect(h.sent()).toEqual([]);
  });
});

describe('secret values never reach the log or an error', () => {
  test('nothing logged during three rotations of each strategy contains a secret value', async () => {
    const values: string[] = [];
    const lines: string[] = [];
    for (const strategy of Object.values(ROTATION_STRATEGIES)) {
      const h = harness(strategy);
      for (const token of [TOKEN_1, TOKEN_2, TOKEN_3]) {
        await h.rotate(token);
        const stored = JSON.parse(h.secretsManager.versions.get(token)!.value!);
        values.push(stored.token ?? stored.value);
      }
      lines.push(...h.logLines);
    }
    // The check below only means something if there were values and lines to compare.
    expect([values.length, lines.length > 20]).toEqual([6, true]);
    expect(lines.filter((line) => values.some((value) => line.includes(value)))).toEqual([]);
  });

  test('an invalid JSON value is neither logged nor put in the error', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const secretValue = 'not-json-but-a-secret-0123456789';
    h.secretsManager.putVersion(TOKEN_1, secretValue, ['AWSPENDING']);
    const error: Error = await h.run('testSecret', TOKEN_1).then(() => new Error('no error'), (e: Error) => e);
    expect([error.message.includes(secretValue), h.logLines.some((line) => line.includes(secretValue)),
      h.logLines.some((line) => line.includes('is not valid JSON'))]).toEqual([false, false, true]);
  });

  test('an AWS error message that echoes the value is redacted', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    h.secretsManager.startRotation(TOKEN_1);
    // Make PutSecretValue echo the value it was given, the way a validation message might.
    const echo = { send: async (command: any) => {
      if (command.constructor.name === 'PutSecretValueCommand') {
        throw new AwsError('ValidationException', `Value '${command.input.SecretString}' failed to satisfy constraint`);
      }
      return h.secretsManager.send(command);
    } };
    const lines: string[] = [];
    const handler = createHandler({
      secretsManager: echo,
      apiGateway: h.apiGateway,
      env: ROTATION_ENV,
      logger: { info: (m, f) => lines.push(JSON.stringify({ m, f })), error: (m, f) => lines.push(JSON.stringify({ m, f })) },
    });
    const error: Error = await handler({ SecretId: SECRET_ARN, ClientRequestToken: TOKEN_1, Step: 'createSecret' })
      .then(() => new Error('no error'), (e: Error) => e);
    const [key] = h.apiGateway.created;
    expect([error.message.includes('[REDACTED]'), error.message.includes(key.value),
      lines.some((line) => line.includes(key.value))]).toEqual([true, false, false]);
  });

  test('the logger redacts a known value even from fields a step passes by mistake', () => {
    const received: string[] = [];
    const sink = { info: (m: string, f?: object) => received.push(JSON.stringify({ m, f })), error() {} };
    redactingLogger(new Set(['s3cr3t-value-0123']), sink).info('value s3cr3t-value-0123', { leaked: 's3cr3t-value-0123' });
    expect(received).toEqual([JSON.stringify({ m: 'value [REDACTED]', f: { leaked: '[REDACTED]' } })]);
  });

  test('the default logger writes JSON lines to the console without the value', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const output: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
    const err = jest.spyOn(console, 'error').mockImplementation((line: string) => { output.push(line); });
    try {
      const handler = createHandler({ secretsManager: h.secretsManager, apiGateway: h.apiGateway, env: ROTATION_ENV });
      h.secretsManager.startRotation(TOKEN_1);
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        await handler({ SecretId: SECRET_ARN, ClientRequestToken: TOKEN_1, Step: step });
      }
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const token = JSON.parse(h.secretsManager.valueOf('AWSCURRENT')!).token;
    expect([output.length > 0, output.every((line) => JSON.parse(line).secretArn === SECRET_ARN),
      output.some((line) => line.includes(token))]).toEqual([true, true, false]);
  });
});

describe('permissions.js', () => {
  test('every Secrets Manager call the function makes is in SECRETS_MANAGER_ACTIONS', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    h.secretsManager.tags[GOVERNANCE_TAG_KEYS.revokedAt] = '2026-11-30T10:00:00Z';
    await h.revoke();
    const used = new Set(h.secretsManager.commands.map((command) => `secretsmanager:${command.name}`));
    expect([...used].filter((action) => !SECRETS_MANAGER_ACTIONS.includes(action))).toEqual([]);
  });

  test('every API Gateway call the function makes is covered by API_GATEWAY_PERMISSIONS', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    await h.rotate(TOKEN_3);
    h.secretsManager.tags[GOVERNANCE_TAG_KEYS.revokedAt] = '2026-11-30T10:00:00Z';
    await h.revoke();
    const covered = new Set(API_GATEWAY_PERMISSIONS.flatMap((permission) => permission.calls));
    const used = new Set(h.apiGateway.commands.map((command) => command.name));
    expect([[...used].filter((call) => !covered.has(call)), [...used].sort()]).toEqual([[],
      ['CreateApiKey', 'CreateUsagePlanKey', 'DeleteApiKey', 'DeleteUsagePlanKey', 'GetApiKey', 'GetUsagePlanKey', 'UpdateApiKey']]);
  });

  test('the generated-token strategy needs no API Gateway action', () => {
    expect(ACTIONS_BY_STRATEGY[ROTATION_STRATEGIES.generatedToken].filter((action) => action.startsWith('apigateway:')))
      .toEqual([]);
  });

  test('README.md lists exactly the actions of permissions.js', () => {
    const readme = readFileSync(join(__dirname, '../../functions/secret-rotation/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## IAM permissions'), readme.indexOf('Not needed:'));
    // The second column of each table row is the actions column.
    const actionCells = table.split('\n').filter((line) => line.startsWith('| ')).map((line) => line.split('|')[2]);
    const listed = new Set(actionCells.flatMap((cell) => cell.match(/`[a-z]+:[A-Za-z]+`/g) ?? []).map((a) => a.slice(1, -1)));
    const exported = new Set(Object.values(ACTIONS_BY_STRATEGY).flat());
    expect([...listed].sort()).toEqual([...exported].sort());
  });

  test('the environment tag key is the one in constructs/governance/tags.ts', () => {
    expect(ENVIRONMENT_TAG_KEY).toBe(TAG_KEYS.environment);
  });

  test('the governance tag keys the function checks are the ones in constructs/governance/tags.ts', () => {
    expect(GOVERNANCE_TAG_KEYS).toEqual({ environment: TAG_KEYS.environment, workload: TAG_KEYS.workload, revokedAt: TAG_KEYS.revokedAt });
  });

  const props = {
    environment: 'dev', region: 'eu-west-1', accountId: '123456789012',
    kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234',
  };

  test('secrets are reachable only when tagged with the environment and a served strategy', () => {
    const [secrets] = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] });
    expect(secrets.conditions).toEqual([
      { test: 'StringEquals', variable: 'aws:ResourceTag/governance:environment', values: ['dev'] },
      { test: 'StringEquals', variable: 'aws:ResourceTag/governance:rotation-strategy', values: ['generated-token'] },
    ]);
  });

  test('the KMS key is usable only through Secrets Manager', () => {
    const kms = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] })[1];
    expect(kms.conditions).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] },
    ]);
  });

  test('item 7: no statement allows listing API keys (GetApiKeys reads every key value of the Region)', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey], usagePlanIds: [USAGE_PLAN_ID] });
    const listing = statements.filter((s) => s.actions.includes('apigateway:GET') && s.resources.some((r) => r.endsWith('::/apikeys')));
    expect([listing, API_GATEWAY_PERMISSIONS.flatMap((p) => p.calls).includes('GetApiKeys')]).toEqual([[], false]);
  });

  test('item 7: a new key must carry the environment tag', () => {
    const issue = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey], usagePlanIds: [USAGE_PLAN_ID] })
      .find((s) => s.sid === 'IssueEnvironmentApiKeys')!;
    expect([issue.actions, issue.resources, issue.conditions]).toEqual([['apigateway:POST'], ['arn:aws:apigateway:eu-west-1::/apikeys'],
      [{ test: 'StringEquals', variable: 'aws:RequestTag/governance:environment', values: ['dev'] }]]);
  });

  test('item 7: reading, disabling and deleting keys is limited to keys tagged with the environment', () => {
    const manage = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey], usagePlanIds: [USAGE_PLAN_ID] })
      .find((s) => s.sid === 'ManageEnvironmentApiKeys')!;
    expect([manage.actions, manage.resources, manage.conditions]).toEqual([['apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'], ['arn:aws:apigateway:eu-west-1::/apikeys/*'],
      [{ test: 'StringEquals', variable: 'aws:ResourceTag/governance:environment', values: ['dev'] }]]);
  });

  test('item 7: usage plan keys are reachable only on the environment\'s usage plans', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey], usagePlanIds: [USAGE_PLAN_ID, PREMIUM_PLAN_ID] });
    const plans = statements.filter((s) => s.resources.some((r) => r.includes('/usageplans/')));
    expect(plans.map((s) => [s.sid, s.actions, s.resources, s.conditions])).toEqual([
      ['AttachApiKeysToEnvironmentUsagePlans', ['apigateway:POST'],
        ['arn:aws:apigateway:eu-west-1::/usageplans/plan123/keys', 'arn:aws:apigateway:eu-west-1::/usageplans/plan456/keys'], []],
      ['ReadAndDetachEnvironmentUsagePlanKeys', ['apigateway:GET', 'apigateway:DELETE'],
        ['arn:aws:apigateway:eu-west-1::/usageplans/plan123/keys/*', 'arn:aws:apigateway:eu-west-1::/usageplans/plan456/keys/*'], []],
    ]);
  });

  test('without usage plan ids, usage plan keys stay scoped by the environment tag', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey] });
    const attach = statements.find((s) => s.sid === 'AttachApiKeysToEnvironmentUsagePlans')!;
    expect([attach.resources, attach.conditions]).toEqual([['arn:aws:apigateway:eu-west-1::/usageplans/*/keys'],
      [{ test: 'StringEquals', variable: 'aws:ResourceTag/governance:environment', values: ['dev'] }]]);
  });

  test('fails when a usage plan id is a wildcard', () => {
    expect(() => rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey], usagePlanIds: ['*'] })).toThrow(
      /functions\/secret-rotation\/permissions.js: usagePlanIds \["\*"\] must be a non-empty list of usage plan ids without wildcards/);
  });

  test('a generated-token-only function gets no API Gateway statement', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] });
    expect(statements.flatMap((statement) => statement.actions).filter((action) => action.startsWith('apigateway:')))
      .toEqual([]);
  });

  test('fails when a strategy is unknown', () => {
    expect(() => rotationStatements({ ...props, strategies: ['rds-password'] })).toThrow(
      /functions\/secret-rotation\/permissions.js: strategies \["rds-password"\] must be a non-empty list of generated-token, api-gateway-key/);
  });
});
