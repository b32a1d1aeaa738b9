import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { panesOfWindow, paneStartOf, slidingWindows, windowEndsContaining } from './window-spec';

describe('Value object: WindowSpec', () => {
  it('uses panes of gcd(length, slide)', () => {
    expect(slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 0 }).paneMs).toBe(10_000);
    expect(slidingWindows({ lengthMs: 15_000, slideMs: 10_000, allowedLatenessMs: 0 }).paneMs).toBe(5_000);
  });

  it('puts a time in length/slide windows whose panes contain it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (slides, slideSeconds, time) => {
          const spec = slidingWindows({
            lengthMs: slides * slideSeconds * 1000,
            slideMs: slideSeconds * 1000,
            allowedLatenessMs: 0,
          });
          const ends = windowEndsContaining(spec, time);
          expect(ends).toHaveLength(slides);
          for (const end of ends) {
            expect(end - spec.lengthMs <= time && time < end).toBe(true);
            expect(panesOfWindow(spec, end)).toContain(paneStartOf(spec, time));
          }
        },
      ),
    );
  });

  it.each([
    [{ lengthMs: 0, slideMs: 1, allowedLatenessMs: 0 }, /lengthMs must be a positive integer.*given 0/],
    [{ lengthMs: 10, slideMs: 20, allowedLatenessMs: 0 }, /slideMs must not exceed lengthMs/],
    [{ lengthMs: 10, slideMs: 5, allowedLatenessMs: -1 }, /allowedLatenessMs must be a non-negative integer/],
  ])('refuses %j', (options, message) => {
    expect(() => slidingWindows(options)).toThrow(message);
  });
});
