import { describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { ErrorCode } from '../core';
import { readHandlerConfig } from './environment';

const plan = statefulWordCount.plan;
const complete = { SPARKLESS_STATE_TABLE: 'state', SPARKLESS_CHECKPOINT_BUCKET: 'bucket' };

describe('Function: readHandlerConfig', () => {
  it('defaults the namespace to the pipeline name', () => {
    expect(readHandlerConfig(plan, complete)).toMatchObject({ namespace: 'stateful-word-count' });
  });

  it.each([
    [
      { SPARKLESS_CHECKPOINT_BUCKET: 'b' },
      /SPARKLESS_STATE_TABLE is not set: set it to the DynamoDB state table name/,
    ],
    [{ SPARKLESS_STATE_TABLE: 't' }, /SPARKLESS_CHECKPOINT_BUCKET is not set/],
    [{ ...complete, SPARKLESS_PIPELINE: 'other' }, /runs pipeline "stateful-word-count"/],
    [{ ...complete, SPARKLESS_STATE_NAMESPACE: 'no spaces' }, /given "no spaces"/],
  ])('refuses %j with a message naming the fix', (env, message) => {
    expect(() => readHandlerConfig(plan, env)).toThrow(message);
    expect(() => readHandlerConfig(plan, env)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfiguration }),
    );
  });
});
