import type { Pipeline } from '../../lib/core';
import { EnvVar } from '../../lib/handlers';
import { deployLocalPipeline, type LocalPipeline } from '../runner/local-pipeline';
import type { TimedLine } from './inputs';
import {
  type LocalProgram,
  MemoryMetricsSink,
  type ProgramContext,
  type ProgramOutcome,
  summarize,
  teePrint,
} from './program';

/** How long a partition may be quiet before it stops holding windows back, in the local runs. */
const LOCAL_IDLE_TIMEOUT_MS = 3_000;

/** Produces timed lines into a local pipeline's stream, in order, each under its own partition key. */
export function produceTimedLines(local: LocalPipeline, lines: readonly TimedLine[]): Promise<void> {
  return local.produce(
    lines.map((item, i) => ({
      partitionKey: `${item.time}-${i}`,
      data: new TextEncoder().encode(item.line),
    })),
  );
}

/** A windowed seed program: its pipeline, its two-phase input and its check. */
export interface WindowedProgramDefinition {
  readonly name: string;
  readonly description: string;
  readonly pipeline: Pipeline;
  /**
   * Phase 1: in-order and slightly out-of-order lines; phase 2: a few lines right after phase 1 plus
   * lines far behind (late for every window), produced once phase 1 is committed.
   */
  readonly input: (now: number) => { readonly phase1: TimedLine[]; readonly phase2: TimedLine[] };
  /** Compares the printed window blocks with the plain-loop reference over the lines that are not late. */
  readonly verify: (onTime: readonly TimedLine[], blocks: readonly string[]) => string[];
}

/**
 * Runs a windowed program on the local stack: phase 1, wait until committed, phase 2, wait, then
 * let the partitions go idle and send the window trigger until every window has fired.
 */
export function windowedProgram(definition: WindowedProgramDefinition): LocalProgram {
  return {
    name: definition.name,
    description: definition.description,
    async run(context: ProgramContext): Promise<ProgramOutcome> {
      const metrics = new MemoryMetricsSink();
      const { blocks, print } = teePrint(context);
      const local = await deployLocalPipeline({
        endpoint: context.endpoint,
        region: context.region,
        pipeline: definition.pipeline,
        shards: 2,
        print,
        metrics,
        environment: { [EnvVar.windowIdleTimeoutMs]: String(LOCAL_IDLE_TIMEOUT_MS) },
      });
      const { phase1, phase2 } = definition.input(Date.now());
      const produce = (lines: readonly TimedLine[]) => produceTimedLines(local, lines);
      await produce(phase1);
      await local.mapping.runUntilIdle({ idlePolls: 3 });
      await produce(phase2);
      await local.mapping.runUntilIdle({ idlePolls: 3 });
      await new Promise((resolve) => setTimeout(resolve, LOCAL_IDLE_TIMEOUT_MS + 200));
      await local.tick();
      const all = [...phase1, ...phase2];
      const late = all.filter((item) => item.late === true).length;
      context.log(`${all.length} log lines (${late} generated late), ${metrics.batches.length} batches`);
      const problems = definition.verify(
        all.filter((item) => item.late !== true),
        blocks,
      );
      const outcome = summarize(metrics, problems, (await local.readDeadLetters()).length);
      if (outcome.lateRecords !== late) {
        return {
          ...outcome,
          problems: [...problems, `counted ${outcome.lateRecords} late records, generated ${late}`],
        };
      }
      return outcome;
    },
  };
}
