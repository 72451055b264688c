import { concatMap, merge, map, mergeMap, range } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createRestBudget } from '../../src/core/rest-budget';

/**
 * The REST budget in virtual time: N callers, one limiter, calls spaced as the limit says.
 * Every spec asserts grant times, so a limiter that lets calls through early fails it.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('REST budget', () => {
  it('spaces three callers one window/limit apart (limit 2 per 1000 ms)', () => {
    ts.run(({ cold, expectObservable }) => {
      const budget = createRestBudget({ limit: 2, windowMs: 1000, scheduler: ts });
      const callers = cold('(abc|)').pipe(mergeMap((name) => budget.take().pipe(map(() => name))));
      expectObservable(callers).toBe('a 499ms b 499ms (c|)');
    });
  });

  it('N callers over time: never two grants closer than the spacing (KIS paper: 1/s)', () => {
    ts.run(({ flush }) => {
      const budget = createRestBudget({ limit: 1, windowMs: 1000, scheduler: ts });
      const granted: number[] = [];
      // 5 callers, each asking 3 times in a row; they arrive at 0, 100, 200 ... ms.
      for (let c = 0; c < 5; c++) {
        ts.schedule(() => {
          range(0, 3)
            .pipe(concatMap(() => budget.take({ label: `caller ${c}` })))
            .subscribe((at) => granted.push(at));
        }, c * 100);
      }
      flush();
      expect(granted).toHaveLength(15);
      expect(granted).toEqual(Array.from({ length: 15 }, (_, i) => i * 1000));
      expect(budget.grants.map((g) => g.at)).toEqual(granted);
    });
  });

  it('KIS real, 18/s: 36 callers at once take 2 s, spaced 1000/18 ms', () => {
    ts.run(({ flush }) => {
      const budget = createRestBudget({ limit: 18, windowMs: 1000, scheduler: ts });
      const granted: number[] = [];
      merge(...Array.from({ length: 36 }, () => budget.take())).subscribe((at) => granted.push(at));
      flush();
      expect(granted).toHaveLength(36);
      for (let i = 1; i < granted.length; i++) expect(granted[i] - granted[i - 1]).toBeGreaterThanOrEqual(Math.floor(1000 / 18));
      expect(granted[35]).toBeGreaterThanOrEqual(Math.floor((35 * 1000) / 18));
      // In any 1000 ms window, at most 18 grants (+1 for the window edge).
      for (const start of granted) expect(granted.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(19);
    });
  });

  it('weights (WEEX): a weight-5 call costs five units', () => {
    ts.run(({ cold, expectObservable }) => {
      const budget = createRestBudget({ limit: 50, windowMs: 10_000, burst: 5, scheduler: ts });
      // 200 ms per unit; bucket starts full (5 units).
      const calls = cold('(ab|)').pipe(mergeMap((name) => budget.take({ weight: 5 }).pipe(map(() => name))));
      expectObservable(calls).toBe('a 999ms (b|)');
    });
  });

  it('priority: a waiting high-priority call goes before earlier low ones', () => {
    ts.run(({ flush }) => {
      const budget = createRestBudget({ limit: 10, windowMs: 1000, scheduler: ts });
      const order: string[] = [];
      for (const [name, priority] of [
        ['first', 0],
        ['low1', 0],
        ['low2', 0],
        ['high', 5],
      ] as const) {
        budget.take({ priority }).subscribe(() => order.push(name));
      }
      flush();
      expect(order).toEqual(['first', 'high', 'low1', 'low2']);
    });
  });

  it('a quota answer holds every caller, doubling while they keep coming; ok() ends the streak', () => {
    ts.run(({ flush }) => {
      const budget = createRestBudget({ limit: 10, windowMs: 1000, backoffMs: 1000, scheduler: ts });
      const granted: number[] = [];
      const take = (): void => {
        budget.take().subscribe((at) => granted.push(at));
      };
      take(); // 0
      ts.schedule(() => {
        expect(budget.backoff()).toBe(1000); // quota at 50: held to 1050
        take();
        take();
      }, 50);
      ts.schedule(() => expect(budget.backoff()).toBe(2000), 1200); // again: held to 3200
      ts.schedule(() => take(), 1300);
      ts.schedule(() => {
        budget.ok();
        expect(budget.backoff(500)).toBe(500); // Retry-After honoured
      }, 4000);
      ts.schedule(() => take(), 4100);
      flush();
      expect(granted).toEqual([0, 1050, 1150, 3200, 4500]);
    });
  });

  it('an unsubscribed caller leaves the queue', () => {
    ts.run(({ flush }) => {
      const budget = createRestBudget({ limit: 1, windowMs: 1000, scheduler: ts });
      const granted: string[] = [];
      budget.take().subscribe(() => granted.push('a'));
      const b = budget.take().subscribe(() => granted.push('b'));
      budget.take().subscribe(() => granted.push('c'));
      ts.schedule(() => b.unsubscribe(), 500);
      flush();
      expect(granted).toEqual(['a', 'c']);
      expect(budget.grants.map((g) => g.at)).toEqual([0, 1000]);
    });
  });
});
