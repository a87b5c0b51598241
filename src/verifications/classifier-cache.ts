/**
 * Loaded classifiers kept between verification jobs of one worker, keyed by the artifact's
 * content digest (identical bytes, identical model). Least recently used entries beyond the
 * capacity are disposed, but never while a job is using them.
 */
import type { Classifier } from '../engine/index.ts';
import { processMetrics, type Metrics } from '../metrics/metrics.ts';

interface Entry {
  classifier: Promise<Classifier>;
  users: number;
  lastUsed: number;
}

export class ClassifierCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity = 4,
    private readonly metrics: Metrics = processMetrics,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async use<T>(key: string, load: () => Promise<Classifier>, work: (classifier: Classifier) => T | Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    this.metrics.classifierCache.inc({ result: entry ? 'hit' : 'miss' });
    if (!entry) {
      entry = { classifier: load(), users: 0, lastUsed: 0 };
      this.entries.set(key, entry);
      const created = entry;
      created.classifier.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    entry.users += 1;
    entry.lastUsed = performance.now();
    try {
      return await work(await entry.classifier);
    } finally {
      entry.users -= 1;
      await this.evict();
    }
  }

  private async evict(): Promise<void> {
    while (this.entries.size > this.capacity) {
      let oldest: [string, Entry] | undefined;
      for (const item of this.entries) if (item[1].users === 0 && (!oldest || item[1].lastUsed < oldest[1].lastUsed)) oldest = item;
      if (!oldest) return;
      this.entries.delete(oldest[0]);
      (await oldest[1].classifier.catch(() => undefined))?.dispose();
    }
  }
}
