import { describeError, InvalidConfigurationError } from '../lib/core';
import { parseMainOptions } from './main/options';
import { runProgramJob } from './main/program-job';
import { runWordCountJob } from './main/word-count-job';
import { PROGRAMS } from './programs';

/** `npm start [-- <program>]`: a seed program (default: the stateful word count) on the embedded local stack. */
async function main(): Promise<void> {
  // This machine's Node 20 is supported by the pinned SDK; the Lambda runtime is Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const name = args[0] !== undefined && !args[0].startsWith('-') ? args.shift() : 'stateful-word-count';
  if (name === 'list') {
    for (const program of PROGRAMS) console.log(`${program.name.padEnd(24)} ${program.description}`);
    return;
  }
  const options = parseMainOptions(args, process.stdin.isTTY === true);
  if (name === 'stateful-word-count') {
    process.exitCode = await runWordCountJob(options, (line) => console.log(line));
    return;
  }
  const program = PROGRAMS.find((candidate) => candidate.name === name);
  if (program === undefined) {
    throw new InvalidConfigurationError(
      `unknown program ${JSON.stringify(name)}: run one of ${PROGRAMS.map((p) => p.name).join(', ')} (npm start -- list)`,
    );
  }
  process.exitCode = await runProgramJob(program, options.port, (line) => console.log(line));
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
