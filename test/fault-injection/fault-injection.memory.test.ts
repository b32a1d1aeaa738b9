import { describe, expect, it } from 'vitest';
import { MemoryPartitionLedgerStore } from '../../lib/ledger';
import { MemoryKeyedStateStore } from '../../lib/state';
import { MemoryObjectStore } from '../../lib/storage';
import { MemoryWindowProgressStore } from '../../lib/windows';
import { expectInvariantsHeld, runTrial } from './trial';

const TRIALS = Number(process.env.SPARKLESS_FAULT_TRIALS ?? 1000);

describe('Invariant: exactly-once state under injected faults (in-memory twin)', () => {
  it(`holds for ${TRIALS} randomized trials`, async () => {
    // Prepare
    let crashes = 0;
    const sessionEnds = { lazily: 0, swept: 0 };
    let largeStateObjects = 0;
    let longWords = 0;
    for (let seed = 1; seed <= TRIALS; seed++) {
      // Act
      const report = await runTrial(
        seed,
        {
          namespace: `trial-${seed}`,
          // A third of the trials keep most states in the object store, as states above 400 KB are.
          state: (largeStates) =>
            new MemoryKeyedStateStore({
              namespace: `trial-${seed}`,
              largeStates,
              ...(seed % 3 === 0 ? { inlineItemBytes: 200 } : {}),
            }),
          ledger: new MemoryPartitionLedgerStore(),
          objects: new MemoryObjectStore(),
          progress: new MemoryWindowProgressStore(),
        },
        { partitions: 1 + (seed % 3), recordsPerPartition: 20 + (seed % 30), maxBatchSize: 12 },
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
    // states were kept in the object store and read back
    expect(largeStateObjects).toBeGreaterThan(0);
    // a word above DynamoDB's key limits was counted (with the others)
    expect(longWords).toBeGreaterThan(0);
  }, 600_000);
});
