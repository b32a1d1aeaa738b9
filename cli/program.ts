import { Command, CommanderError, Option } from 'commander';
import { SparklessError } from '../lib/core';
import type { CommandIo } from './commands/io';
import { progressCommand, statusCommand } from './commands/progress';
import { recoverCommand } from './commands/recover';

/** Adds the options every command on a running pipeline shares (see `TargetOptions`). */
function withTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--stack <name>', 'CloudFormation stack of the pipeline (default: Sparkless<PascalName>)'),
    )
    .addOption(
      new Option('--endpoint <url>', 'one endpoint for every service: the embedded stack or LocalStack').env(
        'AWS_ENDPOINT_URL',
      ),
    )
    .option('--region <region>', 'AWS region (default: the SDK region chain)')
    .option('--state-table <name>', 'state table (default: from the stack)')
    .option('--checkpoint-bucket <name>', 'checkpoint bucket (default: from the stack)')
    .option('--namespace <name>', 'state namespace (default: from the stack, else the pipeline name)')
    .option('--queue-url <url>', "on-failure SQS queue (default: the stack's DeadLetterQueueUrl)")
    .option(
      '--on-failure <s3-url>',
      "on-failure records as objects, s3://bucket/prefix/ (Lambda's S3 destination)",
    );
}

/**
 * The `sparkless` command line: `recover`, `status` and `progress`, sharing their target options (a
 * deployed stack by its outputs, explicit names, or `--endpoint`).
 *
 * @param io - where output goes, and the environment
 * @param exit - receives the exit code of a command
 */
export function createProgram(io: CommandIo, exit: (code: number) => void): Command {
  const program = new Command()
    .name('sparkless')
    .description(
      'Operate Sparkless pipelines: see their status and progress, replay what a failure policy discarded, exactly once.',
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: (text, write) =>
        write(`${text.trim().replace(/\s*\n\s*/g, ' ')} (see sparkless --help)\n`),
    });
  withTargetOptions(
    program
      .command('recover')
      .description(
        'process every batch the pipeline discarded to its on-failure destination, exactly once (FailurePolicy.DiscardAndRecover)',
      )
      .argument('<pipeline>', 'the pipeline (plan) name, e.g. stateful-word-count'),
  )
    .option('--module <file>', 'a file exporting the pipeline, when it is not a seed pipeline')
    .action(async (pipeline: string, options: Record<string, string | undefined>) => {
      exit(await recoverCommand(pipeline, options, io));
    });
  withTargetOptions(
    program
      .command('status')
      .description(
        "the pipeline's status (Spark's message, isDataAvailable, isTriggerActive) and every partition's committed offset, open batch, watermark and last failure",
      )
      .argument('<pipeline>', 'the pipeline (plan) name, e.g. stateful-word-count'),
  )
    .option('--json', 'print the status as JSON')
    .action(async (pipeline: string, options: Record<string, string | boolean | undefined>) => {
      exit(await statusCommand(pipeline, options, io));
    });
  withTargetOptions(
    program
      .command('progress')
      .description(
        "the most recent progress records across partitions, oldest first (Spark's recentProgress): one per batch",
      )
      .argument('<pipeline>', 'the pipeline (plan) name, e.g. stateful-word-count'),
  )
    .option('-n <count>', 'how many records', '10')
    .option('--json', "one JSON record per line (Spark's StreamingQueryProgress fields)")
    .option('--follow', 'keep printing new records until interrupted (Ctrl-C)')
    .option('--interval <ms>', 'milliseconds between two reads with --follow', '1000')
    .action(async (pipeline: string, options: Record<string, string | boolean | undefined>) => {
      exit(await progressCommand(pipeline, options, io));
    });
  return program;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code: 0 on
 * success and for `--help`; non-zero with one line naming the fix on wrong input.
 */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  let code = 0;
  const program = createProgram(io, (exitCode) => {
    code = exitCode;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof SparklessError ? error.message : describe(error);
    io.err(`sparkless: ${message.split('\n')[0]}`);
    return 1;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const hint =
    code === 'ECONNREFUSED'
      ? ' (nothing listens there: start the embedded stack with `npm run localstack`, or fix --endpoint)'
      : '';
  return `${error.name}: ${error.message}${hint}`;
}
