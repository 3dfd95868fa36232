import type { IGovernedEnvironment } from './environment';
import { BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, KMS_USE } from './iam-actions';
import type { PolicyStatement } from './policy-document';

/**
 * What an identity that calls Bedrock for a route needs: the named models only, and only with the
 * guardrail attached (the condition makes a call without it fail), the guardrail itself, and the
 * environment key through Bedrock (the guardrail is encrypted with it). Written once for the
 * inference service's and the agent's gateway identities.
 */
export function bedrockModelAccessStatements(
  env: IGovernedEnvironment,
  invokeSid: string,
  modelArns: string | string[],
  guardrail: { readonly arn: string; readonly version: string },
): PolicyStatement[] {
  return [
    {
      Sid: invokeSid,
      Effect: 'Allow',
      Action: [...BEDROCK_INVOKE],
      Resource: modelArns,
      Condition: { StringEquals: { 'bedrock:GuardrailIdentifier': `${guardrail.arn}:${guardrail.version}` } },
    },
    { Sid: 'ApplyGuardrail', Effect: 'Allow', Action: [...BEDROCK_APPLY_GUARDRAIL], Resource: guardrail.arn },
    {
      Sid: 'UseEnvironmentKeyThroughBedrock',
      Effect: 'Allow',
      Action: [...KMS_USE],
      Resource: env.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `bedrock.${env.region}.amazonaws.com` } },
    },
  ];
}
