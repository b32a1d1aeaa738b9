import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { statefulWordCount } from '../functions/pipelines/stateful-word-count';
import { WriteAheadLog } from '../lib/checkpoint';
import { DynamoDbPartitionLedgerStore } from '../lib/ledger';
import { BatchExecutor, type BatchExecutorOptions } from '../lib/runtime';
import { MemoryDeadLetterSink } from '../lib/sinks';
import { DynamoDbKeyedStateStore } from '../lib/state';
import type { MemoryObjectStore } from '../lib/storage';

/**
 * The stateful word count's executor with state and ledger in `tableName` on DynamoDB, the
 * write-ahead log and large states in `objects`, and `extra` options (metrics, progress).
 */
export function dynamoDbWordCountExecutor(
  table: { readonly client: DynamoDBClient; readonly tableName: string; readonly namespace: string },
  objects: MemoryObjectStore,
  extra: Partial<BatchExecutorOptions> = {},
): BatchExecutor {
  return new BatchExecutor({
    pipeline: statefulWordCount,
    namespace: table.namespace,
    state: new DynamoDbKeyedStateStore({ ...table, largeStates: objects }),
    ledger: new DynamoDbPartitionLedgerStore(table),
    writeAheadLog: new WriteAheadLog(objects, table.namespace),
    deadLetters: new MemoryDeadLetterSink(),
    print: () => undefined,
    ...extra,
  });
}
