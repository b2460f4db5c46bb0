import { quantityValue } from './quantity';

describe('quantityValue', () => {
  test.each([
    [5, 5],
    ['10', 10],
    ['500m', 0.5],
    ['2Gi', 2 * 2 ** 30],
    ['1.5k', 1500],
    ['1e3', 1000],
    ['-1Gi', -(2 ** 30)],
    ['+.5', 0.5],
    [-2, -2],
  ])('%j is %d', (quantity, value) => {
    expect(quantityValue(quantity)).toBe(value);
  });

  test('zero written with a sign is not negative', () => {
    expect(quantityValue('-0')).toBe(-0);
    expect((quantityValue('-0') ?? 0) < 0).toBe(false);
  });

  test.each(['lots', '1GB', '', '1 Gi', null, Infinity])('%j is not a quantity', (quantity) => {
    expect(quantityValue(quantity)).toBeUndefined();
  });
});
