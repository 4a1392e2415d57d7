/**
 * The one shape of every command's domain logic (after Emmett's Decider): pure functions, no I/O.
 * `decide` says what happened, refusals included: a refused command returns its rejection event
 * (`token_rejected`, `authorization_denied`, ...), never throws for a rule it enforces, so every
 * refusal is recorded like any other fact. `evolve` folds a stream's events into the state the
 * next command decides from.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The state a decider's stream has reached after `events`. */
export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
