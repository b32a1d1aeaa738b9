import { describeError, InvalidConfigurationError } from '../lib/core';
import { watchOwner } from './embedded/owner-watch';
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
  // Following, the first SIGINT/SIGTERM stops gracefully (drain, count, verify, stop the stack); so does the end
  // of the npm process or the parent (npm does not pass SIGTERM on). Otherwise a signal ends the run at once:
  // the emulators flush their data and exit when their owner is gone.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!options.follow) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchOwner(() => onSignal('SIGTERM'));
  if (name === 'stateful-word-count') {
    process.exitCode = await runWordCountJob(options, (line) => console.log(line), stop.signal);
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
