import { describe, expect, it } from 'vitest';
import { unmarshallAttributeValue, unmarshallItem } from './dynamodb-json';

describe('Function: unmarshallItem', () => {
  it('turns every attribute type into plain JSON', () => {
    // Prepare
    const item = {
      s: { S: 'text' },
      n: { N: '42' },
      f: { N: '-1.5' },
      big: { N: '123456789012345678901234567890' },
      t: { BOOL: true },
      z: { NULL: true },
      b: { B: new TextEncoder().encode('hi') },
      m: { M: { inner: { L: [{ S: 'a' }, { N: '1' }] } } },
      ss: { SS: ['x', 'y'] },
      ns: { NS: ['1', '2.5'] },
      bs: { BS: [new Uint8Array([1, 2])] },
    };

    // Act
    const json = unmarshallItem(item);

    // Assess
    expect(json).toEqual({
      s: 'text',
      n: 42,
      f: -1.5,
      big: '123456789012345678901234567890',
      t: true,
      z: null,
      b: 'aGk=',
      m: { inner: ['a', 1] },
      ss: ['x', 'y'],
      ns: [1, 2.5],
      bs: ['AQI='],
    });
  });

  it('keeps a "__proto__" attribute as an own property', () => {
    const json = unmarshallItem({ ['__proto__']: { S: 'x' } });

    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toBe('x');
  });

  it('rejects an attribute value of an unknown type', () => {
    expect(() => unmarshallAttributeValue({ $unknown: ['X', 1] })).toThrow(
      /unsupported DynamoDB attribute value/,
    );
  });
});
