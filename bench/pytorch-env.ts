/**
 * The environment the benches start PyTorch in, so that it is measured at its best.
 *
 * glibc returns every freed block above its mmap threshold to the kernel, so a PyTorch pass whose
 * activations are tens of megabytes maps and faults them in afresh on every pass. On these hosts
 * that made MobileNetV2's 100 forward passes 1.6 s instead of 0.9 s (bench/RESULTS.md, "PyTorch
 * at its best micro-batch"). Production PyTorch servers avoid it the same way (or with jemalloc
 * or tcmalloc): the largest mmap threshold glibc takes, no trimming, a padded heap top.
 */
export const PYTORCH_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(16 * 1024 * 1024 * 1024),
  MALLOC_TOP_PAD_: String(1024 * 1024 * 1024),
};
