import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbPartitionLedgerStore } from '../../lib/ledger';
import { DynamoDbKeyedStateStore } from '../../lib/state';
import { S3ObjectStore } from '../../lib/storage';
import { DynamoDbWindowProgressStore } from '../../lib/windows';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import { expectInvariantsHeld, runTrial } from './trial';

const TRIALS = Number(process.env.SPARKLESS_EMULATOR_FAULT_TRIALS ?? 50);

describe('Invariant: exactly-once state under injected faults (DynamoDB and S3 emulators over HTTP)', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`holds for ${TRIALS} randomized trials`, async () => {
    // Prepare
    const { dynamodb, s3 } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureStateTable(dynamodb, 'fault-injection');
    await ensureBucket(s3, 'fault-injection');
    const objects = new S3ObjectStore({ client: s3, bucket: 'fault-injection' });
    let crashes = 0;
    const sessionEnds = { lazily: 0, swept: 0 };
    let largeStateObjects = 0;
    let longWords = 0;
    for (let seed = 10_001; seed < 10_001 + TRIALS; seed++) {
      const namespace = `trial-${seed}`;
      const table = { client: dynamodb, tableName: 'fault-injection', namespace };

      // Act
      const report = await runTrial(
        seed,
        {
          namespace,
          // A tenth of the trials keep most states in S3, as states above 400 KB are.
          state: (largeStates) =>
            new DynamoDbKeyedStateStore({
              ...table,
              largeStates,
              ...(seed % 10 === 0 ? { inlineItemBytes: 200 } : {}),
            }),
          ledger: new DynamoDbPartitionLedgerStore(table),
          objects,
          progress: new DynamoDbWindowProgressStore(table),
        },
        { partitions: 2, recordsPerPartition: 12 + (seed % 10), maxBatchSize: 8 },
      );
      crashes += report.crashes;
      sessionEnds.lazily += report.sessionEnds.lazily;
      sessionEnds.swept += report.sessionEnds.swept;
      largeStateObjects += report.largeStateObjects;
      longWords += report.longWords;

      // Assess
      expectInvariantsHeld(report);
    }
    expect(crashes).toBeGreaterThan(TRIALS);
    // mapWithState sessions ended both ways: lazily in batches and by sweeps
    expect(sessionEnds.lazily).toBeGreaterThan(0);
    expect(sessionEnds.swept).toBeGreaterThan(0);
    // states were kept in S3 and read back
    expect(largeStateObjects).toBeGreaterThan(0);
    // a word above DynamoDB's key limits was counted (with the others)
    expect(longWords).toBeGreaterThan(0);
  }, 600_000);
});
