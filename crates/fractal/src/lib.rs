//! # fractal: escape-time fractals, the Julia and Mandelbrot sets
//!
//! ## The problem
//!
//! Take a point `z0` of the complex plane and iterate `z ↦ z² + c`. Either
//! `|z|` eventually reaches 2 (after which it runs off to infinity) or it
//! never does. An *escape-time* image colours each pixel by how many
//! iterations `n` it took to reach `|z| ≥ 2`, stopping at `max_iter`:
//!
//! ```text
//! n = 0
//! while n < max_iter and |z| < 2:
//!     z = z·z + c
//!     n += 1
//! ```
//!
//! * The **Julia set** ([`Julia`]) fixes `c` and starts every pixel at
//!   `z0 = x + y·i`.
//! * The **Mandelbrot set** ([`Mandelbrot`]) starts every pixel at `z0 = 0`
//!   and uses the pixel as `c`.
//!
//! The published case study computes the Julia set for
//! `c = -0.62772 - 0.42193i` on the square `[-1.8, 1.8]²` at 1000 × 1000
//! pixels with `max_iter = 300` ([`Julia::published`]). The sum of all counts
//! ([`checksum`]) is exactly **33 219 980**, so the image costs 33.2 million
//! escape iterations.
//!
//! ## The slow version
//!
//! The pure-Python program builds two coordinate lists by repeated addition,
//! then two flat lists holding a million `complex` objects each (`zs` and
//! `cs`), and loops over them ([`mod@reference`] reproduces it line by line).
//! Every `z * z + c` allocates new boxed complex numbers and goes through the
//! interpreter's dynamic dispatch, and `abs(z)` takes a square root: about
//! 11 s on the authors' laptop. Cython with typed variables and the expanded
//! `re² + im² < 4` test brought it to 0.25 s; OpenMP with
//! `schedule(guided)` to 0.07 s.
//!
//! ## Why this version is fast
//!
//! * [`escape_count`] keeps `re` and `im` in registers, tests
//!   `re² + im² < 4` (no square root) and reuses those two squares for the
//!   update; nothing is allocated per pixel. The arithmetic is the published
//!   arithmetic (no fused multiply-add), so counts match the Python bit for
//!   bit.
//! * Pixel coordinates are two short axes (`width + height` numbers), not a
//!   million stored complex numbers; the output is one `u32` per pixel.
//! * Rows are independent, so [`kernels_core::Parallel`] runs chunks of rows
//!   on rayon's pool. Rows through the middle of the set cost hundreds of
//!   times more than edge rows, so the default [`Schedule::Guided`] hands
//!   out shrinking blocks of rows; try [`Schedule::Static`] to see the load
//!   imbalance the case study describes.
//!
//! ## Choosing a backend
//!
//! Every kernel implements [`Kernel`]: `run::<Serial>()` runs on the calling
//! thread, `run::<Parallel>()` on rayon's current pool (wrap it in
//! `ThreadPool::install` to choose the thread count), and
//! `run_with::<Parallel>(schedule)` picks the schedule. Chunks are whole rows
//! whose boundaries depend only on the image width, so every backend,
//! schedule and thread count gives the identical image.
//!
//! ```
//! use fractal::colour::{ColourMap, to_rgb};
//! use fractal::{Grid, Julia, Region, checksum, saturated};
//! use kernels_core::{Kernel, Parallel, Schedule, Serial};
//! use num_complex::Complex64;
//!
//! // The published Julia set at a fifth of the resolution.
//! let c = Complex64::new(-0.62772, -0.42193);
//! let julia = Julia::new(c, Region::JULIA_PUBLISHED, 200, 200, 300, Grid::RepeatedAddition)?;
//!
//! let counts = julia.run::<Serial>();
//! let pool = kernels_core::rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
//! let parallel = pool.install(|| julia.run_with::<Parallel>(Schedule::Dynamic));
//! assert_eq!(counts, parallel); // identical, not just close
//!
//! let work = julia.work(&counts);
//! assert_eq!(work.items, checksum(&counts));
//! assert!(saturated(&counts, 300) > 0); // some pixels are in the set
//!
//! let rgb = to_rgb(&counts, julia.max_iter(), ColourMap::Fire);
//! assert_eq!(rgb.len(), 3 * 200 * 200);
//! # Ok::<(), kernels_core::Error>(())
//! ```
//!
//! The full published case:
//!
//! ```
//! use fractal::{Julia, checksum};
//! use kernels_core::{Kernel, Parallel};
//! assert_eq!(checksum(&Julia::published().run::<Parallel>()), 33_219_980);
//! ```
//!
//! [`Kernel`]: kernels_core::Kernel
//! [`Schedule::Guided`]: kernels_core::Schedule::Guided
//! [`Schedule::Static`]: kernels_core::Schedule::Static

pub mod colour;
mod escape;
mod kernels;
pub mod reference;
mod region;

pub use escape::{FLOPS_PER_ITERATION, checksum, escape_count, saturated};
pub use kernels::{Julia, Mandelbrot};
pub use region::{Grid, Region};
