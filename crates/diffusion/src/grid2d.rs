//! The 2-D simulation, its kernel, and the published initial grid.

use kernels_core::memory::advise_huge_pages;
use kernels_core::{Backend, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use ndarray::{Array, Array1, Array2, ArrayView2, Dimension, s};

use crate::params::{Params, check_values};
use crate::stencil::{self, Blocking, Scratch};
use crate::{Boundary, CHUNK_CELLS};

/// A 2-D diffusion simulation: the grid, a second buffer of the same shape,
/// and validated parameters.
///
/// [`Diffusion2d::step`] computes the next grid into the second buffer and
/// swaps the two, so stepping never allocates. Rows are cut into chunks of
/// [`Diffusion2d::rows_per_chunk`] rows (chosen from the grid width only) and
/// the chunks run on the backend; every cell's update is independent, so the
/// result is the same bit for bit on every backend, schedule and thread count.
///
/// ```
/// use diffusion::{Boundary, Diffusion2d};
/// use kernels_core::{Parallel, Serial};
/// use ndarray::Array2;
///
/// let mut initial = Array2::zeros((8, 8));
/// initial[[4, 4]] = 1.0;
/// let mut a = Diffusion2d::new(initial.clone(), 1.0, 0.2, Boundary::Periodic)?;
/// let mut b = Diffusion2d::new(initial, 1.0, 0.2, Boundary::Periodic)?;
/// a.run::<Serial>(10);
/// b.run::<Parallel>(10);
/// assert_eq!(a.grid(), b.grid());
/// assert!((a.grid().sum() - 1.0).abs() < 1e-15); // periodic: total conserved
/// assert_eq!(a.steps_done(), 10);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Diffusion2d {
    current: Array2<f64>,
    next: Array2<f64>,
    params: Params,
    coefficient: f64,
    rows_per_chunk: usize,
    blocking: Blocking,
    isa: Isa,
    steps_done: u64,
}

/// Clones keep both buffers starting on a cache line (a derived clone
/// would not), so a cloned simulation runs as fast as the original. Only
/// the grid is copied: the second buffer is scratch that every step
/// overwrites, so a clone starts it fresh (with the fixed edges, which no
/// step writes), which halves the memory a clone copies.
///
/// ```
/// use diffusion::{Boundary, Diffusion2d};
/// use kernels_core::Serial;
/// let mut a = Diffusion2d::new(diffusion::published_initial(16, 16), 1.0, 0.2, Boundary::Fixed)?;
/// let mut b = a.clone();
/// a.run::<Serial>(5);
/// b.run::<Serial>(5);
/// assert_eq!(a.grid(), b.grid());
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Clone for Diffusion2d {
    fn clone(&self) -> Self {
        Diffusion2d {
            current: aligned_copy(self.current.view()),
            next: second_buffer(&self.current, self.params.boundary),
            ..*self
        }
    }
}

impl Diffusion2d {
    /// The 2-D stability limit for spacing 1: `D·dt·(1 + 1) ≤ 1/2`.
    ///
    /// ```
    /// assert_eq!(diffusion::Diffusion2d::MAX_D_DT, 0.25);
    /// ```
    pub const MAX_D_DT: f64 = 0.25;

    /// Starts a simulation from `initial` (row index = y), with diffusion
    /// coefficient `d`, time step `dt` and the given boundary.
    ///
    /// Sizes: periodic grids need at least 1 × 1 cells (a 1-cell axis wraps
    /// onto itself); fixed grids at least 3 × 3 (smaller grids have no
    /// interior cell). Any memory layout is accepted; the grid is stored in
    /// standard (row-major) layout.
    ///
    /// # Errors
    /// * `"d"`, `"dt"`: not finite, or not > 0;
    /// * `"D·dt"`: above [`Diffusion2d::MAX_D_DT`] (unstable scheme);
    /// * `"rows"`, `"cols"`: fewer than [`Boundary::min_len`] cells;
    /// * `"initial"`: a value that is not finite or whose magnitude exceeds
    ///   1e300 (so no intermediate sum can overflow).
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use ndarray::Array2;
    /// let err = Diffusion2d::new(Array2::zeros((4, 4)), 1.0, 0.3, Boundary::Fixed).unwrap_err();
    /// assert_eq!(err.parameter(), "D·dt");
    /// let err = Diffusion2d::new(Array2::zeros((2, 4)), 1.0, 0.1, Boundary::Fixed).unwrap_err();
    /// assert_eq!(err.parameter(), "rows");
    /// assert!(Diffusion2d::new(Array2::zeros((2, 4)), 1.0, 0.1, Boundary::Periodic).is_ok());
    /// ```
    pub fn new(initial: Array2<f64>, d: f64, dt: f64, boundary: Boundary) -> Result<Self> {
        Self::with_params(initial, Params::new(d, dt, boundary)?)
    }

