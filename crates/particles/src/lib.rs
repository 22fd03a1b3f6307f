//! # particles: rotating particles and the all-pairs distance matrix
//!
//! ## Tutorial
//!
//! [The tutorial chapter](../tutorial/ch04_particles/index.html) retells the
//! case study step by step (objects vs struct of arrays, loop order, the
//! hoisted step, Euler drift, SIMD lanes and the divider bound, the distance
//! matrix and its page faults) with measured numbers. The example program
//! `crates/particles/examples/evolve.rs` runs the published test under every
//! [`Method`] and times the benchmark and the distance matrix:
//! `cargo run --release -p particles --example evolve`.
//!
//! ## The problem
//!
//! Each particle `(x, y, ang_speed)` circles the origin. The published code
//! does not solve that motion exactly: it takes explicit Euler steps of
//! [`TIMESTEP`] `= 1e-5` along the tangent. One step is
//!
//! ```text
//! norm = sqrt(x² + y²)
//! v_x  = -y / norm,   v_y = x / norm
//! x   += timestep · ang_speed · v_x
//! y   += timestep · ang_speed · v_y        (both from the old x, y)
//! ```
//!
//! and `evolve(dt)` runs `int(dt / timestep)` of them ([`steps_for`]: so
//! `dt = 0.1` is 10 000 steps and `dt = 0.01` is 999). Each Euler step
//! multiplies the radius by `sqrt(1 + (timestep·ang_speed / r)²)`, so the
//! particles slowly spiral outwards (after `dt = 0.1` the three published
//! particles are 8.6e-7, 1.0e-6 and 1.1e-5 further out).
//!
//! ## The slow version
//!
//! The book keeps a list of `Particle` objects and loops over the steps
//! outside and the particles inside: every step of every particle is a
//! handful of attribute look-ups and boxed-float operations, about 600 ns per
//! particle-step in CPython. Typed Cython got that to about 13 ns, and
//! OpenMP on four threads to about 6 ns. The published benchmark is 1000
//! particles uniform in `[-1, 1]` over `dt = 0.1`: 10 million particle-steps.
//!
//! ## Why this version is fast
//!
//! * **Struct of arrays.** [`Particles`] keeps `x`, `y` and `ang_speed` in
//!   three contiguous `Vec<f64>`s, not a list of objects.
//! * **Steps inside, particles outside.** Particles never interact, so each
//!   one can run all its steps while its state sits in registers; the result
//!   is bit-identical to the published steps-outside order (tested against
//!   [`reference::evolve`]).
//! * **Independent chains side by side, in SIMD lanes.** A single
//!   particle's steps form one long chain of square roots and divisions,
//!   each waiting for the last (about 60 cycles per step). The hot loop
//!   steps a group of particles together, so their chains overlap in the
//!   pipeline: 32 particles (four 8-lane AVX-512 vectors) per group, 16 with
//!   AVX2, 8 on the SSE2 baseline. The loop is written once and compiled per
//!   instruction set with runtime dispatch ([`Isa`], see
//!   [`Vectorized::with_isa`]); every width does the same IEEE operations in
//!   the same order, so every [`Isa`] gives the scalar reference's bits.
//! * **The divider is the limit, unless the divisions leave it.** One
//!   textbook step needs one square root and two true divisions (both
//!   `−y/norm` and `x/norm` must be rounded exactly as Python rounds them,
//!   so no plain reciprocal trick), and on this class of Intel core they all
//!   share one divide/square-root unit whose throughput per *lane* is about
//!   the same for 2, 4 or 8 lanes (measured on a 2-core
//!   Sapphire-Rapids-class Xeon: about 0.7 ns per divided lane, 0.8 ns per
//!   square-rooted lane, 2.3 ns per lane-step for the mix). So the AVX2 and
//!   SSE2 loops take about 24–30 ms on one core for the published 10 million
//!   particle-steps whatever their width. The AVX-512 loop moves both
//!   divisions onto the FMA units with a reciprocal estimate, one Newton
//!   correction and an exact midpoint test on the FMA remainder: still the
//!   correctly rounded quotient in every lane (the proof is in the source's
//!   `fma_exact` module), about twice as fast. [`Method::Hoisted`] runs the
//!   same loops.
//! * **Threads.** Chunks of 64 particles run on the [`Parallel`] backend.
//!   Chunks depend only on the particle count, so every thread count gives
//!   the same bits as [`Serial`].
//! * **Better mathematics.** [`Method::Exact`] rotates each particle by the
//!   angle `ang_speed·T / r` (with `T = nsteps·TIMESTEP`) in one step: no
//!   radius drift and `nsteps` times less work, but it differs from the
//!   published Euler values by up to 1.2e-5, so it is a separate method.
//!   Its `sin` and `cos` stay scalar libm calls at every [`Isa`] (a vector
//!   sin/cos would round differently), so it too matches its reference bit
//!   for bit.
//!
//! The [`Method`]s: [`Method::Textbook`] (the published arithmetic, bit for
//! bit), [`Method::Hoisted`] (the Cython chapter's
//! `(x, y) ← (x − t·y/norm, y + t·x/norm)` with `t = timestep·ang_speed`,
//! rounding differently) and [`Method::Exact`].
//!
//! ## The distance matrix
//!
//! The NumPy/numexpr chapter computes `D[i][j] = sqrt((x_j − x_i)² +
//! (y_j − y_i)²)` for `n` points in the unit square ([`DistanceMatrix`]).
//! This version writes each row in one fused pass with no temporaries (8
//! lanes of `vsqrtpd` with AVX-512), rows in parallel. Three costs bound it:
//!
//! * **Fresh memory.** The `8·n²`-byte output (200 MB at `n = 5000`) is new
//!   memory, and the first write to each page is a page fault in which the
//!   kernel zeroes the page. With 4 KiB pages that is about 80 ms for 200 MB
//!   on one core here, more than the arithmetic. So the output is allocated
//!   uninitialised (no zero-fill pass), each page is first touched by the
//!   thread that writes it, and on Linux the buffer is advised onto 2 MiB
//!   transparent huge pages ([`kernels_core::memory::advise_huge_pages`]),
//!   which cuts the fault cost to about the kernel's
//!   zeroing (about 37 ms for 200 MB on one core, 19 ms on two).
//! * **Square roots.** `n²` square roots share the divide/square-root unit
//!   (about 1 ns per lane at any vector width), about 26 ms per 25 million
//!   entries on one core.
//! * **Writing memory.** About 9–10 GB/s per core for ordinary stores.
//!
//! [`DistanceMatrix::run_into`] reuses an existing matrix and skips the
//! fault cost entirely.
//!
//! ## Choosing a backend
//!
//! Both kernels implement [`Kernel`]: `kernel.run::<Serial>()` runs on the
//! calling thread, `kernel.run::<Parallel>()` on rayon's current pool (wrap
//! it in [`rayon::ThreadPool::install`](kernels_core::rayon::ThreadPool::install)
//! to pick the thread count). The answers are identical; only the time
//! differs. Every particle costs the same, so the default schedule is
//! [`Schedule::Static`](kernels_core::Schedule::Static). To evolve particles
//! in place, call [`Particles::evolve`] or [`Particles::evolve_steps`].
//!
//! ```
//! use kernels_core::{Kernel, Parallel, Serial};
//! use particles::{Evolve, Method, Particles, published};
//!
//! // The published test: three particles, dt = 0.1.
//! let kernel = Evolve::new(Particles::published_test(), published::DT, Method::Textbook)?;
//! let out = kernel.run::<Parallel>();
//! for (i, (x, y)) in published::EXPECTED.into_iter().enumerate() {
//!     assert!((out.x()[i] - x).abs() < published::TOLERANCE);
//!     assert!((out.y()[i] - y).abs() < published::TOLERANCE);
//! }
//! assert_eq!(out, kernel.run::<Serial>());
//! assert_eq!(kernel.work(&out).items, 3 * 10_000);
//! # Ok::<(), kernels_core::Error>(())
//! ```
//!
//! [`Kernel`]: kernels_core::Kernel
//! [`Isa`]: kernels_core::Isa
//! [`Vectorized::with_isa`]: kernels_core::Vectorized::with_isa
//! [`Parallel`]: kernels_core::Parallel
//! [`Serial`]: kernels_core::Serial

