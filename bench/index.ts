import { benchCoreThroughput } from './core-throughput';
import { benchDynamoDbWrites } from './dynamodb-writes';
import { benchWindows } from './windowed';

/** `npm run bench`: prints the numbers; asserts nothing about speed. */
async function main(): Promise<void> {
  // This machine's Node 20 is supported by the pinned SDK; the Lambda runtime is Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchCoreThroughput();
  console.log();
  await benchDynamoDbWrites();
  console.log();
  await benchWindows();
  const memory = process.memoryUsage();
  console.log(
    `\nmemory: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
