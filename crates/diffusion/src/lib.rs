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
//! * **Vector rows.** Each output row is computed from three input rows in
//!   one loop over contiguous slices: the `i ± 1` rows and the `j ± 1`
//!   columns are just shifted slices, so the interior loop has no index
//!   arithmetic, no `%` and no branches. That loop is compiled for AVX-512
//!   (8 lanes), AVX2 (4 lanes) and baseline x86-64 and picked at run time
//!   from the kernel's [`Isa`] ([`Vectorized::with_isa`]; default
//!   [`Isa::selected`], capped by `KERNELS_ISA`). The wrapped edge columns are
//!   handled separately (but see below). Lanes compute exactly the scalar expression
//!   (separate multiplies and adds), so every ISA gives the same bits.
//!   Each row is done as one vector at its start, whole vectors from the
//!   first cache-line-aligned output cell, and one vector ending at its last
//!   cell (the overlaps are recomputed to the same bits): no scalar tail,
//!   and the stores and the `c`, `i ± 1` loads never split a cache line
//!   when the rows start on one (the scratch rows below always do, and so
//!   do the rows of both grid buffers when the width is a multiple of 8:
//!   they are allocated on a cache line). Aligning the stores made the
//!   blocked 512² run about 15 % faster, aligning the grid buffers another
//!   5–7 %. Rows of whole AVX-512 vectors (512 or 2048 columns) load each
//!   vector of the row once and shift its neighbours in with `valignq`,
//!   wrapping from the last vector to the first, instead of loading two
//!   shifted slices that straddle cache lines: about 10 % faster again on
//!   periodic grids, and no cell of the row is done on its own (fixed rows
//!   put their two edge cells back afterwards).
//! * **Several steps per pass over memory (temporal blocking).** One step
//!   reads 8 bytes and writes 8 bytes per cell but does only 7 flops, so a
//!   step-per-pass loop over a grid larger than the caches runs at memory
//!   bandwidth (≈ 16 bytes per cell-update). [`Diffusion2d::run`] instead
//!   cuts the grid into bands of rows and advances each band
//!   [`time_block`](Diffusion2d::time_block) steps (`T`) before
//!   moving on: sweeping down the band, it computes row `w` of step 1, then
//!   row `w − 1` of step 2, …, row `w − T + 1` of step `T` (a *wavefront*,
//!   two rows at a time so that each loaded vector serves both), keeping
//!   only four rows per intermediate step in a small ring buffer that stays
//!   in cache. Only the input and the final rows touch main
//!   memory: ≈ 16/`T` bytes per cell-update. Each band recomputes the
//!   `T − 1` rows its neighbours also need (an overlapped "ghost zone"
//!   trapezoid, ≈ `(T − 1)/band_rows` extra work) so bands are independent.
//!   Every cell of every step is still the same expression of the same
//!   neighbour values, so the result is bit-identical to stepping one step
//!   at a time (and to the [`mod@reference`]). Scratch rings are allocated
//!   once per run, never per step; [`Diffusion2d::step`] stays a single
//!   allocation-free pass.
//! * **The ring sized for the cache it lives in.** Every row update reads
//!   ring rows, so where the ring lives sets the speed. For grids up to
//!   about 420 columns the default `T` is the largest whose ring fits in
//!   the 48 KiB L1 data cache next to the rows in flight. Wider rows cannot
//!   share L1 with any useful `T`, so the ring goes to L2 and `T` is deep
//!   instead (16 at 512 columns, 14 at 2048, ≈ 860 KiB of ring at most) to
//!   cut the memory traffic.
//!   [`Diffusion2d::with_strip_cols`] can also cut bands into column
//!   strips (2-D trapezoids with a halo of `T` columns, wrapped at the
//!   periodic seams without copying) so a deeper ring fits L1; measured
//!   slower than whole rows on the project's machine, so it is off by
//!   default.
//!   Scratch rows are padded to whole cache lines plus three more, so
//!   rows are never a multiple of 4 KiB apart (no "4K aliasing" between the
//!   stores of one row and the loads of the next; measured: padding made
//!   no difference once the rows were aligned, but it costs nothing).
//! * **Interleaved rows inside a fused pass.** Between the first and the
//!   last pass of a run, rows that are whole vectors are stored
//!   interleaved: lane `l` of vector `v` holds column `l·len + v`, so the
//!   left and right neighbours of a vector are simply the vectors before
//!   and after it (one lane rotation at each end of the row, which is the
//!   periodic wrap), and `s − 4·c` is one fused multiply-add (exact, since
//!   `4·c` is). The first pass interleaves as it computes its first step,
//!   the last puts the columns back as it writes, so the layout costs no
//!   pass over memory and the grid the caller sees is in column order.
//!   Measured about 10 % faster than the shifted vectors at 512² (see the
//!   diffusion chapter).
//! * **Parallel bands.** Steps are cut into chunks of rows, runs into
//!   bands, both with sizes that depend only on the grid size, and run on
//!   the chosen backend. Bands are about `32·T` rows tall, their number a
//!   multiple of 4 with the rows shared evenly (8 bands of 64 rows at 512²,
//!   8 of 256 at 2048²), so two threads get equal shares of whole bands. Every cell's update is independent of how the work
//!   is cut, so results are bit-identical on [`Serial`] and [`Parallel`],
//!   for every [`Schedule`] and thread count.
//!
//! At large sizes a step-per-pass kernel is limited by memory bandwidth (16
//! bytes per cell-update), not arithmetic (7 flops); the [`Kernel`]
//! implementations report both (the byte count is the naive per-step
//! streaming count, so a blocked run can exceed the memory bandwidth in
//! those units: that is the point of blocking).

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
//! from Python (one step, on the vector row loop). It and the private SIMD
//! module (vector intrinsics behind runtime CPU checks) are the only places
//! in the crate that use `unsafe`.
//!
//! ## Tutorial
//!
//! [The tutorial chapter](../tutorial/ch05_diffusion/index.html) retells the
//! case study step by step: the stencil, the two boundaries, the stability
//! limit, the Python versions and why they are slow, double buffering,
//! vector rows, temporal blocking with measured times, and calling
//! [`ffi::evolve`] from Python with `ctypes`. The example program
//! `examples/published.rs` runs the published case with both boundaries and
//! prints the total, the peak and the time:
//!
//! ```text
//! cargo run --release -p diffusion --example published
//! ```
#![deny(unsafe_code)]

mod bands;
pub mod ffi;
mod grid1d;
mod grid2d;
mod layout;
mod params;
pub mod reference;
mod simd;
mod stencil;
mod tiles;

pub use grid1d::{Case1d, Diffusion1d, published_initial_1d};
pub use grid2d::{Case2d, Diffusion2d, published_initial};
pub use params::{Boundary, Params};

#[cfg(doc)]
use kernels_core::{Isa, Kernel, Parallel, Schedule, Serial, Vectorized};

/// Cells per parallel chunk (64 KiB of output): big enough that task
/// overhead is negligible, small enough to balance across threads.
pub(crate) const CHUNK_CELLS: usize = 8192;