mod distance;
mod evolve;
#[cfg(target_arch = "x86_64")]
mod fma_exact;
pub mod reference;

pub use distance::DistanceMatrix;
pub use evolve::{Evolve, Method, Particles, TIMESTEP, steps_for};

/// The published cases and their reference values.
///
/// ```
/// use particles::published;
/// assert_eq!(published::BENCH_PARTICLES as f64 * published::DT / particles::TIMESTEP, 1e7);
/// ```
pub mod published {
    /// Time span of the published test and benchmark: `evolve(0.1)`.
    ///
    /// ```
    /// assert_eq!(particles::steps_for(particles::published::DT)?, 10_000);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub const DT: f64 = 0.1;

    /// Positions of [`Particles::published_test`](crate::Particles::published_test)
    /// after `evolve(0.1)`, as published (the last digit of p2.y, a trailing
    /// zero, is dropped).
    ///
    /// ```
    /// assert_eq!(particles::published::EXPECTED.len(), 3);
    /// ```
    pub const EXPECTED: [(f64, f64); 3] = [
        (0.2102698450356825, 0.5438635787296997),
        (-0.0993347660567358, -0.4900342888538049),
        (0.1913585038252641, -0.365227221074436),
    ];

    /// The published tolerance for [`EXPECTED`].
    ///
    /// ```
    /// assert_eq!(particles::published::TOLERANCE, 1e-5);
    /// ```
    pub const TOLERANCE: f64 = 1e-5;

    /// Particles in the published benchmark (x, y, ang_speed uniform in
    /// `[-1, 1]`, `evolve(0.1)`: 10 million particle-steps).
    ///
    /// ```
    /// let ps = particles::Particles::random(particles::published::BENCH_PARTICLES, 0)?;
    /// assert_eq!(ps.len(), 1000);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub const BENCH_PARTICLES: usize = 1000;

    /// Points in the published distance-matrix case (800 MB of output).
    ///
    /// ```
    /// assert_eq!(particles::published::DISTANCE_POINTS.pow(2) * 8, 800_000_000);
    /// ```
    pub const DISTANCE_POINTS: usize = 10_000;
}
