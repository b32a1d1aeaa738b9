export * from './dead-letter';
export * from './table';
export * from './text-files';
