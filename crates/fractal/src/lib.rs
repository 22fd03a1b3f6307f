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
//! Three layers, each exact: the counts never change, only the time.
//!
//! * **No interpreter, no allocation.** [`escape_count`] keeps `re` and `im`
//!   in registers, tests `re² + im² < 4` (no square root) and reuses those two
//!   squares for the update. The arithmetic is the published arithmetic (no
//!   fused multiply-add), so counts match the Python bit for bit. Pixel
//!   coordinates are two short axes, the output one `u32` per pixel.
//! * **SIMD lanes, several groups in flight.** The hot loop is written once
//!   over a tiny lane abstraction and compiled for scalar code, AVX2 (4 pixels
//!   per vector) and AVX-512 (8 pixels), chosen at run time from the kernel's
//!   [`Isa`](kernels_core::Isa) ([`Vectorized::with_isa`], or the
//!   `KERNELS_ISA` environment variable). Each lane iterates its own pixel;
//!   lanes that escape are masked off and the vector is retired when all its
//!   lanes are done. One iteration is a 12-cycle dependency chain
//!   (`mul → sub → add`), so the loop interleaves three (scalar: four)
//!   independent vectors to keep the floating-point units busy.
//! * **An exact interior shortcut.** Interior pixels are the expensive ones:
//!   in the published image 100 321 of them cost 300 iterations each, 30.1 of
//!   the 33.2 million. Iterating longer cannot change their count, and we can
//!   *prove* early that it will not: for a Julia set whose `c` has an
//!   attracting cycle (the published `c` has one of length 7, multiplier
//!   0.29), the kernel builds a disk around a cycle point and verifies, with
//!   explicit bounds on the rounding error of the floating-point map, that the
//!   floating-point orbit of every point in it returns to it after one cycle
//!   while staying inside `|z| ≤ 1.9`. A pixel whose orbit enters the disk
//!   therefore never escapes and gets `max_iter` at once. Interior pixels now
//!   cost about 39 iterations instead of 300, and the whole image 7.0 million
//!   instead of 33.2 (see `trap.rs` for the proof). Where there is no such
//!   cycle, and for the Mandelbrot set (whose `c` changes per pixel),
//!   *periodicity checking* is used instead: `z` is saved every 16 iterations
//!   and compared bitwise after each step; an exact repeat means the orbit is
//!   periodic and the count is `max_iter`. [`Julia::with_shortcuts`]`(false)`
//!   runs the plain loop for comparison. (The point symmetry
//!   `count(−z) = count(z)` is not used: the published repeated-addition grid
//!   is not exactly symmetric.)
//! * **Threads.** Rows are independent, so [`kernels_core::Parallel`] runs
//!   chunks of rows on rayon's pool. Rows through the middle of the set cost
//!   far more than edge rows, so the default [`Schedule::Guided`] hands out
//!   shrinking blocks of rows. The published image is nearly point-symmetric,
//!   so two static halves happen to balance; try [`Schedule::Static`] on a
//!   lopsided view (e.g. y from -0.6 to 1.8) or with four or more cores to see
//!   the load imbalance the case study describes.
//!
//! On the 2-core AVX-512 test machine the published image takes about 8 ms on
//! one core with AVX-512 (under 5 ms on two), against 87 ms for the plain
//! scalar loop without the shortcut and 74–83 ms for the fastest published
//! Python (Numba/Cython with OpenMP on the same two cores).
//!
//! [`Vectorized::with_isa`]: kernels_core::Vectorized::with_isa
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
//! ## Tutorial
//!
//! [The tutorial chapter](../tutorial/ch02_julia/index.html) retells the case
//! study step by step: the slow loop, expanding `|z|`, SIMD lanes and masks,
//! the interior shortcut, static vs dynamic vs guided schedules with the
//! measured imbalance, and timings on one machine. The example program
//! `examples/render_julia.rs` checks the published checksum, writes the image
//! as a PPM file and times the shortcut, the plain loop and each instruction
//! set:
//!
//! ```text
//! cargo run --release -p fractal --example render_julia -- julia.ppm fire
//! ```
//!
//! [`Kernel`]: kernels_core::Kernel
//! [`Schedule::Guided`]: kernels_core::Schedule::Guided
//! [`Schedule::Static`]: kernels_core::Schedule::Static

pub mod colour;
mod escape;
mod kernels;
mod lanes;
pub mod reference;
mod region;
mod trap;

pub use escape::{FLOPS_PER_ITERATION, checksum, escape_count, saturated};
pub use kernels::{Julia, Mandelbrot};
pub use region::{Grid, Region};
