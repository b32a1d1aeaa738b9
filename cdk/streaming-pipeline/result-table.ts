import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ResultTableProps } from './types';

/** The only action the function needs on a result table: the table sink's conditional, versioned put. */
export const RESULT_TABLE_ACTIONS = ['dynamodb:PutItem'] as const;

/**
 * Whether a `resultTable` prop is an existing table rather than the key schema of a new one.
 *
 * @param resultTable - the prop's value
 */
export function isExistingTable(
  resultTable: ResultTableProps | dynamodb.ITable,
): resultTable is dynamodb.ITable {
  return Construct.isConstruct(resultTable);
}

/** Options of {@link createResultTable}. */
export interface ResultTableOptions {
  /** The prop: the key schema of a new table, or an existing table. */
  readonly resultTable: ResultTableProps | dynamodb.ITable;
  /** The pipeline's function, granted `dynamodb:PutItem` on the table. */
  readonly grantee: iam.IGrantable;
  /** What happens to a new table when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Creates the result table (on demand, point-in-time recovery, AWS-managed encryption) or takes
 * the given one, and grants the function `dynamodb:PutItem` on it, plus encrypt/decrypt on an
 * existing table's KMS key when CDK knows it. Nothing else: the sink never reads, updates or deletes.
 *
 * @param scope - the pipeline construct
 * @param options - the prop, the function and the removal policy
 * @returns the result table
 */
export function createResultTable(scope: Construct, options: ResultTableOptions): dynamodb.ITable {
  const { resultTable, grantee } = options;
  const table = isExistingTable(resultTable)
    ? resultTable
    : new dynamodb.Table(scope, 'ResultTable', {
        partitionKey: resultTable.partitionKey,
        ...(resultTable.sortKey === undefined ? {} : { sortKey: resultTable.sortKey }),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        removalPolicy: options.removalPolicy,
      });
  table.grant(grantee, ...RESULT_TABLE_ACTIONS);
  table.encryptionKey?.grantEncryptDecrypt(grantee);
  return table;
}
