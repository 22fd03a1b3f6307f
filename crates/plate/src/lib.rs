//! # plate: the Navier plate, from a 61-second loop to microseconds
//!
//! A simply supported rectangular plate `a × b`, thickness `h`, Young's
//! modulus `E` and Poisson ratio `ν` (flexural rigidity
//! `D = h³·E / (12·(1 − ν²))`) carries a point load `P` at `(ξ, η)`. Navier's
//! double series gives its deflection:
//!
//! ```text
//! w(x, y) = Σ_{m=1..M} Σ_{n=1..N} a_mn / (π⁴·D) · (m²/a² + n²/b²)⁻² · sin(mπx/a) · sin(nπy/b)
//! a_mn    = 4·P·sin(mπξ/a)·sin(nπη/b) / (a·b)
//! ```
//!
//! ## The slow version
//!
//! The published Python code fills a 101 × 101 grid with four nested loops:
//! for every grid point, for `m` in `1..=15`, for `n` in `1..=15`, evaluate
//! four sines, a power and several divisions and add the term. That is 2.3
//! million term evaluations and took about 61 s in pure Python; naive Cython
//! attempts were slower still. [`reference::quadruple_loop`] keeps that
//! algorithm, term for term, as the yardstick.
//!
//! ## Why this crate is fast
//!
//! The series is *separable*: with the sine tables `Sx[m][i] = sin(mπx_i/a)`
//! (`M × nx`), `Sy[j][n] = sin(nπy_j/b)` (`ny × N`) and the coefficient matrix
//! `C[n][m] = a_mn / (π⁴·D) · (m²/a² + n²/b²)⁻²` (`N × M`), the whole grid is
//!
//! ```text
//! W = Sy · C · Sx        (ny × nx)
//! ```
//!
//! So the `nx·ny·M·N` sines of the quadruple loop become two small tables
//! and `M·N` coefficients, and the sum becomes two matrix products,
//! associated in whichever order is cheaper (`(C·Sx)` first costs
//! `N·nx·(M + ny/2)` multiply-adds, see the mirror pairs below). Four
//! things make that fast:
//!
//! * **Sine tables without sines.** On the grid `x_i = i·a/(nx − 1)`,
//!   `sin(mπx_i/a) = sin(π·(m·i mod 2(nx − 1)) / (nx − 1))`: every entry of
//!   `Sx` is one of `2(nx − 1)` values, of which only a quarter period is
//!   computed with `sin` (51 sines instead of 1515 for the published `Sx`,
//!   and the same table serves `Sy` when `ny = nx`). The argument is reduced
//!   exactly in integers, so the table differs from the textbook's
//!   `sin(fl(fl(mπ)·x_i)/a)` only by that expression's own rounding (a few
//!   `m·ε`); the last grid point `x = a` keeps the textbook's value, whose
//!   rounding noise (`sin(fl(mπ)) ≈ m·1e-16` instead of 0) is all there is
//!   on a grid made only of edge points.
//! * **Mirror pairs.** The table is exactly symmetric: row `ny − 1 − j` of
//!   `Sy` is row `j` with the signs of the even-`n` terms flipped
//!   (`sin(nπ − θ) = (−1)ⁿ⁺¹·sin θ`). So the product with `Sy` on the left
//!   sums the odd-`n` terms (`O`) and the even-`n` terms (`E`) of row `j`
//!   separately and writes `O + E` to row `j` and `O − E` to its mirror
//!   image: half the multiply-adds of the larger product.
//! * **A register-blocked product with FMA.** Each product is computed in
//!   tiles of 8 rows × 24 columns (AVX-512; 4 × 12 with AVX2), or 4 row
//!   pairs × 24 columns for the mirrored product, held in 24 vector
//!   registers while the inner index runs over the whole sum: per step, 3
//!   vector loads and 8 broadcasts feed 24 fused multiply-adds. The right
//!   factor is packed in column panels one tile wide, so every tile reads
//!   one contiguous stream that stays in the L1 cache. The hot loop is
//!   written once and compiled per instruction set ([`kernels_core::Isa`],
//!   chosen at run time; see [`Vectorized`](kernels_core::Vectorized)): the
//!   vector paths fuse multiply and add (as BLAS does, twice the peak of
//!   separate instructions), the scalar path keeps them separate, so the
//!   two agree to rounding (within 1e-14 of `w_max`, documented on
//!   [`Navier`]'s `Vectorized` implementation), and AVX2 and AVX-512 give
//!   the same bits.
//! * **Chunks sized from the problem.** Output rows are cut into chunks of
//!   a multiple of 8 rows (4 row pairs) holding about a million
//!   multiply-adds, but at least 16 chunks; products under 2¹⁸
//!   multiply-adds — the published case — are one chunk, because they take
//!   about 10 µs, no longer than waking a second thread.
//!
//! The result agrees with the quadruple loop to about 1e-14 of `w_max`
//! (1.5e-15 for the published case), and [`Navier::deflection_at`]
//! evaluates one point term by term, bit-identical to the reference, for
//! convergence studies with many terms.
//!
//! ## Choosing a backend
//!
//! [`Navier`] implements [`kernels_core::Kernel`]: `navier.run::<Serial>()`
//! runs on the calling thread, `navier.run::<Parallel>()` on rayon's current
//! pool (wrap the call in [`rayon::ThreadPool::install`](kernels_core::rayon::ThreadPool::install)
//! to choose the thread count). Chunk boundaries depend only on the problem
//! size and every output element is summed in the same order, so on one
//! instruction set both backends, every
//! [`Schedule`](kernels_core::Schedule) and every thread count give
//! bit-identical grids. Output rows cost the same, but the default schedule
//! is guided, not static: on a shared machine a thread that waits for its
//! core would otherwise hold back an equal half of the work.
//!
//! ## Tutorial
//!
//! [The tutorial chapter](../tutorial/ch03_plate/index.html) retells the
//! case study step by step: the quadruple loop, hoisting the invariants, the
//! separable algorithm, sine tables, the register-blocked product, why the
//! published case stays on one thread, convergence to Timoshenko's alpha, and
//! times measured against the Python tools. The example program
//! `crates/plate/examples/wmax.rs` prints the published case, alpha's
//! convergence and timings:
//!
//! ```text
//! cargo run --release -p plate --example wmax
//! ```
//!
//! ## Example: the published case
//!
//! ```
//! use kernels_core::{Kernel, Parallel, Serial};
//! use plate::{Navier, Plate, PointLoad};
//!
//! let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
//! assert_eq!(plate.rigidity(), 819_088.319_088_319_2);
//! let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 15, 15, 101, 101)?;
//! assert_eq!(navier, Navier::published());
//!
//! let deflection = navier.run::<Parallel>();
//! assert!((deflection.w_max() * 1e3 - 0.141_317_840_389).abs() < 5e-13); // mm
//! assert!((deflection.alpha() - 0.011_575_179).abs() < 1e-9);
//! assert_eq!(deflection, navier.run::<Serial>());
//!
//! // More terms at the centre converge to Timoshenko's 0.01160.
//! let many = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 255, 255, 2, 2)?;
//! let alpha = many.deflection_at(0.5, 0.5) / many.scale();
//! assert!((alpha - 0.01160).abs() < 1e-5);
//! # Ok::<(), kernels_core::Error>(())
//! ```

mod navier;
mod plate;
mod product;
pub mod reference;

pub use navier::{Deflection, Navier, PI_POW_4};
pub use plate::{Plate, PointLoad};
