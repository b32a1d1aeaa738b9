import { describe } from 'vitest';
import { MemoryProgressStore } from './progress-store';
import { progressStoreContract } from './progress-store.contract';

describe('Class: MemoryProgressStore', () => {
  describe('Contract: ProgressStore', () => {
    progressStoreContract(async () => new MemoryProgressStore());
  });
});
