//! The 1-D simulation, its kernel, and its initial condition.

use kernels_core::{Backend, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use ndarray::{Array1, ArrayView1};

use crate::grid2d::{block, cell_updates, standard_layout, swap_after};
use crate::params::{Params, check_values};
use crate::stencil;
use crate::{Boundary, CHUNK_CELLS};

/// A 1-D diffusion simulation: `u'[i] = u[i] + D·dt·(u[i−1] + u[i+1] − 2·u[i])`,
/// double-buffered like [`crate::Diffusion2d`].
///
/// ```
/// use diffusion::{Boundary, Diffusion1d};
/// use kernels_core::{Parallel, Serial};
/// use ndarray::Array1;
///
/// let mut initial = Array1::zeros(16);
/// initial[8] = 1.0;
/// let mut a = Diffusion1d::new(initial.clone(), 1.0, 0.4, Boundary::Periodic)?;
/// let mut b = Diffusion1d::new(initial, 1.0, 0.4, Boundary::Periodic)?;
/// a.run::<Serial>(10);
/// b.run::<Parallel>(10);
/// assert_eq!(a.grid(), b.grid());
/// assert!((a.grid().sum() - 1.0).abs() < 1e-15);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Diffusion1d {
    current: Array1<f64>,
    next: Array1<f64>,
    params: Params,
    coefficient: f64,
    chunk_len: usize,
    isa: Isa,
    steps_done: u64,
}

impl Diffusion1d {
    /// The 1-D stability limit for spacing 1: `D·dt ≤ 1/2`.
    ///
    /// ```
    /// assert_eq!(diffusion::Diffusion1d::MAX_D_DT, 0.5);
    /// ```
    pub const MAX_D_DT: f64 = 0.5;

    /// Starts a simulation from `initial` with diffusion coefficient `d`,
    /// time step `dt` and the given boundary. Periodic lines need at least 1
    /// cell, fixed ones at least 3.
    ///
    /// # Errors
    /// * `"d"`, `"dt"`: not finite, or not > 0;
    /// * `"D·dt"`: above [`Diffusion1d::MAX_D_DT`] (unstable scheme);
    /// * `"len"`: fewer than [`Boundary::min_len`] cells;
    /// * `"initial"`: a value that is not finite or whose magnitude exceeds 1e300.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use ndarray::Array1;
    /// let err = Diffusion1d::new(Array1::zeros(8), 1.0, 0.6, Boundary::Periodic).unwrap_err();
    /// assert_eq!(err.parameter(), "D·dt");
    /// let err = Diffusion1d::new(Array1::zeros(2), 1.0, 0.1, Boundary::Fixed).unwrap_err();
    /// assert_eq!(err.parameter(), "len");
    /// ```
    pub fn new(initial: Array1<f64>, d: f64, dt: f64, boundary: Boundary) -> Result<Self> {
        Self::with_params(initial, Params::new(d, dt, boundary)?)
    }