    /// Like [`Diffusion2d::new`], with parameters checked beforehand.
    ///
    /// # Errors
    /// As [`Diffusion2d::new`], except for the checks [`Params::new`] did.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d, Params};
    /// let params = Params::new(1.0, 0.1, Boundary::Periodic)?;
    /// let sim = Diffusion2d::with_params(ndarray::Array2::ones((3, 5)), params)?;
    /// assert_eq!(sim.grid().dim(), (3, 5));
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_params(initial: Array2<f64>, params: Params) -> Result<Self> {
        let coefficient = params.stable_coefficient(Self::MAX_D_DT, "2-D")?;
        let (rows, cols) = initial.dim();
        let min = params.boundary.min_len();
        validate::at_least("rows", rows, min)?;
        validate::at_least("cols", cols, min)?;
        check_values("initial", initial.iter().copied())?;
        Ok(Self::from_validated(initial, params, coefficient))
    }

    /// Builds the simulation from inputs already known to be valid.
    pub(crate) fn from_validated(initial: Array2<f64>, params: Params, coefficient: f64) -> Self {
        let current = aligned_copy(initial.view());
        let (rows, cols) = current.dim();
        Diffusion2d {
            next: second_buffer(&current, params.boundary),
            current,
            params,
            coefficient,
            rows_per_chunk: (CHUNK_CELLS / cols.max(1)).max(1),
            blocking: Blocking::for_grid(rows, cols),
            isa: Isa::selected(),
            steps_done: 0,
        }
    }

