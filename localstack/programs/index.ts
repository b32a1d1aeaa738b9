import { fileStreamWordCountProgram } from './file-stream-word-count';
import { iotDeviceCountsProgram } from './iot-device-counts';
import { persistWordCountProgram } from './persist-word-count';
import type { LocalProgram } from './program';
import { statefulWordCountProgram } from './stateful-word-count';
import { top3HotProductProgram } from './top3-hot-product';
import { transformBlacklistProgram } from './transform-blacklist';
import { windowHotWordProgram } from './window-hot-word';
import { wordCountProgram } from './word-count';

/** Every seed program, runnable by name with `npm start -- <name>`. */
export const PROGRAMS: readonly LocalProgram[] = [
  wordCountProgram,
  fileStreamWordCountProgram,
  statefulWordCountProgram,
  transformBlacklistProgram,
  windowHotWordProgram,
  persistWordCountProgram,
  top3HotProductProgram,
  iotDeviceCountsProgram,
];

export type { LocalProgram, ProgramContext, ProgramOutcome } from './program';