    /// Like [`Diffusion1d::new`], with parameters checked beforehand.
    ///
    /// # Errors
    /// As [`Diffusion1d::new`], except for the checks [`Params::new`] did.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d, Params};
    /// let params = Params::new(1.0, 0.45, Boundary::Fixed)?;
    /// assert!(Diffusion1d::with_params(ndarray::Array1::zeros(5), params).is_ok());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_params(initial: Array1<f64>, params: Params) -> Result<Self> {
        let coefficient = params.stable_coefficient(Self::MAX_D_DT, "1-D")?;
        validate::at_least("len", initial.len(), params.boundary.min_len())?;
        check_values("initial", initial.iter().copied())?;
        Ok(Self::from_validated(initial, params, coefficient))
    }

    /// Builds the simulation from inputs already known to be valid.
    pub(crate) fn from_validated(initial: Array1<f64>, params: Params, coefficient: f64) -> Self {
        let current = standard_layout(initial);
        Diffusion1d {
            // Fixed boundaries never write the end cells: both buffers hold them.
            next: current.clone(),
            current,
            params,
            coefficient,
            chunk_len: CHUNK_CELLS,
            isa: Isa::selected(),
            steps_done: 0,
        }
    }

    /// Sets how many cells each parallel chunk updates (default 8192). Only
    /// timing depends on it.
    ///
    /// # Errors
    /// `"chunk_len"` if `cells` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::zeros(100), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.chunk_len(), 8192);
    /// assert_eq!(sim.with_chunk_len(10)?.chunk_len(), 10);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_chunk_len(mut self, cells: usize) -> Result<Self> {
        self.chunk_len = validate::at_least("chunk_len", cells, 1)?;
        Ok(self)
    }

    /// How many cells each parallel chunk updates.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::zeros(3), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.chunk_len(), 8192);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn chunk_len(&self) -> usize {
        self.chunk_len
    }

    /// Advances one time step on backend `B` ([`Schedule::Static`]), without
    /// allocating: writes the second buffer, then swaps.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use kernels_core::Serial;
    /// let mut sim = Diffusion1d::new(ndarray::array![0.0, 1.0, 0.0], 1.0, 0.5, Boundary::Fixed)?;
    /// sim.step::<Serial>();
    /// assert_eq!(sim.grid().to_vec(), [0.0, 0.0, 0.0]); // 1 + 0.5·(0 + 0 − 2)
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn step<B: Backend>(&mut self) {
        self.step_with::<B>(Schedule::Static);
    }

    /// Advances one time step on backend `B` with the given schedule.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use kernels_core::{Parallel, Schedule};
    /// let mut sim = Diffusion1d::new(ndarray::array![1.0, 0.0], 1.0, 0.25, Boundary::Periodic)?;
    /// sim.step_with::<Parallel>(Schedule::Guided);
    /// assert_eq!(sim.grid().to_vec(), [0.5, 0.5]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn step_with<B: Backend>(&mut self, schedule: Schedule) {
        swap_after(&mut self.current, &mut self.next, |input, output| {
            stencil::step_1d::<B>(
                self.isa,
                input,
                output,
                self.coefficient,
                self.params.boundary,
                self.chunk_len,
                schedule,
            );
        });
        self.steps_done += 1;
    }

    /// Advances `steps` time steps on backend `B` ([`Schedule::Static`]).
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use kernels_core::Serial;
    /// let mut sim = Diffusion1d::new(diffusion::published_initial_1d(100), 1.0, 0.1, Boundary::Periodic)?;
    /// sim.run::<Serial>(100);
    /// assert!((sim.grid().sum() - 10.0 * 0.005).abs() < 1e-15);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn run<B: Backend>(&mut self, steps: u64) {
        self.run_with::<B>(steps, Schedule::Static);
    }

    /// Advances `steps` time steps on backend `B` with the given schedule.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use kernels_core::{Parallel, Schedule};
    /// let mut sim = Diffusion1d::new(ndarray::Array1::zeros(10), 1.0, 0.1, Boundary::Fixed)?;
    /// sim.run_with::<Parallel>(4, Schedule::Dynamic);
    /// assert_eq!(sim.steps_done(), 4);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn run_with<B: Backend>(&mut self, steps: u64, schedule: Schedule) {
        for _ in 0..steps {
            self.step_with::<B>(schedule);
        }
    }

    /// The current values.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::ones(7), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.grid().len(), 7);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn grid(&self) -> ArrayView1<'_, f64> {
        self.current.view()
    }

    /// Consumes the simulation and returns the current values.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::ones(7), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.into_grid(), ndarray::Array1::<f64>::ones(7));
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn into_grid(self) -> Array1<f64> {
        self.current
    }

    /// How many steps have been taken since construction.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// use kernels_core::Serial;
    /// let mut sim = Diffusion1d::new(ndarray::Array1::ones(3), 1.0, 0.1, Boundary::Fixed)?;
    /// sim.run::<Serial>(2);
    /// assert_eq!(sim.steps_done(), 2);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// The validated parameters.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::ones(3), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.params().boundary(), Boundary::Fixed);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn params(&self) -> &Params {
        &self.params
    }

    /// Cells updated per step: all for periodic boundaries, `len − 2` for fixed.
    ///
    /// ```
    /// use diffusion::{Boundary, Diffusion1d};
    /// let sim = Diffusion1d::new(ndarray::Array1::ones(10), 1.0, 0.1, Boundary::Fixed)?;
    /// assert_eq!(sim.updated_cells(), 8);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn updated_cells(&self) -> u64 {
        let n = self.current.len();
        match self.params.boundary {
            Boundary::Periodic => n as u64,
            Boundary::Fixed => (n - 2) as u64,
        }
    }
}

