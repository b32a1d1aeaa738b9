import type { RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { StreamingPipelineDefaults } from './constants';

/**
 * Creates the on-failure destination of the event source mapping: an SQS queue, SQS-managed
 * encryption, SSL enforced, 14 days retention. Lambda sends it a pointer (shard, sequence number
 * range) to every batch it discards after `retryAttempts` or `maxRecordAge`; the records can be
 * re-read from the stream while its retention lasts.
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
