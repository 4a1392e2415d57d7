import { ConfigError, PROCESSES, readVariable, type ProcessName, type Variable } from './variables';

/** A variable whose value is always there when it is read: it has a default, or is required. */
export type Present<T> = Variable<T> & { readonly present: true };
type Spec<T> = Omit<Variable<T>, 'default' | 'defaults'> & {
  default?: NoInfer<T>;
  defaults?: Partial<Record<ProcessName, NoInfer<T>>>;
};

/** A setting with a default (possibly one per process). */
export const setting = <T>(spec: Spec<T> & { default: NoInfer<T> }): Present<T> => ({ ...spec, present: true });
/** A variable every process that reads it requires. */
export const required = <T>(spec: Omit<Spec<T>, 'requiredBy' | 'default'>): Present<T> => ({
  ...spec,
  requiredBy: PROCESSES,
  present: true,
});
/** A variable that may be unset (or is required by some processes only, in `requiredBy`). */
export const optional = <T>(spec: Spec<T>): Variable<T> => spec;

type ValueOf<V> = V extends Present<infer T> ? T : V extends Variable<infer T> ? T | undefined : never;
export type Values<V extends Record<string, Variable<unknown>>> = { [K in keyof V]: ValueOf<V[K]> };

export interface BuildContext {
  process: ProcessName;
  /** What the concerns composed before this one built (e.g. the public URL, for defaults derived from it). */
  built: Record<string, unknown>;
}

/**
 * One concern's variables (HTTP, database, keys, ...) and the typed configuration it yields.
 * A process composes the concerns it needs and reads only their variables.
 */
export interface Concern<V extends Record<string, Variable<unknown>> = Record<string, Variable<unknown>>, F = unknown> {
  name: string;
  /** One line for the generated tables. */
  title: string;
  variables: V;
  /** The settings `build` yields (checked when it runs). */
  settings: readonly (keyof F & string)[];
  build(values: Values<V>, context: BuildContext): F;
}

export function concern<V extends Record<string, Variable<unknown>>, F>(c: Concern<V, F>): Concern<V, F> {
  for (const [key, variable] of Object.entries(c.variables))
    if (key !== variable.name) throw new Error(`concern ${c.name}: key ${key} names variable ${variable.name}`);
  return c;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConcern = Concern<any, any>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
export type ConfigOf<C extends readonly AnyConcern[]> = UnionToIntersection<ReturnType<C[number]['build']>>;

export type Environment = Record<string, string | undefined>;

/**
 * Reads every variable of the concerns (unset and empty are the same; `fallbacks` fill what the
 * environment leaves unset, e.g. the embedded host's generated secrets), reporting every problem
 * at once, then builds each concern's part of the configuration.
 */
export function readConcerns<C extends readonly AnyConcern[]>(
  process: ProcessName,
  concerns: C,
  env: Environment,
  fallbacks: Environment = {},
): ConfigOf<C> {
  const problems: string[] = [];
  const values = concerns.map((c) =>
    Object.fromEntries(
      Object.entries(c.variables as Record<string, Variable<unknown>>).map(([name, variable]) => {
        try {
          return [name, readVariable(variable, process, env[name] || fallbacks[name] || undefined)];
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          if (!problems.includes(err.message)) problems.push(err.message); // a variable two concerns read
          return [name, undefined];
        }
      }),
    ),
  );
  if (problems.length)
    throw new ConfigError(
      `${process} cannot start: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`,
      problems,
    );
  const built: Record<string, unknown> = {};
  concerns.forEach((c, i) => {
    const part = c.build(values[i], { process, built: { ...built } }) as Record<string, unknown>;
    if (Object.keys(part).sort().join() !== [...c.settings].sort().join())
      throw new Error(
        `concern ${c.name} built ${Object.keys(part).join(', ')}, not its settings ${c.settings.join(', ')}`,
      );
    Object.assign(built, part);
  });
  return built as ConfigOf<C>;
}