/// The instruction set of the 1-D loop: [`Isa::selected`] by default.
///
/// ```
/// use diffusion::{Boundary, Diffusion1d};
/// use kernels_core::{Isa, Parallel, Vectorized};
/// let initial = diffusion::published_initial_1d(100);
/// let mut expected = Diffusion1d::new(initial.clone(), 1.0, 0.3, Boundary::Fixed)?.with_isa(Isa::Scalar)?;
/// expected.run::<Parallel>(20);
/// for isa in Isa::supported() {
///     let mut sim = Diffusion1d::new(initial.clone(), 1.0, 0.3, Boundary::Fixed)?.with_isa(isa)?;
///     sim.run::<Parallel>(20);
///     assert_eq!((sim.isa(), sim.grid()), (isa, expected.grid()));
/// }
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Vectorized for Diffusion1d {
    fn isa(&self) -> Isa {
        self.isa
    }

    fn with_isa(mut self, isa: Isa) -> Result<Self> {
        self.isa = isa.require()?;
        Ok(self)
    }
}

/// The 1-D analogue of [`crate::published_initial`]: `n` zeros with cells
/// `[⌊0.4·n⌋, ⌊0.5·n⌋)` set to 0.005.
///
/// # Panics
/// Panics if `n` cells of `f64` do not fit in memory (as [`Array1::zeros`] does).
///
/// ```
/// let u = diffusion::published_initial_1d(100);
/// assert_eq!(u.iter().filter(|&&x| x == 0.005).count(), 10);
/// assert_eq!((u[39], u[40], u[49], u[50]), (0.0, 0.005, 0.005, 0.0));
/// ```
#[must_use]
pub fn published_initial_1d(n: usize) -> Array1<f64> {
    let mut line = Array1::zeros(n);
    line.slice_mut(ndarray::s![block(n)]).fill(0.005);
    line
}

/// The 1-D diffusion case as a [`Kernel`]: initial values, parameters and a
/// number of steps; a run returns the final values.
/// A run clones the initial state (two buffers, allocated once per run,
/// never per step) and steps it.
///
/// Work: one *cell-update* per updated cell per step, 5 flops each (the
/// neighbour add, `2·u`, the subtraction, the multiplication by `D·dt`, the
/// final add) and 16 bytes each (one read, one write).
///
/// ```
/// use diffusion::{Boundary, Case1d};
/// use kernels_core::{Kernel, Parallel, Serial};
/// let case = Case1d::new(diffusion::published_initial_1d(1000), 1.0, 0.1, Boundary::Fixed, 50)?;
/// let line = case.run::<Serial>();
/// assert_eq!(line, case.run::<Parallel>());
/// assert_eq!(case.work(&line).items, 998 * 50);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Case1d {
    start: Diffusion1d,
    steps: u64,
}

impl Case1d {
    /// A case of `steps` steps from `initial`.
    ///
    /// # Errors
    /// As [`Diffusion1d::new`].
    ///
    /// ```
    /// use diffusion::{Boundary, Case1d};
    /// let err = Case1d::new(ndarray::Array1::zeros(0), 1.0, 0.1, Boundary::Periodic, 5).unwrap_err();
    /// assert_eq!(err.parameter(), "len");
    /// ```
    pub fn new(
        initial: Array1<f64>,
        d: f64,
        dt: f64,
        boundary: Boundary,
        steps: u64,
    ) -> Result<Self> {
        Ok(Case1d {
            start: Diffusion1d::new(initial, d, dt, boundary)?,
            steps,
        })
    }

