import { HOUR, iotDeviceCounts } from '../../functions/pipelines/iot-device-counts';
import { deployLocalPipeline } from '../runner/local-pipeline';
import { lcg } from './inputs';
import { diffCounts, type LocalProgram, MemoryMetricsSink, summarize } from './program';
import { prepareResultTable, scanRows } from './table-program';

const TABLE = 'sparkless-device-counts';

/**
 * IoT device counts: events per action per hour of event time (out of order by up to 30 minutes),
 * the complete result table upserted into a queryable DynamoDB table after every batch.
 */
export const iotDeviceCountsProgram: LocalProgram = {
  name: 'iot-device-counts',
  description:
    'Structured Streaming IoT counts: events per action per event-time hour, complete result table in DynamoDB',
  async run(context) {
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalPipeline({
      endpoint: context.endpoint,
      region: context.region,
      pipeline: iotDeviceCounts,
      shards: 2,
      print: context.print,
      metrics,
      mapping: { batchSize: 40 },
    });
    await prepareResultTable(context, local.clients.dynamodb, TABLE, ['action', 'window']);
    const random = lcg(31);
    const start = Date.UTC(2026, 10, 21, 6);
    const events = Array.from({ length: 300 }, (_, i) => ({
      time: start + i * 36_000 - Math.floor(random() * 1_800_000),
      action: random() < 0.55 ? 'Open' : 'Close',
    }));
    // Stragglers: events of the first hour arriving after the last one, ~3 hours late (complete mode counts them)
    events.push(...Array.from({ length: 5 }, (_, i) => ({ time: start + i * 60_000, action: 'Open' })));
    const records = events.map((event, i) => ({
      partitionKey: `device-${i % 7}`,
      data: new TextEncoder().encode(JSON.stringify(event)),
    }));
    records.push(
      { partitionKey: 'device-0', data: new TextEncoder().encode('{"time": not json') },
      { partitionKey: 'device-1', data: new TextEncoder().encode(`{"time": ${start}}`) },
    );
    await local.produce(records);
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    const expected = new Map<string, number>();
    for (const event of events) {
      const window = new Date(Math.floor(event.time / HOUR.lengthMs) * HOUR.lengthMs).toISOString();
      expected.set(`${event.action}@${window}`, (expected.get(`${event.action}@${window}`) ?? 0) + 1);
    }
    const rows = await scanRows(local.clients.dynamodb, TABLE);
    const stored = new Map(
      rows.map((row) => [`${String(row.action)}@${String(row.window)}`, Number(row.count)]),
    );
    const deadLetters = await local.readDeadLetters();
    const problems = diffCounts('count', expected, stored);
    if (deadLetters.length !== 2)
      problems.push(`expected the two malformed events dead-lettered, found ${deadLetters.length}`);
    context.log(
      `${events.length} events (5 of them ~3 hours late); table ${TABLE} holds ${rows.length} (action, hour) rows`,
    );
    return summarize(metrics, problems, deadLetters.length);
  },
};
