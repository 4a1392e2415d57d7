import { fold, type Decider } from './decider';
import { deciderSpecification } from './decider-specification';

type CounterEvent =
  { event_type: 'incremented'; data: { by: number } } | { event_type: 'increment_refused'; data: { reason: string } };
type Increment = { by: number; max: number };
const counter: Decider<Increment, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (n, e) => (e.event_type === 'incremented' ? n + e.data.by : n),
  decide: (c, n) => {
    if (c.by <= 0) throw new Error('by must be positive');
    return n + c.by > c.max
      ? [{ event_type: 'increment_refused', data: { reason: 'over_max' } }]
      : [{ event_type: 'incremented', data: { by: c.by } }];
  },
};
const spec = deciderSpecification(counter);
const incremented = (by: number): CounterEvent => ({ event_type: 'incremented', data: { by } });

describe('deciderSpecification', () => {
  it('folds the given events and compares the decided events exactly', () => {
    spec
      .given([incremented(2)])
      .when({ by: 1, max: 5 })
      .then([incremented(1)]);
    spec
      .given([incremented(5)])
      .when({ by: 1, max: 5 })
      .then([{ event_type: 'increment_refused', data: { reason: 'over_max' } }]);
  });

  it('fails when the decided events differ', () => {
    expect(() =>
      spec
        .given([])
        .when({ by: 1, max: 5 })
        .then([incremented(2)]),
    ).toThrow();
  });

  it('hands the events and the folded state to a custom check', () => {
    spec
      .given([incremented(1), incremented(2)])
      .when({ by: 1, max: 9 })
      .thenEvents((events, state) => {
        expect(state).toBe(3);
        expect(events).toHaveLength(1);
      });
  });

  it('tells a thrown programming error from returned events', () => {
    spec
      .given([])
      .when({ by: 0, max: 5 })
      .thenThrows(/positive/);
    expect(() =>
      spec
        .given([])
        .when({ by: 1, max: 5 })
        .thenThrows(/positive/),
    ).toThrow(/returned events/);
  });

  it('fold starts from the initial state', () => {
    expect(fold(counter, [])).toBe(0);
    expect(fold(counter, [incremented(4)])).toBe(4);
  });
});
