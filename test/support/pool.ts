/**
 * Occupies pooled connections on purpose, to test what happens when none is free.
 */
import type { Database } from '../../src/db/client.ts';

export interface HeldConnections {
  /** Ends the holding transactions and waits for them. */
  release(): Promise<void>;
}

/**
 * Resolves once `count` transactions each hold one of `db`'s connections; they keep them until
 * released. Opening a connection counts against the pool's short test timeout, which a loaded
 * machine can miss: a hold that fails to start is simply tried again.
 */
export async function holdConnections(db: Database, count: number): Promise<HeldConnections> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // The transaction's promise is wrapped: returned bare from an async function, it would be awaited.
  const holdOne = async (): Promise<{ done: Promise<void> }> => {
    for (let attempt = 1; ; attempt++) {
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      const done = db.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1`;
          started();
          await released;
        },
        { maxWait: 10_000, timeout: 30_000 },
      );
      const outcome = await Promise.race([holding.then(() => 'held' as const), done.then(() => 'held' as const, (error: unknown) => error)]);
      if (outcome === 'held') return { done };
      if (attempt === 20) throw outcome;
    }
  };
  const holds: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) holds.push((await holdOne()).done);
  return {
    release: async () => {
      release();
      await Promise.all(holds);
    },
  };
}