    /// Sets how many rows each parallel chunk updates (default: as many as
    /// fit in 8192 cells, at least one). Only timing depends on it.
    ///
    /// # Errors
    /// `"rows_per_chunk"` if `rows` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((512, 512)), 1.0, 0.1, Boundary::Periodic)?;
    /// assert_eq!(sim.rows_per_chunk(), 16);
    /// assert_eq!(sim.with_rows_per_chunk(4)?.rows_per_chunk(), 4);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_rows_per_chunk(mut self, rows: usize) -> Result<Self> {
        self.rows_per_chunk = validate::at_least("rows_per_chunk", rows, 1)?;
        Ok(self)
    }

    /// How many rows each parallel chunk updates.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((4, 10_000)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.rows_per_chunk(), 1);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn rows_per_chunk(&self) -> usize {
        self.rows_per_chunk
    }

    /// Advances one time step on backend `B` with [`Schedule::Static`] (every
    /// row costs the same). Allocation-free: writes the second buffer, then
    /// swaps.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use kernels_core::Serial;
    /// let mut initial = ndarray::Array2::zeros((3, 3));
    /// initial[[1, 1]] = 1.0;
    /// let mut sim = Diffusion2d::new(initial, 1.0, 0.25, Boundary::Fixed)?;
    /// sim.step::<Serial>();
    /// assert_eq!(sim.grid()[[1, 1]], 0.0); // 1 + 0.25·(0 + 0 + 0 + 0 − 4)
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn step<B: Backend>(&mut self) {
        self.step_with::<B>(Schedule::Static);
    }

    /// Advances one time step on backend `B` with the given schedule.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use kernels_core::{Parallel, Schedule};
    /// let mut sim = Diffusion2d::new(ndarray::Array2::ones((5, 5)), 1.0, 0.1, Boundary::Periodic)?;
    /// sim.step_with::<Parallel>(Schedule::Dynamic);
    /// assert!(sim.grid().iter().all(|&u| u == 1.0)); // a constant is a fixed point
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn step_with<B: Backend>(&mut self, schedule: Schedule) {
        let shape = self.current.dim();
        swap_after(&mut self.current, &mut self.next, |input, output| {
            stencil::step_2d::<B>(
                self.isa,
                input,
                output,
                shape,
                self.coefficient,
                self.params.boundary,
                self.rows_per_chunk,
                schedule,
            );
        });
        self.steps_done += 1;
    }

    /// Advances `steps` time steps on backend `B` ([`Schedule::Static`]).
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use kernels_core::Serial;
    /// let mut sim = Diffusion2d::new(diffusion::published_initial(20, 20), 1.0, 0.1, Boundary::Periodic)?;
    /// let before = sim.grid().sum();
    /// sim.run::<Serial>(50);
    /// assert!((sim.grid().sum() - before).abs() < 1e-15);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn run<B: Backend>(&mut self, steps: u64) {
        self.run_with::<B>(steps, Schedule::Static);
    }

    /// Advances `steps` time steps on backend `B` with the given schedule.
    ///
    /// The schedule groups the row chunks of runs that step one step per
    /// pass ([`Diffusion2d::with_time_block`]`(1)`, or a single step). Runs
    /// that fuse several steps per pass start each band as soon as its
    /// neighbour bands are done with the pass before
    /// ([`Backend::for_each_pass_chunk`]), whatever the schedule. Either
    /// way the result is the same, bit for bit.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use kernels_core::{Parallel, Schedule};
    /// let mut sim = Diffusion2d::new(ndarray::Array2::zeros((6, 6)), 1.0, 0.1, Boundary::Fixed)?;
    /// sim.run_with::<Parallel>(3, Schedule::Guided);
    /// assert_eq!(sim.steps_done(), 3);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn run_with<B: Backend>(&mut self, steps: u64, schedule: Schedule) {
        let time_block = (self.blocking.time_block as u64).min(steps) as usize;
        if time_block <= 1 {
            for _ in 0..steps {
                self.step_with::<B>(schedule);
            }
            return;
        }
        let shape = self.current.dim();
        let (rows, cols) = shape;
        let blocking = Blocking {
            time_block,
            band_rows: self.blocking.band_rows.min(rows),
            strip_cols: self.blocking.strip_cols,
        };
        // One scratch buffer per thread that can run a band, once per run.
        let slots = B::threads().clamp(1, rows.div_ceil(blocking.band_rows));
        let scratch = Scratch::for_run(slots, blocking, cols);
        update_buffers(&mut self.current, &mut self.next, |current, next| {
            stencil::passes_2d::<B>(
                self.isa,
                (current, next),
                shape,
                self.coefficient,
                self.params.boundary,
                steps,
                blocking,
                &scratch,
            )
        });
        self.steps_done += steps;
    }

    /// Sets how many steps [`Diffusion2d::run`] fuses into one pass over
    /// memory (temporal blocking; 1 = one pass per step). The default
    /// depends on the grid width only (up to 16, fewer for very wide grids
    /// so a band's intermediate rows stay in cache). Only timing depends on
    /// it: every value is the same bit for bit.
    ///
    /// # Errors
    /// `"time_block"` if `steps` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d, published_initial};
    /// use kernels_core::Serial;
    /// let initial = published_initial(40, 40);
    /// let mut fused = Diffusion2d::new(initial.clone(), 1.0, 0.2, Boundary::Fixed)?.with_time_block(5)?;
    /// let mut plain = Diffusion2d::new(initial, 1.0, 0.2, Boundary::Fixed)?.with_time_block(1)?;
    /// assert_eq!(fused.time_block(), 5);
    /// fused.run::<Serial>(12);
    /// plain.run::<Serial>(12);
    /// assert_eq!(fused.grid(), plain.grid());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_time_block(mut self, steps: usize) -> Result<Self> {
        self.blocking.time_block = validate::at_least("time_block", steps, 1)?;
        Ok(self)
    }

    /// Steps fused into one pass over memory by [`Diffusion2d::run`].
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((512, 512)), 1.0, 0.1, Boundary::Periodic)?;
    /// assert_eq!(sim.time_block(), 16); // a 512-wide band's ring goes to L2, deep
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn time_block(&self) -> usize {
        self.blocking.time_block
    }

    /// Sets how many output rows each band of a fused pass covers (the
    /// parallel chunks of [`Diffusion2d::run`]; the default depends on the
    /// grid size only). Only timing depends on it.
    ///
    /// # Errors
    /// `"band_rows"` if `rows` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((64, 64)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.with_band_rows(10)?.band_rows(), 10);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_band_rows(mut self, rows: usize) -> Result<Self> {
        self.blocking.band_rows = validate::at_least("band_rows", rows, 1)?;
        Ok(self)
    }

    /// Output rows per band of a fused pass.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((512, 512)), 1.0, 0.1, Boundary::Periodic)?;
    /// assert_eq!(sim.band_rows(), 128); // 4 bands: 2 per thread on 2 cores
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn band_rows(&self) -> usize {
        self.blocking.band_rows
    }

    /// Sets about how many output columns each tile of a band of a fused
    /// pass covers: the band is cut into near-equal strips of at most about
    /// this width (inner edges on multiples of 8 columns), each advanced
    /// [`time_block`](Diffusion2d::time_block) steps on its own, with a
    /// halo of `T` columns recomputed on each side. A run cut into strips
    /// works on two copies of the grid that store each strip with its halo
    /// (each row about `2·T` columns per strip longer), allocated per run.
    /// Narrow strips keep their intermediate rows in L1, but only for a
    /// shallow `T`; the default (whole rows, for every grid size so far) is
    /// the one that measured fastest on the project's machine. Only timing
    /// and memory depend on it.
    ///
    /// # Errors
    /// `"strip_cols"` if `cols` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((64, 64)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.with_strip_cols(16)?.strip_cols(), 16);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_strip_cols(mut self, cols: usize) -> Result<Self> {
        self.blocking.strip_cols = validate::at_least("strip_cols", cols, 1)?;
        Ok(self)
    }

    /// About how many output columns each tile of a fused pass covers.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::zeros((512, 512)), 1.0, 0.1, Boundary::Periodic)?;
    /// assert_eq!(sim.strip_cols(), 512);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn strip_cols(&self) -> usize {
        self.blocking.strip_cols
    }

    /// The current grid.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::ones((3, 4)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.grid().dim(), (3, 4));
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn grid(&self) -> ArrayView2<'_, f64> {
        self.current.view()
    }

    /// Consumes the simulation and returns the current grid.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::ones((3, 4)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.into_grid(), ndarray::Array2::<f64>::ones((3, 4)));
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn into_grid(self) -> Array2<f64> {
        self.current
    }

    /// How many steps have been taken since construction.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// use kernels_core::Serial;
    /// let mut sim = Diffusion2d::new(ndarray::Array2::ones((3, 3)), 1.0, 0.1, Boundary::Fixed)?;
    /// sim.step::<Serial>();
    /// assert_eq!(sim.steps_done(), 1);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// The validated parameters.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::ones((3, 3)), 2.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.params().d(), 2.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn params(&self) -> &Params {
        &self.params
    }

    /// Cells updated per step: all of them for periodic boundaries, the
    /// interior `(rows − 2)·(cols − 2)` for fixed ones.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion2d};
    /// let sim = Diffusion2d::new(ndarray::Array2::ones((4, 5)), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.updated_cells(), 6);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn updated_cells(&self) -> u64 {
        let (rows, cols) = self.current.dim();
        match self.params.boundary {
            Boundary::Periodic => (rows * cols) as u64,
            Boundary::Fixed => ((rows - 2) * (cols - 2)) as u64,
        }
    }
}

