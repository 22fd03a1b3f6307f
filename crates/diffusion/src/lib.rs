//! # diffusion: the heat equation on a grid, explicitly
//!
//! Diffusion spreads a quantity `u` (heat, dye, a chemical) from where there
//! is more to where there is less: `∂u/∂t = D·∇²u`. On a grid of spacing 1
//! the Laplacian becomes the 5-point stencil, and one explicit Euler step of
//! length `dt` is
//!
//! ```text
//! u'[i][j] = u[i][j] + D·dt·(u[i+1][j] + u[i−1][j] + u[i][j+1] + u[i][j−1] − 4·u[i][j])
//! ```
//!
//! (1-D: two neighbours and `− 2·u[i]`). At the edges, **periodic**
//! boundaries wrap the indices around (NumPy's `np.roll`) and conserve the
//! total; **fixed** boundaries update only the interior and keep the edge
//! cells as they are (the C `evolve` of the FFI chapter). The scheme is
//! stable only if `D·dt·(1/dx² + 1/dy²) ≤ 1/2`, i.e. `D·dt ≤ 0.25` in 2-D
//! and `D·dt ≤ 0.5` in 1-D; constructors reject anything else with an
//! [`Error`](kernels_core::Error) naming `"D·dt"`.
//!
//! ## The slow version
//!
//! The pure Python loop visits every cell, computes wrapped neighbour
//! indices with `%`, and builds a new list of lists every step: about half a
//! second per step at 512 × 512. NumPy replaces the loop with four
//! `np.roll`s, but each roll, each `+` and the `4 * grid` allocate and fill a
//! whole temporary array, so the memory traffic is many times the grid size
//! (3.5 ms per step at 512², even with in-place operations). The
//! [`mod@reference`] module transcribes that version (and the C loop) directly.
//!
//! ## Why this version is fast
//!
//! * **No allocation per step.** [`Diffusion2d`] owns two buffers; a step
//!   reads one, writes the other and swaps them (the "swap the grids" trick
//!   the case study ends with).
//! * **One pass over memory.** Each output row is computed from three input
//!   rows in a single loop over contiguous slices: the `i ± 1` rows and the
//!   `j ± 1` columns are just shifted slices, so the interior loop has no
//!   index arithmetic, no `%` and no branches, and the compiler can vectorise
//!   it. The wrapped edge columns are handled separately.
//! * **Parallel rows.** Rows are cut into chunks whose size depends only on
//!   the grid width, and the chunks run on the chosen backend. Every cell's
//!   update is independent, so results are bit-identical on [`Serial`] and
//!   [`Parallel`], for every [`Schedule`] and thread count, and bit-identical
//!   to the [`mod@reference`] (same operation order, no FMA).
//!
//! At large sizes the kernel is limited by memory bandwidth (16 bytes per
//! cell-update), not arithmetic (7 flops), which is why the [`Kernel`]
//! implementations report both.
//!
//! ## Choosing a backend
//!
//! Use [`Serial`] for small grids or when the caller already parallelises
//! over many simulations; use [`Parallel`] for large grids. [`Parallel`]
//! runs on rayon's current pool, so wrap the call in
//! `ThreadPool::install` to choose the thread count. Every row costs the
//! same, so the default [`Schedule::Static`] is the right choice.
//!
//! ```
//! use diffusion::{Boundary, Case2d, Diffusion2d, published_initial, reference};
//! use kernels_core::{Kernel, Parallel, Serial};
//!
//! // The published setup on a smaller grid: a block of 0.005 spreading out.
//! let initial = published_initial(64, 64);
//! let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.1, Boundary::Periodic)?;
//! sim.run::<Parallel>(100);
//! let total: f64 = sim.grid().sum();
//! assert!((total - initial.sum()).abs() < 1e-14);                  // conserved
//! assert!(sim.grid()[[28, 28]] < 0.005);                           // spread out
//! assert_eq!(sim.grid(), reference::run_2d(initial.view(), 1.0, 0.1, Boundary::Periodic, 100));
//!
//! // The same as a Kernel, with work accounting for throughput reports.
//! let case = Case2d::new(initial, 1.0, 0.1, Boundary::Periodic, 100)?;
//! let grid = case.run::<Serial>();
//! assert_eq!(grid.view(), sim.grid());
//! assert_eq!(case.work(&grid).items, 64 * 64 * 100);
//! # Ok::<(), kernels_core::Error>(())
//! ```
//!
//! The [`ffi`] module exports `evolve`, the C function the FFI chapter calls
//! from Python; it is the only place in the crate that uses `unsafe`.
#![deny(unsafe_code)]

pub mod ffi;
mod grid1d;
mod grid2d;
mod params;
pub mod reference;
mod stencil;

pub use grid1d::{Case1d, Diffusion1d, published_initial_1d};
pub use grid2d::{Case2d, Diffusion2d, published_initial};
pub use params::{Boundary, Params};

#[cfg(doc)]
use kernels_core::{Kernel, Parallel, Schedule, Serial};

/// Cells per parallel chunk (64 KiB of output): big enough that task
/// overhead is negligible, small enough to balance across threads.
pub(crate) const CHUNK_CELLS: usize = 8192;
