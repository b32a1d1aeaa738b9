import { jobOptions } from '../main/options';
import { runWordCountOn } from '../main/word-count-job';
import type { LocalProgram } from './program';

/** UpdateStateByKeyWordCount: the main job (global counts, exactly once, verified against a plain count). */
export const statefulWordCountProgram: LocalProgram = {
  name: 'stateful-word-count',
  description:
    'UpdateStateByKeyWordCount: running global word counts (updateStateByKey), the default program',
  async run(context) {
    const log: string[] = [];
    const exitCode = await runWordCountOn(
      { endpoint: context.endpoint, region: context.region, dataDir: undefined },
      jobOptions(),
      (line) => {
        log.push(line);
        context.log(line);
      },
    );
    return {
      problems: exitCode === 0 ? [] : log.filter((line) => line.startsWith('MISMATCH')),
      lateRecords: 0,
      deadLetters: log.filter((line) => line.startsWith('dead letter:')).length,
      batches: Number(/batches: (\d+)/.exec(log.join('\n'))?.[1] ?? 0),
    };
  },
};