/// The instruction set of the row loops: [`Isa::selected`] by default.
///
/// ```
/// use diffusion::{Boundary, Diffusion2d};
/// use kernels_core::{Isa, Serial, Vectorized};
/// let initial = diffusion::published_initial(24, 24);
/// let mut expected = Diffusion2d::new(initial.clone(), 1.0, 0.1, Boundary::Periodic)?.with_isa(Isa::Scalar)?;
/// expected.run::<Serial>(9);
/// for isa in Isa::supported() {
///     let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.1, Boundary::Periodic)?.with_isa(isa)?;
///     assert_eq!(sim.isa(), isa);
///     sim.run::<Serial>(9);
///     assert_eq!(sim.grid(), expected.grid()); // the same bits on every ISA
/// }
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Vectorized for Diffusion2d {
    fn isa(&self) -> Isa {
        self.isa
    }

    fn with_isa(mut self, isa: Isa) -> Result<Self> {
        self.isa = isa.require()?;
        Ok(self)
    }
}

/// `values` in standard (row-major, contiguous) layout, copied only if
/// they are not already; how both simulations store their initial values.
pub(crate) fn standard_layout<D: Dimension>(values: Array<f64, D>) -> Array<f64, D> {
    if values.is_standard_layout() {
        values
    } else {
        values.as_standard_layout().into_owned()
    }
}

/// Bytes in a cache line: grid buffers and scratch rows start on one.
const CACHE_LINE_BYTES: usize = 64;

/// Values per cache line.
pub(crate) const LINE: usize = CACHE_LINE_BYTES / 8;

/// A standard-layout copy of `values` whose first value starts on a cache
/// line. With rows a multiple of 8 values long, every row then starts on
/// a line, like the scratch rows of a fused pass, so the vector loops'
/// aligned stores line up with aligned loads of the same columns instead
/// of every load straddling two lines (measured: split loads cost up to
/// half the speed of the L1-resident row loop).
///
/// Large grids are advised onto huge pages before the copy writes them
/// ([`advise_huge_pages`]).
pub(crate) fn aligned_copy(values: ArrayView2<'_, f64>) -> Array2<f64> {
    let (rows, cols) = values.dim();
    let mut buffer: Vec<f64> = Vec::with_capacity(rows * cols + LINE - 1);
    advise_huge_pages(buffer.spare_capacity_mut());
    let skip = line_offset(&buffer);
    buffer.resize(skip, 0.0);
    match values.as_slice() {
        Some(flat) => buffer.extend_from_slice(flat),
        None => buffer.extend(values.iter().copied()),
    }
    on_line(buffer, skip, (rows, cols))
}

