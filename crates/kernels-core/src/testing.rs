//! Helpers for the workspace's determinism tests: run a closure inside a
//! fresh rayon pool of a given size, for each of the thread counts the
//! project promises bit-identical results on, and check a kernel's serial
//! and two-thread runs against an expected output.

use rayon::ThreadPoolBuilder;

use crate::{Kernel, Parallel, Serial};

/// The thread counts every crate's property tests check: one, the machine's
/// two cores, an odd count, and more threads than cores.
///
/// ```
/// use kernels_core::{Backend, Parallel, testing::{THREAD_COUNTS, in_pool}};
/// for threads in THREAD_COUNTS {
///     assert_eq!(in_pool(threads, Parallel::threads), threads);
/// }
/// ```
pub const THREAD_COUNTS: [usize; 4] = [1, 2, 3, 8];

/// Runs `f` inside a new rayon pool of `threads` threads, so
/// [`crate::Parallel`] uses exactly that many.
///
/// # Panics
/// Panics if the operating system refuses to start the threads.
///
/// ```
/// use kernels_core::{Backend, Parallel, testing::in_pool};
/// assert_eq!(in_pool(3, Parallel::threads), 3);
/// ```
pub fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("failed to start a rayon pool for a test")
        .install(f)
}

/// Asserts that `kernel` gives `expected` on [`crate::Serial`] and on
/// [`crate::Parallel`] in a pool of two threads, naming the case `what` in
/// the failure message (`"{what} parallel"` for the second run).
///
/// # Panics
/// Panics (the assertion) if either run differs from `expected`.
///
/// ```
/// use kernels_core::{Backend, Kernel, Schedule, testing::assert_serial_and_parallel_give};
///
/// struct Squares;
/// impl Kernel for Squares {
///     type Output = Vec<u64>;
///     fn run_with<B: Backend>(&self, schedule: Schedule) -> Vec<u64> {
///         B::map_reduce(4, schedule, Vec::new(), |i| vec![(i * i) as u64], |mut a, b| {
///             a.extend(b);
///             a
///         })
///     }
///     fn work(&self, _: &Vec<u64>) -> kernels_core::Work {
///         kernels_core::Work::new(4, "squares")
///     }
/// }
/// assert_serial_and_parallel_give(&Squares, &vec![0, 1, 4, 9], "squares");
/// ```
pub fn assert_serial_and_parallel_give<K>(kernel: &K, expected: &K::Output, what: &str)
where
    K: Kernel + Sync,
    K::Output: PartialEq + std::fmt::Debug + Send,
{
    assert_eq!(&kernel.run::<Serial>(), expected, "{what}");
    assert_eq!(
        &in_pool(2, || kernel.run::<Parallel>()),
        expected,
        "{what} parallel"
    );
}
