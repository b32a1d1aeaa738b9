import { describe, expect, it } from 'vitest';
import { ManualClock, type SourceRecord } from '../../lib/core';
import { InMemoryRunner } from '../../lib/core/runner';
import { createInMemoryRuntime } from '../../lib/runtime';
import { sequenceNumber } from '../../test/factories/records';
import { parsePrintedBlocks } from '../../localstack/programs/printed-blocks';
import { clickLogs, searchLogs, type TimedLine } from '../../localstack/programs/inputs';
import { referenceTop, referenceWindowCounts } from '../../localstack/programs/reference';
import { MemoryTableSink } from '../../lib/sinks';
import { createIotDeviceCounts } from './iot-device-counts';
import { BLACKLIST_KEY, transformBlacklist } from './transform-blacklist';
import { top3HotProduct } from './top3-hot-product';
import { windowHotWord } from './window-hot-word';
import { wordCount } from './word-count';

const PARTITION = 'shardId-000000000000';
const SPEC = { lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000, paneMs: 10_000 };

function toRecords(lines: readonly string[], firstN: number): SourceRecord[] {
  return lines.map((line, i) => ({
    partition: PARTITION,
    offset: sequenceNumber(firstN + i),
    key: undefined,
    value: new TextEncoder().encode(line),
    arrivalTime: 0,
  }));
}

/** Splits timed lines into batches of `size`, in production order. */
function batchesOf(lines: readonly TimedLine[], size: number): TimedLine[][] {
  const batches: TimedLine[][] = [];
  for (let i = 0; i < lines.length; i += size) batches.push(lines.slice(i, i + size));
  return batches;
}

async function runWindowed(pipelineUnderTest: typeof windowHotWord, batches: readonly TimedLine[][]) {
  const clock = new ManualClock(Date.UTC(2026, 10, 21));
  const runtime = createInMemoryRuntime(pipelineUnderTest, { clock, idleTimeoutMs: 30_000 });
  let n = 0;
  for (const batch of batches) {
    await runtime.process(
      PARTITION,
      toRecords(
        batch.map((item) => item.line),
        n,
      ),
    );
    n += batch.length;
    clock.advance(1_000);
  }
  clock.advance(3_600_000);
  await runtime.fire();
  return { printed: parsePrintedBlocks(runtime.printed), runtime };
}

describe('Seed programs (in-memory runtime)', () => {
  it('WordCount prints the counts of each batch', async () => {
    const runner = new InMemoryRunner(wordCount);
    await runner.runBatch(toRecords(['hello world', 'hello'], 0));
    expect(runner.printed[0]).toContain('(hello,2)\n(world,1)\n');
  });

  it('TransformBlacklist drops the clicks of blacklisted users', async () => {
    const runner = new InMemoryRunner(transformBlacklist, { references: new Map([['blacklist', ['tom']]]) });
    await runner.runBatch(toRecords(['20261121 leo', '20261121 tom', '20261121 jack'], 0));
    expect(parsePrintedBlocks(runner.printed).get(0)).toEqual(['20261121 leo', '20261121 jack']);
    expect(BLACKLIST_KEY).toBe('reference/blacklist.json');
  });

  it('WindowHotWord prints, per window, the top 3 words of the last 60 s by event time', async () => {
    const batches = batchesOf(searchLogs({ start: Date.UTC(2026, 10, 21), seconds: 150, perSecond: 4 }), 25);

    const { printed, runtime } = await runWindowed(windowHotWord, batches);

    const reference = referenceWindowCounts(
      SPEC,
      batches,
      (item) => item.time,
      (item) => item.line.split(' ')[2] ?? '',
    );
    expect([...printed.keys()]).toEqual([...reference.keys()].sort((a, b) => a - b));
    for (const [end, counts] of reference) {
      expect({ end, top: printed.get(end) }).toEqual({
        end,
        top: referenceTop(counts, 3).map(([word, count]) => `(${word},${count})`),
      });
    }
    expect(runtime.metrics.batches.reduce((sum, batch) => sum + batch.lateRecords, 0)).toBeGreaterThan(0);
  });

  it('Top3HotProduct prints, per window and category, the top 3 products', async () => {
    const batches = batchesOf(clickLogs({ start: Date.UTC(2026, 10, 21), seconds: 120, perSecond: 5 }), 30);

    const { printed } = await runWindowed(top3HotProduct, batches);

    const reference = referenceWindowCounts(
      SPEC,
      batches,
      (item) => item.time,
      (item) => item.line.split(' ').slice(2).join('_'),
    );
    for (const [end, counts] of reference) {
      const byCategory = new Map<string, Map<string, number>>();
      for (const [categoryProduct, count] of counts) {
        const [category = '', product = ''] = categoryProduct.split('_');
        byCategory.set(category, (byCategory.get(category) ?? new Map()).set(product, count));
      }
      const expected = [...byCategory.keys()].sort().map(
        (category) =>
          `(${category},(${referenceTop(byCategory.get(category) ?? new Map(), 3)
            .map(([product, count]) => `(${product},${count})`)
            .join(',')}))`,
      );
      expect({ end, lines: printed.get(end) }).toEqual({ end, lines: expected });
    }
  });

  it('IoT device counts keep the complete table of counts per action and hour, late events included', async () => {
    // Prepare
    const table = new MemoryTableSink();
    const runtime = createInMemoryRuntime(
      createIotDeviceCounts(() => table),
      { clock: new ManualClock(0) },
    );
    const hour = (h: number, minute = 0) => Date.UTC(2026, 10, 21, h, minute);
    const event = (time: number, action: string) => JSON.stringify({ time, action });

    // Act: hours 6 and 7, then an event three hours late and one without an action
    await runtime.process(PARTITION, toRecords([event(hour(6, 5), 'Open'), event(hour(7, 1), 'Open')], 0));
    await runtime.process(
      PARTITION,
      toRecords([event(hour(7, 30), 'Close'), event(hour(6, 59), 'Open'), '{"time": 1}'], 2),
    );
    await runtime.process(PARTITION, toRecords([event(hour(10), 'Open'), event(hour(6, 10), 'Close')], 5));

    // Assess
    const rows = table
      .scan()
      .map((row) => `${String(row.key.window)} ${String(row.key.action)} ${String(row.attributes?.count)}`)
      .sort();
    expect(rows).toEqual([
      '2026-11-21T06:00:00.000Z Close 1',
      '2026-11-21T06:00:00.000Z Open 2',
      '2026-11-21T07:00:00.000Z Close 1',
      '2026-11-21T07:00:00.000Z Open 1',
      '2026-11-21T10:00:00.000Z Open 1',
    ]);
    expect(runtime.printed.at(-1)).toContain(
      '(2026-11-21T06:00:00.000Z,Close,1)\n(2026-11-21T06:00:00.000Z,Open,2)\n',
    );
    expect([...runtime.deadLetters.entries.values()].map((entry) => entry.reason)).toEqual([
      expect.stringContaining('a device event needs a numeric "time"'),
    ]);
  });
});
