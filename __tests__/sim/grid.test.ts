import { decimalGrid, krxGrid, krxTick } from '../../src/app/sim/grid';

describe('KRX tick grid (bands since 2023-01-25)', () => {
  it.each([
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
  ])('price %d has tick %d', (price, tick) => {
    expect(krxTick(price)).toBe(tick);
  });

  it('steps across band boundaries onto the next band', () => {
    expect(krxGrid.up(19_990)).toBe(20_000);
    expect(krxGrid.up(20_000)).toBe(20_050);
    expect(krxGrid.down(20_000)).toBe(19_990);
    expect(krxGrid.down(50_000)).toBe(49_950);
    expect(krxGrid.down(200_000)).toBe(199_900);
    expect(krxGrid.up(199_900)).toBe(200_000);
    expect(krxGrid.down(500_000)).toBe(499_500);
  });

  it('knows which prices are on the grid', () => {
    expect(krxGrid.onGrid(71_200)).toBe(true);
    expect(krxGrid.onGrid(71_250)).toBe(false);
    expect(krxGrid.onGrid(19_995)).toBe(false);
    expect(krxGrid.onGrid(201_000)).toBe(true);
    expect(krxGrid.onGrid(201_100)).toBe(false);
    expect(krxGrid.floor(201_499)).toBe(201_000);
  });

  it('walking up and back down returns to the start', () => {
    let p = 1_990;
    const path = [p];
    for (let i = 0; i < 3_000; i++) path.push((p = krxGrid.up(p)));
    for (let i = path.length - 1; i > 0; i--) expect(krxGrid.down(path[i])).toBe(path[i - 1]);
    expect(path.every((x) => krxGrid.onGrid(x))).toBe(true);
  });
});

describe('decimal grid (crypto)', () => {
  const btc = decimalGrid(0.1, 1);
  it('steps by exact tenths', () => {
    expect(btc.up(65_000.1)).toBe(65_000.2);
    expect(btc.down(65_000.1)).toBe(65_000);
    let p = 0.1;
    for (let i = 0; i < 100; i++) p = btc.up(p);
    expect(p).toBe(10.1);
  });
  it('rejects prices between ticks', () => {
    expect(btc.onGrid(65_000.15)).toBe(false);
    expect(btc.onGrid(65_000.3)).toBe(true);
    expect(decimalGrid(0.0001, 4).onGrid(0.5234)).toBe(true);
  });
});
