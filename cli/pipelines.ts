import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SEED_PIPELINE_DEFINITIONS } from '../functions/pipelines';
import { InvalidConfigurationError, Pipeline } from '../lib/core';

/**
 * The pipeline named `name`: one of the seed pipelines, or an exported pipeline of `modulePath` (a
 * TypeScript or JavaScript file, e.g. the module your handler imports its pipeline from).
 *
 * @throws {@link InvalidConfigurationError} naming the known pipelines, or the module to pass
 */
export async function findPipeline(name: string, modulePath?: string): Promise<Pipeline> {
  const candidates =
    modulePath === undefined ? SEED_PIPELINE_DEFINITIONS : await exportedPipelines(modulePath);
  const found = candidates.find((candidate) => candidate.name === name);
  if (found !== undefined) return found;
  const known = candidates.map((candidate) => candidate.name).join(', ') || 'none';
  throw new InvalidConfigurationError(
    modulePath === undefined
      ? `unknown pipeline "${name}" (known: ${known}); for your own pipeline pass --module <file that exports it>`
      : `${modulePath} exports no pipeline named "${name}" (it exports: ${known}); pass the plan name given to pipeline(...)`,
  );
}

async function exportedPipelines(modulePath: string): Promise<Pipeline[]> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(path.resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidConfigurationError(
      `cannot load --module ${modulePath} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): pass the path of a file that exports your pipeline`,
    );
  }
  return Object.values(exported).filter((value): value is Pipeline => value instanceof Pipeline);
}
