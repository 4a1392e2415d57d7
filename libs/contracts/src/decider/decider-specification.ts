import { deepStrictEqual } from 'node:assert/strict';
import { fold, type Decider } from './decider';

/**
 * Given / when / then for deciders, shared by every decider's tests:
 *
 *   const spec = deciderSpecification(grantDecider);
 *   spec.given([tokenIssued]).when(redeem).then([tokenRejected]);
 *   spec.given([]).when(redeem).thenEvents((events) => expect(events[0].event_type).toBe('token_issued'));
 *
 * Framework-free (node:assert), so it runs under any test runner.
 */
export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(history: readonly Event[]) {
      return {
        when(command: Command) {
          const state = fold(decider, history);
          const run = (): Event[] => decider.decide(command, state);
          return {
            /** The events decided, exactly. */
            then(expected: readonly Event[]): void {
              deepStrictEqual(run(), expected);
            },
            /** The events decided, for assertions of the caller's own (hashes, times, partial matches). */
            thenEvents(check: (events: Event[], state: State) => void): void {
              check(run(), state);
            },
            /** A command the decider cannot take at all (a programming error, not a refusal). */
            thenThrows(matches: RegExp | ((error: unknown) => boolean)): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              if (thrown === undefined) throw new Error('expected decide to throw, it returned events');
              const ok =
                typeof matches === 'function'
                  ? matches(thrown)
                  : matches.test(String((thrown as Error).message ?? thrown));
              if (!ok) throw new Error(`decide threw something else: ${String(thrown)}`);
            },
          };
        },
      };
    },
  };
}
