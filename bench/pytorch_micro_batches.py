"""
PyTorch at its best micro-batch, for the benches that compare the engine with it.

One pass of 100 inputs at 224x224 in a single batch is not PyTorch at its best on these hosts:
ResNet-50's activations for 100 inputs are gigabytes, and the pass is bound by page faults
(9.3 s for 100 inputs in one batch, 3.4 s in batches of 2; MobileNetV2 3.7 s against 1.2 s in
batches of 5; session 15, 2026-12-03). The engine runs its passes in micro-batches sized from
the model's memory (src/engine/model/micro-batch.ts), so the fair reference is PyTorch in the
micro-batch size that suits it best: every candidate size is timed over the whole input after a
warm-up pass over the whole input at that size (the first pass at a size is slower: the allocator
grows), and the fastest is kept.
"""
import time

CANDIDATES = (1, 2, 5, 10, 25, 100)


def candidates_for(batch, listed=None):
    """The candidate sizes not above `batch`, and `batch` itself (a whole-batch pass)."""
    sizes = sorted({int(s) for s in listed.split(",")} if listed else set(CANDIDATES))
    return sorted({s for s in sizes if 0 < s <= batch} | {batch})


def timed_ms(pass_fn, x, size):
    """Milliseconds for `pass_fn` over `x` in chunks of `size` rows."""
    t0 = time.perf_counter()
    for start in range(0, x.shape[0], size):
        pass_fn(x[start:start + size])
    return (time.perf_counter() - t0) * 1000


def fastest_micro_batch(pass_fn, x, sizes):
    """(size, {size: ms}): each size warmed up over all of `x`, then timed over all of `x`."""
    by_size = {}
    for size in sizes:
        timed_ms(pass_fn, x, size)
        by_size[size] = timed_ms(pass_fn, x, size)
    return min(by_size, key=by_size.get), by_size
