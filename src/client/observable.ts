import type { Observable, Observer, Unsubscribable } from '@trpc/server/observable';

/**
 * A tRPC `Observable` without importing tRPC at run time: the client helpers
 * stay free of framework code, and tRPC only ever calls `subscribe` and `pipe`.
 *
 * @example
 * ```ts
 * const one = createObservable<number, Error>((observer) => (observer.next(1), observer.complete(), () => undefined))
 * ```
 */
export function createObservable<TValue, TError>(start: (observer: Observer<TValue, TError>) => () => void): Observable<TValue, TError> {
  const self = {
    subscribe(partial: Partial<Observer<TValue, TError>>): Unsubscribable {
      let closed = false;
      let teardown: (() => void) | undefined;
      const stop = (): void => {
        if (closed) return;
        closed = true;
        teardown?.();
      };
      teardown = start({
        next: (value) => void (!closed && partial.next?.(value)),
        error: (error) => {
          if (closed) return;
          stop();
          partial.error?.(error);
        },
        complete: () => {
          if (closed) return;
          stop();
          partial.complete?.();
        },
      });
      if (closed) teardown();
      return { unsubscribe: stop };
    },
    pipe(...operators: ((source: unknown) => unknown)[]): unknown {
      return operators.reduce<unknown>((source, operator) => operator(source), self);
    },
  };
  return self as unknown as Observable<TValue, TError>;
}
