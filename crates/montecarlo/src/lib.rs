//! # montecarlo: Monte Carlo π and a reproducible Monte Carlo estimator
//!
//! ## Tutorial
//!
//! [The tutorial chapter](../tutorial/ch06_montecarlo/index.html) retells the
//! case study step by step (error bars, the process pool's overhead lesson,
//! the forked-worker random-state bug, chunks with their own streams, the
//! same bits on any thread count, the general estimator, SIMD lanes on
//! jumped-to segments of one stream) with measured numbers. The example
//! program `crates/montecarlo/examples/pi.rs` prints the estimate of π with
//! its 95 % confidence interval for 10³ … 10⁸ samples, checks the published
//! estimate on every thread count and instruction set, and runs the general
//! [`Estimator`] on two integrals:
//! `cargo run --release -p montecarlo --example pi`.
//!
//! ## The problem
//! Throw `n` points `(x, y)` uniformly at the unit square. The fraction that
//! lands inside the quarter disc `x² + y² ≤ 1` estimates its area, `π/4`, so
//!
//! ```text
//! π ≈ 4 · hits / n,     standard error = 4 · √(p(1 − p) / n),  p = π/4
//! ```
//!
//! which is about 0.00164 at the published `n = 10⁶`: Monte Carlo gains one
//! digit per 100× more samples, so the point is throughput. More generally,
//! the mean of any random quantity `f(ω)` is estimated by averaging `n` draws;
//! the standard error `s/√n` (with `s` the sample standard deviation) says
//! how far off the average is likely to be, and `mean ± 1.96·s/√n` is a 95 %
//! confidence interval.
//!
//! ## The slow version
//! The published Python loops over 10⁶ samples calling `random.uniform`
//! twice per point and took 0.73 s. The multiprocessing chapter then taught
//! the overhead lesson: a process pool given one task *per sample* took 97 s,
//! while 10 coarse chunks of 100 000 samples took 0.33 s. It also raised the
//! subtle issue of parallel random numbers: forked workers must not share a
//! generator state, or they draw the same "random" numbers.
//!
//! ## Why this version is fast, and reproducible
//! * **Coarse chunks with their own streams.** A run is cut into chunks of
//!   [`CHUNK_SAMPLES`] samples; chunk `c` draws from its own generator
//!   [`stream`]`(seed, c)`, a xoshiro256++ ([`Rng`]) whose state is a strong
//!   hash of `(seed, c)`. Any chunk can start on any thread in O(1), and the
//!   chunk boundaries depend on `n` only, never on the number of workers.
//! * **Results combined in a fixed order.** [`Pi`] counts hits per chunk as
//!   integers (no floating point in the reduction at all); the general
//!   [`Estimator`] computes each chunk's count, mean and sum of squared
//!   deviations and merges chunks in index order with Chan's formula. Either way the same seed gives **the same bits on
//!   any backend, schedule and thread count**.
//! * **Eight streams' worth of work at once, still one stream.** The π
//!   kernel counts a chunk's hits in SIMD: the chunk's stream is cut into
//!   8 consecutive segments, each segment's starting state is reached by a
//!   xoshiro256 *jump* (a 256-step polynomial jump-ahead, computed at compile
//!   time for every segment length), and the 8 segments advance side by side,
//!   one vector lane each: on AVX-512 the whole generator, the exact
//!   int→double conversion, `x·x + y·y <= 1` and the hit count are about
//!   27 vector instructions per 8 points (≈ 1.7 cycles per point on two
//!   vector ports, ≈ 1.3 × 10⁹ points/s per 2.5 GHz core); AVX2 runs the
//!   same lanes in two halves, the scalar path emulates them with arrays.
//!   Hits are integers, so every instruction set, the scalar emulation and
//!   the textbook [`reference::pi`] loop count exactly the same hits from
//!   exactly the same numbers. The instruction set is picked at run time
//!   ([`Isa`], [`Vectorized`]); no `RUSTFLAGS` needed.
//! * **A general estimator without per-sample division.** [`Estimator`]
//!   calls the closure once per sample, in stream order, and reduces blocks
//!   of 8 samples with a shifted two-pass, merging blocks with Chan's
//!   formula (Welford's per-sample update puts a division on the critical
//!   path of every sample and cost 3–4× more than drawing a uniform).
//!
//! ## Choosing a backend
//! [`Serial`] runs on the calling thread; [`Parallel`] runs chunks on rayon's
//! current pool (wrap the call in [`rayon::ThreadPool::install`] to choose
//! the thread count). Chunks all cost the same, so the default
//! [`Schedule::Static`] is the right one; others only change timing.
//! [`reference`](mod@reference) has the plain serial loops the fast versions are tested
//! against.
//!
//! ```
//! use montecarlo::{Estimator, Kernel, Parallel, Pi, Serial, rayon, uniform};
//!
//! // The published case: 10⁶ samples.
//! let pi = Pi::published();
//! let estimate = pi.run::<Parallel>();
//! assert!((estimate.mean() - std::f64::consts::PI).abs() < 5.0 * estimate.std_error());
//! println!("π ≈ {estimate:.5}");
//!
//! // Same bits on 3 threads as on one.
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
//! assert_eq!(pool.install(|| pi.run::<Parallel>()), pi.run::<Serial>());
//!
//! // Any other expectation: E[e^U] = e − 1 for U uniform in [0, 1).
//! let est = Estimator::new(200_000, 7)?.estimate::<Parallel, _>(|rng| uniform(rng).exp());
//! let (low, high) = est.confidence_interval(4.0)?;
//! assert!(low < std::f64::consts::E - 1.0 && std::f64::consts::E - 1.0 < high);
//! # Ok::<(), kernels_core::Error>(())
//! ```

mod estimate;
mod estimator;
mod lanes;
mod pi;
pub mod reference;
mod rng;

pub use estimate::{Estimate, Z_95};
pub use estimator::{Estimator, MAX_SAMPLES};
pub use pi::{Pi, pi_sample};
pub use rng::{CHUNK_SAMPLES, Rng, stream, uniform};

/// The shared abstraction, re-exported so callers need no extra imports:
/// backends, schedules, the [`Kernel`] trait [`Pi`] implements, and the
/// instruction-set choice ([`Isa`], [`Vectorized`]) of its hot loop.
///
/// ```
/// use montecarlo::{Kernel, Pi, Serial};
/// assert_eq!(Pi::new(100, 0)?.run::<Serial>().samples(), 100);
/// # Ok::<(), montecarlo::Error>(())
/// ```
pub use kernels_core::{
    Backend, Error, Isa, Kernel, Parallel, Result, Schedule, Serial, Vectorized, Work,
};

/// The generator trait, re-exported so sampling closures can call
/// `rng.next_u64()` without depending on `rand_core` themselves.
///
/// ```
/// use montecarlo::{RngCore, stream};
/// let bits = stream(0, 0).next_u64();
/// assert_eq!(bits, stream(0, 0).next_u64());
/// ```
pub use rand_core::RngCore;

/// The rayon version the [`Parallel`] backend runs on, for building pools.
///
/// ```
/// let pool = montecarlo::rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// assert_eq!(pool.current_num_threads(), 2);
/// ```
pub use kernels_core::rayon;
