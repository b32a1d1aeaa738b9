import { createAwsClients } from '../localstack/clients';
import { startEmbeddedStack } from '../localstack/embedded';
import { benchCoreThroughput } from './core-throughput';
import { benchDynamoDbWrites } from './dynamodb-writes';
import { benchLongKeysAndLargeStates } from './long-keys-large-states';
import { benchProgressRecords } from './progress-records';
import { benchWindows } from './windowed';

/** `npm run bench`: prints the numbers; asserts nothing about speed. */
async function main(): Promise<void> {
  // This machine's Node 20 is supported by the pinned SDK; the Lambda runtime is Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchCoreThroughput();
  console.log();
  // One embedded stack for every DynamoDB bench: each uses its own table or namespace.
  const stack = await startEmbeddedStack({ port: 0, persist: false });
  try {
    const { dynamodb, s3 } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await benchDynamoDbWrites(dynamodb);
    console.log();
    await benchWindows(dynamodb);
    console.log();
    await benchLongKeysAndLargeStates(dynamodb, s3);
    console.log();
    await benchProgressRecords(dynamodb);
  } finally {
    await stack.stop();
  }
  const memory = process.memoryUsage();
  console.log(
    `\nmemory: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
