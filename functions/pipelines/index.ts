import type { Pipeline } from '../../lib/core';
import { fileStreamWordCount } from './file-stream-word-count';
import { iotDeviceCounts } from './iot-device-counts';
import { persistWordCount } from './persist-word-count';
import { statefulWordCount } from './stateful-word-count';
import { top3HotProduct } from './top3-hot-product';
import { transformBlacklist } from './transform-blacklist';
import { windowHotWord } from './window-hot-word';
import { wordCount } from './word-count';

/** Every seed pipeline, as its Lambda handler runs it (the `sparkless` CLI finds them by name). */
export const SEED_PIPELINE_DEFINITIONS: readonly Pipeline[] = [
  wordCount,
  fileStreamWordCount,
  statefulWordCount,
  transformBlacklist,
  windowHotWord,
  persistWordCount,
  top3HotProduct,
  iotDeviceCounts,
];
