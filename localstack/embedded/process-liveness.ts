/**
 * Liveness of other processes, robust to pid reuse: a process is identified by its pid and, where `/proc`
 * exists (Linux), its start time, so a recycled pid does not pass for the process that died.
 */
import { readFileSync } from 'node:fs';

/** A process as it was when first seen. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22); `undefined` without `/proc`. */
  readonly startTime: string | undefined;
}

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The identity of a running process (its start time where the platform tells it). */
export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: statFields(pid)?.[19] };
}

/** The parent pid of a process (`/proc`), or `undefined` when unknown. */
export function parentOf(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/** The command line of a process (`/proc`), arguments joined by spaces; `''` when unknown. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Whether the process is still running: the pid exists, is not a zombie, and (where known) started at the same time. */
export function isRunning(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(identity.pid);
  if (fields === undefined) return identity.startTime === undefined;
  if (fields[0] === 'Z' || fields[0] === 'X') return false;
  return identity.startTime === undefined || fields[19] === identity.startTime;
}