/// How many values of `buffer` to skip so that the next one starts on a
/// cache line: at most `LINE − 1`, which callers leave room for (should
/// the start be impossible to align, the buffer stays unaligned, which only
/// costs speed).
pub(crate) fn line_offset(buffer: &[f64]) -> usize {
    buffer.as_ptr().align_offset(CACHE_LINE_BYTES).min(LINE - 1)
}

/// Zeros for `len` values from index `skip` of the returned buffer, where
/// they start on a cache line ([`line_offset`]). `vec!` of zeros asks the
/// allocator for zeroed memory, which for large sizes is fresh pages that
/// nobody writes until the first use, advised onto huge pages before that
/// ([`advise_huge_pages`]).
pub(crate) fn aligned_zeros(len: usize) -> (Vec<f64>, usize) {
    let mut buffer = vec![0.0; len + LINE - 1];
    advise_huge_pages(&mut buffer);
    let skip = line_offset(&buffer);
    (buffer, skip)
}

/// The `rows × cols` grid stored in `buffer` from index `skip`.
fn on_line(buffer: Vec<f64>, skip: usize, (rows, cols): (usize, usize)) -> Array2<f64> {
    Array1::from_vec(buffer)
        .slice_move(s![skip..skip + rows * cols])
        .into_shape_with_order((rows, cols))
        .expect("rows × cols values in standard order")
}

/// The second buffer of a simulation whose grid is `current`, starting on a
/// cache line like [`aligned_copy`]. Every step overwrites its interior
/// (and, for periodic boundaries, its edges), so it is not a copy: zeros
/// from fresh memory that no pass over it costs (large grids advised onto
/// huge pages before the first step touches them), plus, for fixed
/// boundaries, the edge values of `current`, which no step writes.
pub(crate) fn second_buffer(current: &Array2<f64>, boundary: Boundary) -> Array2<f64> {
    let (rows, cols) = current.dim();
    let (buffer, skip) = aligned_zeros(rows * cols);
    let mut next = on_line(buffer, skip, (rows, cols));
    if boundary == Boundary::Fixed && rows > 0 && cols > 0 {
        for row in [0, rows - 1] {
            next.row_mut(row).assign(&current.row(row));
        }
        for col in [0, cols - 1] {
            next.column_mut(col).assign(&current.column(col));
        }
    }
    next
}

/// One double-buffered update, shared by both simulations: `update` reads
/// `current` and writes `next` (both as flat slices), then the two swap.
#[inline(always)]
pub(crate) fn swap_after<D: Dimension>(
    current: &mut Array<f64, D>,
    next: &mut Array<f64, D>,
    update: impl FnOnce(&[f64], &mut [f64]),
) {
    update_buffers(current, next, |current, next| {
        update(current, next);
        true
    });
}

/// Runs `update` on both buffers as flat slices and swaps them if it
/// returns `true` (the result is in `next`).
///
/// Cannot fail: `from_validated` stores the values through
/// [`standard_layout`] and the second buffer is a clone of them; the
/// buffers are only ever swapped, never reshaped.
#[inline(always)]
pub(crate) fn update_buffers<D: Dimension>(
    current: &mut Array<f64, D>,
    next: &mut Array<f64, D>,
    update: impl FnOnce(&mut [f64], &mut [f64]) -> bool,
) {
    const INVARIANT: &str = "both buffers are kept in standard layout";
    if update(
        current.as_slice_mut().expect(INVARIANT),
        next.as_slice_mut().expect(INVARIANT),
    ) {
        std::mem::swap(current, next);
    }
}

/// The work of `updates` cell-updates at `flops` flops each, for both
/// simulations: 16 bytes each (one 8-byte read and one 8-byte write, the
/// naive streaming count: neighbours are assumed to hit in cache).
pub(crate) fn cell_updates(updates: u64, flops: u64) -> Work {
    Work::new(updates, "cell-updates")
        .with_flops(flops * updates)
        .with_bytes(16 * updates)
}

