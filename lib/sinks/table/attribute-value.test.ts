import { describe, expect, it } from 'vitest';
import { marshallAttributes, marshallValue } from './attribute-value';

describe('Function: marshallValue', () => {
  it('marshals JSON-like values, sets, maps, bytes and dates', () => {
    // Prepare
    const value = {
      s: 'x',
      n: 1.5,
      big: 12345678901234567890n,
      b: false,
      z: null,
      u: undefined,
      bytes: new Uint8Array([1]),
      at: new Date(0),
      list: [1, undefined, 'a'],
      map: new Map([['k', 1]]),
      ss: new Set(['a']),
      ns: new Set([1, 2]),
      bs: new Set([new Uint8Array([2])]),
    };

    // Act
    const marshalled = marshallValue(value, 'row');

    // Assess
    expect(marshalled).toEqual({
      M: {
        s: { S: 'x' },
        n: { N: '1.5' },
        big: { N: '12345678901234567890' },
        b: { BOOL: false },
        z: { NULL: true },
        bytes: { B: new Uint8Array([1]) },
        at: { S: '1970-01-01T00:00:00.000Z' },
        list: { L: [{ N: '1' }, { NULL: true }, { S: 'a' }] },
        map: { M: { k: { N: '1' } } },
        ss: { SS: ['a'] },
        ns: { NS: ['1', '2'] },
        bs: { BS: [new Uint8Array([2])] },
      },
    });
  });

  it('keeps an attribute named "__proto__" as an own attribute', () => {
    const marshalled = marshallAttributes(JSON.parse('{"__proto__": 1}') as Record<string, unknown>);

    expect(Object.getPrototypeOf(marshalled)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(marshalled, '__proto__')?.value).toEqual({ N: '1' });
  });

  it.each<[string, unknown, RegExp]>([
    ['NaN', Number.NaN, /^row is NaN/],
    ['a function', () => 1, /^row is a function/],
    ['an empty set', new Set(), /^row is an empty Set/],
    ['a mixed set', new Set(['a', 1]), /^row is a Set that is not all strings/],
    ['a class instance', new URL('https://example.com'), /^row is a URL instance/],
    ['a nested bad value', { a: [{ b: Symbol('s') }] }, /^row\.a\[0\]\.b is a symbol/],
    ['an invalid date', new Date(Number.NaN), /^row is an invalid Date/],
  ])('rejects %s, naming its path', (_case, value, message) => {
    expect(() => marshallValue(value, 'row')).toThrow(message);
  });

  it('rejects a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(() => marshallValue(cyclic, 'row')).toThrow(/refers back to itself/);
  });
});
