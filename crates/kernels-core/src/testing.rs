//! Helpers for the workspace's determinism tests: run a closure inside a
//! fresh rayon pool of a given size, for each of the thread counts the
//! project promises bit-identical results on.

use rayon::ThreadPoolBuilder;

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