/// The published initial grid: `n × m` zeros with the block of rows
/// `[⌊0.4·n⌋, ⌊0.5·n⌋)` and columns `[⌊0.4·m⌋, ⌊0.5·m⌋)` set to 0.005
/// (the Python `block_low = int(N * 0.4)`, `block_high = int(N * 0.5)`).
///
/// # Panics
/// Panics if `n · m` cells of `f64` do not fit in memory (as
/// [`Array2::zeros`] does).
///
/// ```
/// let u = diffusion::published_initial(512, 512);
/// assert_eq!(u[[204, 204]], 0.005);
/// assert_eq!(u[[203, 204]], 0.0);
/// assert_eq!(u[[255, 255]], 0.005);
/// assert_eq!(u[[256, 255]], 0.0);
/// assert_eq!(u.iter().filter(|&&x| x != 0.0).count(), 52 * 52);
/// ```
#[must_use]
pub fn published_initial(n: usize, m: usize) -> Array2<f64> {
    let mut grid = Array2::zeros((n, m));
    let (rows, cols) = (block(n), block(m));
    grid.slice_mut(ndarray::s![rows, cols]).fill(0.005);
    grid
}

/// The published block `[⌊0.4·n⌋, ⌊0.5·n⌋)`, in exact integer arithmetic.
pub(crate) fn block(n: usize) -> std::ops::Range<usize> {
    let low = n / 5 * 2 + n % 5 * 2 / 5;
    low..n / 2
}

/// The 2-D diffusion case as a [`Kernel`]: an initial grid, parameters and a
/// number of steps; a run returns the final grid.
/// A run clones the initial state (two buffers, allocated once per run,
/// never per step) and steps it.
///
/// Work: one *cell-update* per updated cell per step, 7 flops each (3 adds
/// for the neighbours, `4·u`, the subtraction, the multiplication by `D·dt`,
/// the final add) and 16 bytes each (one 8-byte read and one 8-byte write,
/// the naive streaming count: neighbours are assumed to hit in cache).
///
/// ```
/// use diffusion::{Boundary, Case2d};
/// use kernels_core::{Kernel, Parallel, Serial};
/// let case = Case2d::new(diffusion::published_initial(64, 64), 1.0, 0.1, Boundary::Periodic, 20)?;
/// let grid = case.run::<Serial>();
/// assert_eq!(grid, case.run::<Parallel>());
/// assert_eq!(case.work(&grid).items, 64 * 64 * 20);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Case2d {
    start: Diffusion2d,
    steps: u64,
}

impl Case2d {
    /// A case of `steps` steps from `initial`.
    ///
    /// # Errors
    /// As [`Diffusion2d::new`].
    ///
    /// ```
    /// use diffusion::{Boundary, Case2d};
    /// let err = Case2d::new(ndarray::Array2::zeros((8, 8)), 1.0, 1.0, Boundary::Periodic, 5).unwrap_err();
    /// assert_eq!(err.parameter(), "D·dt");
    /// ```
    pub fn new(
        initial: Array2<f64>,
        d: f64,
        dt: f64,
        boundary: Boundary,
        steps: u64,
    ) -> Result<Self> {
        Ok(Case2d {
            start: Diffusion2d::new(initial, d, dt, boundary)?,
            steps,
        })
    }

    /// The published case: [`published_initial`]`(512, 512)`, `D = 1`,
    /// `dt = 0.1`, 500 steps, with the given boundary.
    ///
    /// ```
    /// use diffusion::{Boundary, Case2d};
    /// let case = Case2d::published(Boundary::Periodic);
    /// assert_eq!(case.steps(), 500);
    /// assert_eq!(case.initial().dim(), (512, 512));
    /// assert!((case.initial().sum() - 13.52).abs() < 1e-12); // 52 · 52 · 0.005
    /// ```
    #[must_use]
    pub fn published(boundary: Boundary) -> Self {
        let params = Params::published(boundary);
        Case2d {
            start: Diffusion2d::from_validated(
                published_initial(512, 512),
                params,
                params.coefficient(),
            ),
            steps: 500,
        }
    }

