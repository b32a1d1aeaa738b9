import { describeError } from '../lib/core';
import { parseMainOptions } from './main/options';
import { runWordCountJob } from './main/word-count-job';

/** `npm start`: the stateful word count on the embedded local stack. */
async function main(): Promise<void> {
  // This machine's Node 20 is supported by the pinned SDK; the Lambda runtime is Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseMainOptions(process.argv.slice(2), process.stdin.isTTY === true);
  process.exitCode = await runWordCountJob(options, (line) => console.log(line));
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
