import type { LocalProgram } from '../programs';
import { startEmbeddedStack } from '../embedded';

/**
 * Runs one seed program on a fresh embedded stack: deploys it, feeds its generated input,
 * prints its Spark-style output and checks it against a plain-loop reference. Returns the
 * process exit code.
 */
export async function runProgramJob(
  program: LocalProgram,
  port: number,
  log: (line: string) => void,
): Promise<number> {
  const stack = await startEmbeddedStack({ port, persist: false });
  log(
    `embedded stack ready at ${stack.endpoint} in ${stack.startupMs} ms; running ${program.name}: ${program.description}`,
  );
  try {
    const outcome = await program.run({
      endpoint: stack.endpoint,
      region: stack.region,
      log,
      print: (block) => process.stdout.write(block),
    });
    log('');
    log(
      `batches: ${outcome.batches}, late records: ${outcome.lateRecords}, dead letters: ${outcome.deadLetters}`,
    );
    for (const problem of outcome.problems.slice(0, 20)) log(`MISMATCH ${problem}`);
    if (outcome.problems.length > 0) return 1;
    log('verified: outputs equal a plain-loop reference computed from the input');
    return 0;
  } finally {
    await stack.stop();
  }
}
