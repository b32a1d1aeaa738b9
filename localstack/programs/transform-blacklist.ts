import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BLACKLIST_KEY, transformBlacklist } from '../../functions/pipelines/transform-blacklist';
import { deployLocalPipeline } from '../runner/local-pipeline';
import { lcg } from './inputs';
import { parsePrintedBlockList } from './printed-blocks';
import { type LocalProgram, MemoryMetricsSink, summarize, teePrint } from './program';

const BLACKLISTED = ['tom', 'jack'];

/** TransformBlacklist: ad clicks of blacklisted users (from S3 reference data) are filtered out. */
export const transformBlacklistProgram: LocalProgram = {
  name: 'transform-blacklist',
  description:
    'TransformBlacklist: ad clicks joined with a blacklist (S3 reference data), blacklisted users dropped',
  async run(context) {
    const metrics = new MemoryMetricsSink();
    const { blocks, print } = teePrint(context);
    const local = await deployLocalPipeline({
      endpoint: context.endpoint,
      region: context.region,
      pipeline: transformBlacklist,
      shards: 2,
      print,
      metrics,
      mapping: { batchSize: 10 },
    });
    await local.clients.s3.send(
      new PutObjectCommand({
        Bucket: 'sparkless-checkpoints',
        Key: BLACKLIST_KEY,
        Body: JSON.stringify(BLACKLISTED),
      }),
    );
    const random = lcg(5);
    const users = ['leo', 'tom', 'mia', 'jack', 'ann'];
    const clicks = Array.from(
      { length: 120 },
      (_, i) => `2026112${i % 10} ${users[Math.floor(random() * users.length)] ?? 'leo'}`,
    );
    await local.produce(
      clicks.map((line, i) => ({ partitionKey: `click-${i}`, data: new TextEncoder().encode(line) })),
    );
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    const expected = clicks.filter((line) => !BLACKLISTED.includes(line.split(' ')[1] ?? '')).sort();
    const printed = parsePrintedBlockList(blocks)
      .flatMap((block) => block.lines)
      .sort();
    const problems =
      JSON.stringify(printed) === JSON.stringify(expected)
        ? []
        : [
            `printed ${printed.length} clicks, expected the ${expected.length} clicks of users not blacklisted`,
          ];
    context.log(`${clicks.length} clicks, ${expected.length} billed (blacklist: ${BLACKLISTED.join(', ')})`);
    return summarize(metrics, problems, (await local.readDeadLetters()).length);
  },
};
