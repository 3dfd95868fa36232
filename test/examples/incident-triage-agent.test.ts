import { Testing } from 'cdktf';
import { incidentTriageApp } from '../../examples/incident-triage-agent';
import { resources, testApp, type TfJson } from '../support';

let json: TfJson;
beforeAll(() => {
  json = JSON.parse(Testing.synth(incidentTriageApp(testApp())));
});

describe('example: incident-triage agent', () => {
  it('has one route per tool: ticketing read, ticketing write, runbook search', () => {
    const tools = resources(json, 'aws_api_gateway_resource').filter(([n]) => /_tool-.*_tool_/.test(n)).map(([, r]) => r.path_part);
    expect(tools.sort()).toEqual(['runbook-search', 'ticketing-read', 'ticketing-write']);
  });

  it('writes to tickets only in working hours with the incident commander or the SRE lead approving', () => {
    const write = resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes('ticketing-write'))![1].definition[0].static[0].statement;
    expect(write).toContain('["incident-commander@example.com", "sre-lead@example.com"].contains(context.approvedBy)');
  });

  it('checks its model against the contract allow-list at plan (the list lives in the platform stack)', () => {
    const integration = resources(json, 'aws_api_gateway_integration').find(([n]) => n.includes('_model-'))![1];
    expect(integration.lifecycle.precondition[0].error_message).toMatch(/anthropic\.claude-3-5-sonnet-20240620-v1:0 is not on dev's allowedModels/);
  });
});
