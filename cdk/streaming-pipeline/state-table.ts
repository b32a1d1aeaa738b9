import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { StateTableSchema } from './constants';

/**
 * Creates the table for keyed state, committed offsets and the batch ledger: on-demand, point-in-time
 * recovery, AWS-managed encryption, partition key `pk` (S), sort key `sk` (S), TTL on `expiresAt`.
 *
 * @param scope - the pipeline construct
 * @param removalPolicy - what happens to the table when it leaves the stack
 */
export function createStateTable(scope: Construct, removalPolicy: RemovalPolicy): dynamodb.Table {
  return new dynamodb.Table(scope, 'StateTable', {
    partitionKey: { name: StateTableSchema.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
    sortKey: { name: StateTableSchema.SORT_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: StateTableSchema.TTL_ATTRIBUTE,
    removalPolicy,
  });
}
