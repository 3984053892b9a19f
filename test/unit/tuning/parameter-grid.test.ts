/**
 * parameterGrid against scikit-learn's ParameterGrid: keys sorted as Python sorts str, the
 * last key varying fastest, a list of grids concatenated, an empty grid giving one {}.
 */
import { describe, expect, it } from 'vitest';
import { parameterGrid } from '../../../lib/tuning/parameter-grid.js';

describe('parameterGrid', () => {
  // The article's grid. sklearn sorts the keys: batch_size < dropout < units, so units varies
  // fastest, then dropout, then batch_size.
  const article = { units: [32, 64, 128], dropout: [0.1, 0.2, 0.3], batch_size: [16, 32, 64] };

  it("enumerates the article's 27 combinations in scikit-learn's order", () => {
    const grid = parameterGrid(article);
    expect(grid.length).toBe(27);
    const all = grid.toArray();
    expect(all.slice(0, 5)).toEqual([
      { batch_size: 16, dropout: 0.1, units: 32 },
      { batch_size: 16, dropout: 0.1, units: 64 },
      { batch_size: 16, dropout: 0.1, units: 128 },
      { batch_size: 16, dropout: 0.2, units: 32 },
      { batch_size: 16, dropout: 0.2, units: 64 },
    ]);
    expect(all[8]).toEqual({ batch_size: 16, dropout: 0.3, units: 128 });
    expect(all[9]).toEqual({ batch_size: 32, dropout: 0.1, units: 32 });
    expect(all[13]).toEqual({ batch_size: 32, dropout: 0.2, units: 64 });
    expect(all[26]).toEqual({ batch_size: 64, dropout: 0.3, units: 128 });
    // Keys come out sorted, as sklearn's dict(zip(sorted keys, ...)).
    expect(Object.keys(all[0]!)).toEqual(['batch_size', 'dropout', 'units']);
    // The closed form: index = 9 * i(batch_size) + 3 * i(dropout) + i(units).
    all.forEach((p, i) => {
      const expected = 9 * article.batch_size.indexOf(p.batch_size) + 3 * article.dropout.indexOf(p.dropout) + article.units.indexOf(p.units);
      expect(expected).toBe(i);
    });
  });

  it('iterates, indexes (negative from the end) and lists the same sequence', () => {
    const grid = parameterGrid(article);
    expect([...grid]).toEqual(grid.toArray());
    expect(grid.at(-1)).toEqual(grid.at(26));
    expect(grid.at(-27)).toEqual(grid.at(0));
    expect(() => grid.at(27)).toThrow(RangeError);
    expect(() => grid.at(-28)).toThrow(RangeError);
    expect(() => grid.at(1.5)).toThrow(TypeError);
  });

  it("matches scikit-learn's documented examples, including a list of grids", () => {
    expect(parameterGrid({ a: [1, 2], b: [true, false] }).toArray()).toEqual([
      { a: 1, b: true }, { a: 1, b: false }, { a: 2, b: true }, { a: 2, b: false },
    ]);
    const grids = parameterGrid([{ kernel: ['linear'] }, { kernel: ['rbf'], gamma: [1, 10] }]);
    expect(grids.length).toBe(3);
    expect(grids.toArray()).toEqual([{ kernel: 'linear' }, { gamma: 1, kernel: 'rbf' }, { gamma: 10, kernel: 'rbf' }]);
    expect(grids.at(1)).toEqual({ kernel: 'rbf', gamma: 1 });
  });

  it('concatenates a list of grids in list order, each in its own sorted order; {} gives one empty combination', () => {
    const grid = parameterGrid([
      { units: [32, 64], dropout: [0.1] },
      {},
      { units: [128], optimizer: ['adam', 'sgd'], batch_size: [16] },
    ]);
    expect(grid.length).toBe(2 + 1 + 2);
    expect(grid.toArray()).toEqual([
      { dropout: 0.1, units: 32 },
      { dropout: 0.1, units: 64 },
      {},
      { batch_size: 16, optimizer: 'adam', units: 128 },
      { batch_size: 16, optimizer: 'sgd', units: 128 },
    ]);
  });

  it('sorts keys by code point, as Python sorts str (uppercase first)', () => {
    const grid = parameterGrid({ b: [1, 2], B: [3], a: [4, 5] });
    expect(Object.keys(grid.at(0))).toEqual(['B', 'a', 'b']);
    expect(grid.toArray().map((p) => [p.a, p.b])).toEqual([[4, 1], [4, 2], [5, 1], [5, 2]]);
  });

  it('names the key in validation errors', () => {
    expect(() => parameterGrid({ units: 32 } as never)).toThrow(/for parameterGrid\.units but received 32/);
    expect(() => parameterGrid({ units: [] })).toThrow(RangeError);
    expect(() => parameterGrid({ units: [] })).toThrow(/parameterGrid\.units/);
    expect(() => parameterGrid([{ a: [1] }, { gamma: 'auto' } as never])).toThrow(/parameterGrid\[1\]\.gamma/);
    expect(() => parameterGrid([])).toThrow(RangeError);
    expect(() => parameterGrid(42 as never)).toThrow(TypeError);
  });
});
