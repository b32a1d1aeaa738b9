import { describe, expect, it } from 'vitest';
import { interpretBatchResponse } from './index';

const BATCH = ['100', '200', '300'];

describe('Function: interpretBatchResponse', () => {
  it.each([undefined, null, '', 'ok', 42, [], {}, { batchItemFailures: [] }, { batchItemFailures: null }])(
    'reads %j as a complete success',
    (response) => {
      // Act
      const verdict = interpretBatchResponse(response, BATCH);

      // Assess
      expect(verdict).toEqual({ kind: 'success' });
    },
  );

  it('restarts at the lowest failed sequence number, whatever the order of the list', () => {
    // Act
    const verdict = interpretBatchResponse(
      { batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] },
      BATCH,
    );

    // Assess
    expect(verdict).toEqual({ kind: 'partialFailure', firstFailedIndex: 1 });
  });

  it.each([
    [{ batchItemFailures: [{ itemIdentifier: '' }] }, /null or empty/],
    [{ batchItemFailures: [{ itemIdentifier: null }] }, /null or empty/],
    [{ batchItemFailures: [{ identifier: '100' }] }, /no itemIdentifier/],
    [{ batchItemFailures: [{ itemIdentifier: 100 }] }, /not the sequence number of a record of the batch/],
    [{ batchItemFailures: [{ itemIdentifier: '200' }, { itemIdentifier: '999' }] }, /"999"/],
    [{ batchItemFailures: 'all' }, /not a list/],
  ])('reads %j as a complete failure', (response, reason) => {
    // Act
    const verdict = interpretBatchResponse(response, BATCH);

    // Assess
    expect(verdict.kind).toBe('completeFailure');
    expect(verdict.kind === 'completeFailure' ? verdict.reason : '').toMatch(reason);
  });
});