    /// The 1-D analogue of the published 2-D case (not itself a published
    /// case): [`published_initial_1d`]`(512 · 512)` (as many cells as the 2-D
    /// grid), `D = 1`, `dt = 0.1`, 500 steps.
    ///
    /// ```
    /// use diffusion::{Boundary, Case1d};
    /// let case = Case1d::published(Boundary::Periodic);
    /// assert_eq!((case.initial().len(), case.steps()), (262_144, 500));
    /// ```
    #[must_use]
    pub fn published(boundary: Boundary) -> Self {
        let params = Params::published(boundary);
        Case1d {
            start: Diffusion1d::from_validated(
                published_initial_1d(512 * 512),
                params,
                params.coefficient(),
            ),
            steps: 500,
        }
    }

    /// Sets how many cells each parallel chunk updates (see
    /// [`Diffusion1d::with_chunk_len`]).
    ///
    /// # Errors
    /// `"chunk_len"` if `cells` is 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Case1d};
    /// let case = Case1d::published(Boundary::Fixed).with_chunk_len(4096)?;
    /// assert_eq!(case.chunk_len(), 4096);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn with_chunk_len(mut self, cells: usize) -> Result<Self> {
        self.start = self.start.with_chunk_len(cells)?;
        Ok(self)
    }

    /// How many cells each parallel chunk updates.
    ///
    /// ```
    /// assert_eq!(diffusion::Case1d::published(diffusion::Boundary::Fixed).chunk_len(), 8192);
    /// ```
    #[must_use]
    pub const fn chunk_len(&self) -> usize {
        self.start.chunk_len()
    }

    /// The initial values.
    ///
    /// ```
    /// let case = diffusion::Case1d::published(diffusion::Boundary::Fixed);
    /// assert_eq!(case.initial()[110_000], 0.005);
    /// ```
    #[must_use]
    pub fn initial(&self) -> ArrayView1<'_, f64> {
        self.start.grid()
    }

    /// The number of steps a run takes.
    ///
    /// ```
    /// assert_eq!(diffusion::Case1d::published(diffusion::Boundary::Fixed).steps(), 500);
    /// ```
    #[must_use]
    pub const fn steps(&self) -> u64 {
        self.steps
    }

    /// The validated parameters.
    ///
    /// ```
    /// let case = diffusion::Case1d::published(diffusion::Boundary::Periodic);
    /// assert_eq!(case.params().coefficient(), 0.1);
    /// ```
    #[must_use]
    pub const fn params(&self) -> &Params {
        self.start.params()
    }
}

/// The instruction set of the 1-D loop (see [`Diffusion1d`]'s impl).
///
/// ```
/// use diffusion::{Boundary, Case1d};
/// use kernels_core::{Isa, Kernel, Serial, Vectorized};
/// let case = Case1d::new(diffusion::published_initial_1d(50), 1.0, 0.2, Boundary::Periodic, 7)?;
/// let expected = case.clone().with_isa(Isa::Scalar)?.run::<Serial>();
/// for isa in Isa::supported() {
///     assert_eq!(case.clone().with_isa(isa)?.run::<Serial>(), expected);
/// }
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Vectorized for Case1d {
    fn isa(&self) -> Isa {
        self.start.isa()
    }

    fn with_isa(mut self, isa: Isa) -> Result<Self> {
        self.start = self.start.with_isa(isa)?;
        Ok(self)
    }
}

impl Kernel for Case1d {
    type Output = Array1<f64>;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array1<f64> {
        let mut sim = self.start.clone();
        sim.run_with::<B>(self.steps, schedule);
        sim.into_grid()
    }

    /// Every cell costs the same, so equal static blocks balance perfectly.
    fn default_schedule(&self) -> Schedule {
        Schedule::Static
    }

    fn work(&self, _output: &Array1<f64>) -> Work {
        cell_updates(self.start.updated_cells() * self.steps, 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_case_passes_validation() {
        for boundary in Boundary::ALL {
            let published = Case1d::published(boundary);
            let validated =
                Case1d::new(published_initial_1d(512 * 512), 1.0, 0.1, boundary, 500).unwrap();
            assert_eq!(validated.params(), published.params());
            assert_eq!(validated.initial(), published.initial());
        }
    }
}
