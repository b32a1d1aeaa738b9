import { App, Aspects, CfnResource, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSeedStacks, SEED_PIPELINES, type SeedStacks } from '../cdk/stacks';
import { cdkJsonContext } from './support';

/** Every `cdk_nag` suppression in a stack, with the resource path. */
function suppressionsIn(stack: Stack): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  const visit = (construct: IConstruct): void => {
    if (construct instanceof CfnResource) {
      const metadata = construct.getMetadata('cdk_nag') as
        { rules_to_suppress?: Array<{ id: string; reason: string }> } | undefined;
      for (const rule of metadata?.rules_to_suppress ?? []) {
        found.push({ path: construct.node.path, id: rule.id, reason: rule.reason });
      }
    }
    construct.node.children.forEach(visit);
  };
  visit(stack);
  return found;
}

/** cdk-nag's findings (errors and warnings) in a stack, as `rule: resource path` lines. */
function nagFindings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('^AwsSolutions-');
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)].map(
    (message) => `${String(message.entry.data).split(':')[0]}: ${message.id}`,
  );
}

describe('App: cdk-nag AwsSolutions checks on the seed stacks', () => {
  let stacks: SeedStacks;

  beforeAll(() => {
    // GIVEN the app's feature flags, without bundling (the checks read the template)
    const app = new App({ context: { ...cdkJsonContext(), [cxapi.BUNDLING_STACKS]: [] } });
    // WHEN every seed stack is created and checked by the AwsSolutions pack
    stacks = createSeedStacks(app);
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  });

  it.each(SEED_PIPELINES.map((seed) => seed.name))('finds nothing unsuppressed in the %s stack', (name) => {
    // THEN
    expect(nagFindings(stacks[name])).toEqual([]);
  });

  it('justifies every suppression with a reason that says why', () => {
    // THEN
    const suppressions = SEED_PIPELINES.flatMap((seed) => suppressionsIn(stacks[seed.name]));
    expect(suppressions.length).toBeGreaterThan(0);
    for (const { reason } of suppressions) expect(reason.length).toBeGreaterThanOrEqual(60);
    expect(new Set(suppressions.map(({ id }) => id))).toEqual(
      new Set([
        'AwsSolutions-L1',
        'AwsSolutions-SQS3',
        'AwsSolutions-S1',
        'AwsSolutions-IAM5',
        'AwsSolutions-IAM4',
      ]),
    );
  });
});
