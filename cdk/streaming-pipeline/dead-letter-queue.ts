import type { RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { StreamingPipelineDefaults } from './constants';

/**
 * Creates the pipeline's on-failure destination: an SQS queue, SQS-managed encryption, SSL
 * enforced, 14 days retention. For a Kinesis pipeline, Lambda sends it a pointer (shard, sequence
 * number range) to every batch it discards: after `retryAttempts` or `maxRecordAge` under
 * `FailurePolicy.DiscardAndRecover`, only when the records expire under `FailurePolicy.BlockUntilFixed`;
 * `npx sparkless recover <pipeline>` re-reads each range from the stream while its retention lasts and
 * processes the records never committed, exactly once. For a text-file pipeline, Lambda sends it every
 * S3 event whose invocation failed `asyncRetryAttempts` times or outlived `maxEventAge`, with the
 * error; `sparkless recover` runs the event again, which processes the object exactly once.
 *
 * @param scope - the pipeline construct
 * @param removalPolicy - what happens to the queue (and the pointers it holds) when it leaves the stack
 */
export function createDeadLetterQueue(scope: Construct, removalPolicy: RemovalPolicy): sqs.Queue {
  return new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: StreamingPipelineDefaults.DEAD_LETTER_QUEUE_RETENTION,
    removalPolicy,
  });
}
