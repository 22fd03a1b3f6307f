//! The smallest honest timer, for examples and quick experiments: one
//! warm-up call, then the best of several (as Python's `timeit` reports).
//! The bench crate's report measures more (median, CPU time, memory).

use std::time::{Duration, Instant};

/// Calls `f` once to warm up (page faults, caches, lazily built tables), then
/// `runs` more times (at least one), and returns the fastest of the timed
/// calls together with the last result.
///
/// ```
/// use kernels_core::timing::best_of;
/// let (time, sum) = best_of(3, || (1..=1000_u64).sum::<u64>());
/// assert_eq!(sum, 500_500);
/// assert!(time.as_secs_f64() < 1.0);
/// ```
pub fn best_of<R>(runs: usize, mut f: impl FnMut() -> R) -> (Duration, R) {
    drop(f());
    let timed = |f: &mut dyn FnMut() -> R| {
        let start = Instant::now();
        let result = f();
        (start.elapsed(), result)
    };
    let (mut best, mut last) = timed(&mut f);
    for _ in 1..runs {
        let (time, result) = timed(&mut f);
        best = best.min(time);
        last = result;
    }
    (best, last)
}