    /// Sets how many rows each parallel chunk updates (see
    /// [`Diffusion2d::with_rows_per_chunk`]).
    ///
    /// # Errors
    /// `"rows_per_chunk"` if `rows` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Case2d};
    /// let case = Case2d::published(Boundary::Fixed).with_rows_per_chunk(64)?;
    /// assert_eq!(case.rows_per_chunk(), 64);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_rows_per_chunk(mut self, rows: usize) -> Result<Self> {
        self.start = self.start.with_rows_per_chunk(rows)?;
        Ok(self)
    }

    /// How many rows each parallel chunk updates.
    ///
    /// ```
    /// assert_eq!(diffusion::Case2d::published(diffusion::Boundary::Fixed).rows_per_chunk(), 16);
    /// ```
    #[must_use]
    pub const fn rows_per_chunk(&self) -> usize {
        self.start.rows_per_chunk()
    }

    /// Sets how many steps a run fuses into one pass over memory (see
    /// [`Diffusion2d::with_time_block`]).
    ///
    /// # Errors
    /// `"time_block"` if `steps` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Case2d};
    /// use kernels_core::{Kernel, Serial};
    /// let case = Case2d::new(diffusion::published_initial(30, 30), 1.0, 0.1, Boundary::Periodic, 10)?;
    /// let plain = case.clone().with_time_block(1)?;
    /// assert_eq!(case.with_time_block(4)?.run::<Serial>(), plain.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_time_block(mut self, steps: usize) -> Result<Self> {
        self.start = self.start.with_time_block(steps)?;
        Ok(self)
    }

    /// Steps fused into one pass over memory.
    ///
    /// ```
    /// assert_eq!(diffusion::Case2d::published(diffusion::Boundary::Fixed).time_block(), 16);
    /// ```
    #[must_use]
    pub const fn time_block(&self) -> usize {
        self.start.time_block()
    }

    /// Sets how many output rows each band of a fused pass covers (see
    /// [`Diffusion2d::with_band_rows`]).
    ///
    /// # Errors
    /// `"band_rows"` if `rows` is 0.
    ///
    /// ```
    /// let case = diffusion::Case2d::published(diffusion::Boundary::Fixed).with_band_rows(100)?;
    /// assert_eq!(case.band_rows(), 100);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_band_rows(mut self, rows: usize) -> Result<Self> {
        self.start = self.start.with_band_rows(rows)?;
        Ok(self)
    }

    /// Output rows per band of a fused pass.
    ///
    /// ```
    /// assert_eq!(diffusion::Case2d::published(diffusion::Boundary::Fixed).band_rows(), 128);
    /// ```
    #[must_use]
    pub const fn band_rows(&self) -> usize {
        self.start.band_rows()
    }

    /// Sets about how many columns each tile of a fused pass covers (see
    /// [`Diffusion2d::with_strip_cols`]).
    ///
    /// # Errors
    /// `"strip_cols"` if `cols` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Case2d, published_initial};
    /// use kernels_core::{Kernel, Serial};
    /// let case = Case2d::new(published_initial(40, 50), 1.0, 0.2, Boundary::Periodic, 9)?;
    /// let plain = case.clone().with_time_block(1)?;
    /// let strips = case.with_time_block(4)?.with_strip_cols(16)?;
    /// assert_eq!(strips.strip_cols(), 16);
    /// assert_eq!(strips.run::<Serial>(), plain.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_strip_cols(mut self, cols: usize) -> Result<Self> {
        self.start = self.start.with_strip_cols(cols)?;
        Ok(self)
    }

    /// About how many columns each tile of a fused pass covers.
    ///
    /// ```
    /// assert_eq!(diffusion::Case2d::published(diffusion::Boundary::Fixed).strip_cols(), 512);
    /// ```
    #[must_use]
    pub const fn strip_cols(&self) -> usize {
        self.start.strip_cols()
    }

    /// The initial grid.
    ///
    /// ```
    /// let case = diffusion::Case2d::published(diffusion::Boundary::Fixed);
    /// assert_eq!(case.initial()[[230, 230]], 0.005);
    /// ```
    #[must_use]
    pub fn initial(&self) -> ArrayView2<'_, f64> {
        self.start.grid()
    }

    /// The number of steps a run takes.
    ///
    /// ```
    /// assert_eq!(diffusion::Case2d::published(diffusion::Boundary::Fixed).steps(), 500);
    /// ```
    #[must_use]
    pub const fn steps(&self) -> u64 {
        self.steps
    }

    /// The validated parameters.
    ///
    /// ```
    /// let case = diffusion::Case2d::published(diffusion::Boundary::Fixed);
    /// assert_eq!((case.params().d(), case.params().dt()), (1.0, 0.1));
    /// ```
    #[must_use]
    pub const fn params(&self) -> &Params {
        self.start.params()
    }
}

/// The instruction set of the row loops (see [`Diffusion2d`]'s impl).
///
/// ```
/// use diffusion::{Boundary, Case2d};
/// use kernels_core::{Isa, Kernel, Serial, Vectorized};
/// let case = Case2d::new(diffusion::published_initial(20, 20), 1.0, 0.1, Boundary::Fixed, 6)?;
/// let expected = case.clone().with_isa(Isa::Scalar)?.run::<Serial>();
/// for isa in Isa::supported() {
///     assert_eq!(case.clone().with_isa(isa)?.run::<Serial>(), expected);
/// }
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Vectorized for Case2d {
    fn isa(&self) -> Isa {
        self.start.isa()
    }

    fn with_isa(mut self, isa: Isa) -> Result<Self> {
        self.start = self.start.with_isa(isa)?;
        Ok(self)
    }
}

