export { DynamoDbWindowProgressStore } from './dynamodb-window-progress-store';
export type { DynamoDbWindowProgressStoreOptions } from './dynamodb-window-progress-store';
export { isActive, watermarkClock } from './watermark';
export { fireQuietly, WindowFirer } from './window-firer';
export type { FiredWindow, WindowFirerOptions } from './window-firer';
export { MemoryWindowProgressStore } from './window-progress-store';
export type { WindowProgress, WindowProgressStore } from './window-progress-store';
