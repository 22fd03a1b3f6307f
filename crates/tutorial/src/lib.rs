//! # Make Python fast — in Rust: the tutorial
//!
//! The books and tutorials that teach performance take a slow Python loop and
//! speed it up step by step with NumPy, Cython, Numba, Pythran, OpenMP and
//! multiprocessing. These chapters retell the same case studies with the
//! workspace's crates. Every code block is a doctest: `cargo test -p tutorial`
//! runs them, so the numbers the chapters assert are checked on every change.
//!
//! 1. [Measure, don't guess](ch01_measure) — the bench report, criterion,
//!    wall vs CPU time, profiles, peak memory.
//! 2. [The Julia set](ch02_julia) — the slow loop, expanding |z|, SIMD lanes
//!    and masks, schedules, the checksum.
//! 3. [The Navier plate](ch03_plate) — the quadruple loop, hoisting, the
//!    separable algorithm, convergence to Timoshenko's alpha.
//! 4. [Rotating particles](ch04_particles) — objects vs struct-of-arrays, the
//!    hoisted step, Euler drift, the distance matrix.
//! 5. [Diffusion](ch05_diffusion) — the stencil, boundaries, stability, double
//!    buffering, temporal blocking, calling the C ABI from Python.
//! 6. [Monte Carlo](ch06_montecarlo) — chunking, independent streams,
//!    reproducibility, error bars.
//! 7. [Choosing a backend](ch07_backends) — `Serial`, `Parallel`, schedules,
//!    your own rayon pool, when parallelism does not pay.
//! 8. [Performance](ch08_performance) — every case against the best Python
//!    tool and against the hardware limits, measured on one machine.
//!
//! The crates: [`kernels_core`], [`fractal`], [`plate`], [`particles`],
//! [`diffusion`], [`montecarlo`].

#[doc = include_str!("../../../docs/01-measure.md")]
pub mod ch01_measure {}
#[doc = include_str!("../../../docs/02-julia.md")]
pub mod ch02_julia {}
#[doc = include_str!("../../../docs/03-plate.md")]
pub mod ch03_plate {}
#[doc = include_str!("../../../docs/04-particles.md")]
pub mod ch04_particles {}
#[doc = include_str!("../../../docs/05-diffusion.md")]
pub mod ch05_diffusion {}
#[doc = include_str!("../../../docs/06-montecarlo.md")]
pub mod ch06_montecarlo {}
#[doc = include_str!("../../../docs/07-backends.md")]
pub mod ch07_backends {}
#[doc = include_str!("../../../docs/08-performance.md")]
pub mod ch08_performance {}