impl Kernel for Case2d {
    type Output = Array2<f64>;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array2<f64> {
        let mut sim = self.start.clone();
        sim.run_with::<B>(self.steps, schedule);
        sim.into_grid()
    }

    /// Every row costs the same, so equal static blocks balance perfectly
    /// (blocked runs follow their bands' dependencies instead; see
    /// [`Diffusion2d::run_with`]).
    fn default_schedule(&self) -> Schedule {
        Schedule::Static
    }

    fn work(&self, _output: &Array2<f64>) -> Work {
        cell_updates(self.start.updated_cells() * self.steps, 7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_buffers_start_on_a_cache_line_after_new_clone_and_runs() {
        let aligned = |sim: &Diffusion2d| {
            [&sim.current, &sim.next]
                .iter()
                .all(|b| b.as_ptr().align_offset(CACHE_LINE_BYTES) == 0)
        };
        // A transposed (non-standard) input is copied in row-major order.
        let initial = published_initial(24, 40).reversed_axes();
        let mut sim =
            Diffusion2d::new(initial.clone(), 1.0, 0.2, crate::Boundary::Periodic).expect("valid");
        assert!(aligned(&sim));
        assert_eq!(sim.grid(), initial);
        let copy = sim.clone();
        assert!(aligned(&copy));
        sim.run::<kernels_core::Serial>(7);
        assert!(aligned(&sim));
        assert_eq!(sim.grid().dim(), (40, 24));
        let grid = sim.into_grid();
        assert_eq!(grid.as_slice().map(<[f64]>::len), Some(40 * 24));
    }

    #[test]
    fn the_fresh_second_buffer_holds_the_fixed_edges_and_clones_run_like_the_original() {
        // Non-zero values everywhere, edges included, so a second buffer
        // missing an edge (or any stale value read from it) shows.
        let initial = Array2::from_shape_fn((37, 45), |(i, j)| ((i * 7 + j * 3) % 11) as f64 + 1.0);
        for boundary in Boundary::ALL {
            let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.2, boundary).expect("valid");
            let next = second_buffer(&sim.current, boundary);
            assert_eq!(next.as_ptr().align_offset(CACHE_LINE_BYTES), 0);
            let edges_kept = (0..37)
                .all(|i| next[[i, 0]] == initial[[i, 0]] && next[[i, 44]] == initial[[i, 44]])
                && (0..45)
                    .all(|j| next[[0, j]] == initial[[0, j]] && next[[36, j]] == initial[[36, j]]);
            assert_eq!(edges_kept, boundary == Boundary::Fixed, "{boundary:?}");
            sim.run::<kernels_core::Serial>(3);
            let mut copy = sim.clone();
            for steps in [1, 4, 9] {
                sim.run::<kernels_core::Serial>(steps);
                copy.run::<kernels_core::Parallel>(steps);
                assert_eq!(sim.grid(), copy.grid(), "{boundary:?}");
            }
            let expected = crate::reference::run_2d(initial.view(), 1.0, 0.2, boundary, 17);
            assert_eq!(copy.grid(), expected, "{boundary:?}");
        }
    }

    #[test]
    fn block_is_the_python_int_of_0_4_n_and_0_5_n() {
        for n in 0..5000_usize {
            let python_low = (n as f64 * 0.4) as usize;
            let python_high = (n as f64 * 0.5) as usize;
            assert_eq!(block(n), python_low..python_high, "n = {n}");
        }
        assert_eq!(block(512), 204..256);
    }

    #[test]
    fn published_initial_uses_n_for_rows_and_m_for_cols() {
        let u = published_initial(100, 50);
        assert_eq!(u.dim(), (100, 50));
        let rows: Vec<usize> = (0..100).filter(|&i| u.row(i).sum() > 0.0).collect();
        let cols: Vec<usize> = (0..50).filter(|&j| u.column(j).sum() > 0.0).collect();
        assert_eq!(rows, (40..50).collect::<Vec<_>>());
        assert_eq!(cols, (20..25).collect::<Vec<_>>());
    }

    #[test]
    fn published_case_passes_validation() {
        for boundary in Boundary::ALL {
            let published = Case2d::published(boundary);
            let validated = Case2d::new(published_initial(512, 512), 1.0, 0.1, boundary, 500);
            assert_eq!(validated.unwrap().params(), published.params());
        }
    }
}
