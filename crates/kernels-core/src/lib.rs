//! # kernels-core: one abstraction for every case study
//!
//! Each crate in this workspace takes a classic "make Python fast" case study
//! (the Julia set, the Navier plate, rotating particles, diffusion, Monte
//! Carlo π) and offers it as a [`Kernel`]: validated data plus a pure
//! computation, run on a [`Backend`] chosen by a generic parameter.
//!
//! * [`Serial`] runs on the calling thread.
//! * [`Parallel`] runs on rayon's current pool, so
//!   [`rayon::ThreadPool::install`] decides how many threads it gets. The
//!   library never builds a pool of its own.
//! * [`Schedule`] picks how chunks are grouped into parallel tasks (static
//!   blocks, dynamic, guided): it changes timing, never results.
//!
//! Work is cut into chunks whose boundaries depend only on the problem size,
//! and reductions fold chunk results in index order, so **every backend and
//! every thread count gives bit-identical answers**.
//!
//! ```
//! use kernels_core::{Backend, Parallel, Schedule, Serial};
//!
//! // Scale a vector in chunks of 256, then sum it in the same chunks.
//! fn scaled_sum<B: Backend>(data: &mut [f64], factor: f64) -> f64 {
//!     B::for_each_chunk(&mut *data, 256, Schedule::Guided, |_, chunk: &mut [f64]| {
//!         chunk.iter_mut().for_each(|x| *x *= factor);
//!     });
//!     let data = &*data;
//!     B::map_reduce(data.len().div_ceil(256), Schedule::Guided, 0.0, |c| {
//!         data[c * 256..((c + 1) * 256).min(data.len())].iter().sum::<f64>()
//!     }, |a, b| a + b)
//! }
//!
//! let mut a: Vec<f64> = (0..10_000).map(|i| (i as f64).sin()).collect();
//! let mut b = a.clone();
//! let serial = scaled_sum::<Serial>(&mut a, 0.1);
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build()?;
//! let parallel = pool.install(|| scaled_sum::<Parallel>(&mut b, 0.1));
//! assert_eq!(serial.to_bits(), parallel.to_bits());
//! # Ok::<(), rayon::ThreadPoolBuildError>(())
//! ```
//!
//! Constructors across the workspace validate with [`validate`] and return
//! [`Error`], which names the bad parameter and the allowed range.
//!
//! Hot loops are compiled for several instruction sets and chosen at run time
//! ([`Isa`], [`Vectorized`]), so a plain `cargo build --release` uses AVX2 or
//! AVX-512 where the CPU has them, with no `RUSTFLAGS`.
//!
//! ## Where to go next
//!
//! * [The tutorial](../tutorial/index.html) retells every case study as
//!   doctested chapters, from [measuring](../tutorial/ch01_measure/index.html)
//!   to [choosing a backend](../tutorial/ch07_backends/index.html) and the
//!   [measured performance](../tutorial/ch08_performance/index.html).
//! * The example `cargo run --release -p kernels-core --example custom_kernel`
//!   writes a kernel of its own and checks that every thread count and
//!   schedule gives the same bits.

mod backend;
mod error;
mod isa;
mod kernel;
pub mod memory;
pub mod testing;
pub mod timing;

pub use backend::{Backend, Chunkable, Neighbours, Parallel, Schedule, Serial};
pub use error::{Error, Result, validate};
pub use isa::{Isa, Vectorized};
pub use kernel::{Kernel, Work};
pub use rayon;
