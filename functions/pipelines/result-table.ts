import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError } from '../../lib/core';
import { DynamoDbTableSink, type TableSink } from '../../lib/sinks';

/** The environment variable naming a pipeline's result table (the construct sets it when asked to). */
export const RESULT_TABLE_ENV = 'SPARKLESS_RESULT_TABLE';

const sinks = new Map<string, TableSink>();

/**
 * The result-table sink, created once per Lambda container on first use (Spark's "one
 * connection per partition, from a pool"): the client is reused by every batch.
 */
export function resultTable(): TableSink {
  const tableName = process.env[RESULT_TABLE_ENV];
  if (tableName === undefined || tableName === '') {
    throw new InvalidConfigurationError(
      `${RESULT_TABLE_ENV} is not set: set it to the name of the result table`,
    );
  }
  let sink = sinks.get(tableName);
  if (sink === undefined) {
    sink = new DynamoDbTableSink({ client: new DynamoDBClient({}), tableName });
    sinks.set(tableName, sink);
  }
  return sink;
}
