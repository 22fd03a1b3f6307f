//! The Navier kernel: validated problem, separable evaluation, output.

use std::f64::consts::PI;

use kernels_core::{Backend, Error, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use ndarray::{Array1, Array2};

use crate::product::{
    Left, Panels, Tiling, multiply, multiply_mirrored, multiply_packed, padded, table, vectorized,
};
use crate::{Plate, PointLoad};

/// The deflection of a simply supported plate under a point load, summed
/// over `terms_m × terms_n` terms of the Navier double series on a grid of
/// `points_y × points_x` points (`linspace(0, a, points_x)` along x,
/// `linspace(0, b, points_y)` along y).
///
/// Running it ([`Kernel::run`]) uses the separable algorithm described in
/// the [crate documentation](crate); [`reference::quadruple_loop`](crate::reference::quadruple_loop)
/// is the textbook loop it is tested against.
///
/// ```
/// use kernels_core::{Kernel, Parallel, Serial};
/// use plate::{Navier, Plate, PointLoad};
///
/// let plate = Plate::new(2.0, 1.0, 0.01, 210e9, 0.3)?;
/// let navier = Navier::new(plate, PointLoad::new(1e3, 0.5, 0.5), 20, 20, 41, 21)?;
/// let serial = navier.run::<Serial>();
/// assert_eq!(serial.w().dim(), (21, 41));
/// assert_eq!(serial.w(), navier.run::<Parallel>().w());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Navier {
    plate: Plate,
    load: PointLoad,
    terms_m: usize,
    terms_n: usize,
    points_x: usize,
    points_y: usize,
    isa: Isa,
}

/// Which of the two associations of `Sy · C · Sx` is cheaper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Association {
    /// `T = C · Sx` (`terms_n × points_x`) first, then `W = Sy · T`.
    CoefficientsTimesSx,
    /// `U = Sy · C` (`points_y × terms_m`) first, then `W = U · Sx`.
    SyTimesCoefficients,
}

impl Navier {
    /// Validates and builds the kernel.
    ///
    /// `terms_m` and `terms_n` are the numbers of series terms along x and y
    /// (the published loops, `range(1, 16)`, use 15); `points_x` and
    /// `points_y` the grid sizes along x and y.
    ///
    /// # Errors
    /// * `"p"`: [`Error::NotFinite`] for a NaN or infinite force,
    ///   [`Error::OutOfRange`] for a zero force (it has no coefficient alpha);
    /// * `"xi"`, `"eta"`: the load point is not finite or lies outside
    ///   `[0, a] × [0, b]`;
    /// * `"terms_m"`, `"terms_n"`: fewer than one term;
    ///   `"points_x"`, `"points_y"`: fewer than two grid points;
    /// * [`Error::TooLarge`] naming the sizes (e.g. `"points_y × points_x"`)
    ///   when a table or the work count overflows;
    /// * `"scale"`: the plate, material and load are so extreme that a series
    ///   term, a sine argument or a sum of terms would overflow or underflow
    ///   to ∞ or NaN in `f64`.
    ///
    /// ```
    /// use plate::{Navier, Plate, PointLoad};
    /// let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
    /// assert!(Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 15, 15, 101, 101).is_ok());
    /// let outside = Navier::new(plate, PointLoad::new(10e3, 1.5, 0.5), 15, 15, 101, 101);
    /// assert_eq!(outside.unwrap_err().parameter(), "xi");
    /// let one_point = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 15, 15, 1, 101);
    /// assert_eq!(one_point.unwrap_err().parameter(), "points_x");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn new(
        plate: Plate,
        load: PointLoad,
        terms_m: usize,
        terms_n: usize,
        points_x: usize,
        points_y: usize,
    ) -> Result<Navier> {
        validate::finite("p", load.p())?;
        if load.p() == 0.0 {
            return Err(Error::out_of_range(
                "p",
                load.p(),
                "a finite nonzero force (a zero load has no coefficient alpha)",
            ));
        }
        validate::in_range("xi", load.xi(), 0.0..=plate.a())?;
        validate::in_range("eta", load.eta(), 0.0..=plate.b())?;
        validate::at_least("terms_m", terms_m, 1)?;
        validate::at_least("terms_n", terms_n, 1)?;
        validate::at_least("points_x", points_x, 2)?;
        validate::at_least("points_y", points_y, 2)?;
        // Every table either association allocates must fit in memory.
        validate::grid_len::<f64>("points_y × points_x", points_y, points_x)?;
        validate::grid_len::<f64>("terms_n × terms_m", terms_n, terms_m)?;
        validate::grid_len::<f64>("terms_m × points_x", terms_m, points_x)?;
        validate::grid_len::<f64>("points_y × terms_n", points_y, terms_n)?;
        validate::grid_len::<f64>("terms_n × points_x", terms_n, points_x)?;
        validate::grid_len::<f64>("points_y × terms_m", points_y, terms_m)?;
        // The textbook work count must fit in a u64.
        [points_y, terms_m, terms_n]
            .into_iter()
            .try_fold(points_x as u64, |acc, size| acc.checked_mul(size as u64))
            .ok_or_else(|| Error::TooLarge {
                name: "points_x × points_y × terms_m × terms_n",
                value: format!("{points_x} × {points_y} × {terms_m} × {terms_n}"),
            })?;
        check_scale(&plate, &load, terms_m, terms_n)?;
        Ok(Navier {
            plate,
            load,
            terms_m,
            terms_n,
            points_x,
            points_y,
            isa: Isa::selected(),
        })
    }

    /// The published case: a 1 m × 1 m plate, `h = 0.05` m, `E = 69e9` Pa,
    /// `ν = 0.35`, `P = 10 kN` at the centre, 15 × 15 terms, 101 × 101 points.
    /// Its maximum deflection is 0.141317840389 mm.
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let deflection = plate::Navier::published().run::<Serial>();
    /// assert!((deflection.w_max() * 1e3 - 0.141_317_840_389).abs() < 5e-13);
    /// ```
    #[must_use]
    pub fn published() -> Navier {
        Navier {
            plate: Plate::PUBLISHED,
            load: PointLoad::new(10e3, 0.5, 0.5),
            terms_m: 15,
            terms_n: 15,
            points_x: 101,
            points_y: 101,
            isa: Isa::selected(),
        }
    }

    /// The plate.
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().plate().h(), 0.05);
    /// ```
    #[must_use]
    pub fn plate(&self) -> &Plate {
        &self.plate
    }

    /// The load.
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().load().p(), 10e3);
    /// ```
    #[must_use]
    pub fn load(&self) -> &PointLoad {
        &self.load
    }

    /// Number of series terms along x (`m = 1..=terms_m`).
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().terms_m(), 15);
    /// ```
    #[must_use]
    pub fn terms_m(&self) -> usize {
        self.terms_m
    }

    /// Number of series terms along y (`n = 1..=terms_n`).
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().terms_n(), 15);
    /// ```
    #[must_use]
    pub fn terms_n(&self) -> usize {
        self.terms_n
    }

    /// Number of grid points along x (columns of the output).
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().points_x(), 101);
    /// ```
    #[must_use]
    pub fn points_x(&self) -> usize {
        self.points_x
    }

    /// Number of grid points along y (rows of the output).
    ///
    /// ```
    /// assert_eq!(plate::Navier::published().points_y(), 101);
    /// ```
    #[must_use]
    pub fn points_y(&self) -> usize {
        self.points_y
    }

    /// The grid's x coordinates, `linspace(0, a, points_x)` as NumPy computes it
    /// (`i · (a / (points_x − 1))`, the last one exactly `a`).
    ///
    /// ```
    /// let x = plate::Navier::published().x();
    /// assert_eq!((x[0], x[50], x[100]), (0.0, 0.5, 1.0));
    /// ```
    #[must_use]
    pub fn x(&self) -> Array1<f64> {
        Array1::from(linspace(0.0, self.plate.a(), self.points_x))
    }

    /// The grid's y coordinates, `linspace(0, b, points_y)`; row `j` of the
    /// output is at `y()[j]`.
    ///
    /// ```
    /// let y = plate::Navier::published().y();
    /// assert_eq!((y.len(), y[100]), (101, 1.0));
    /// ```
    #[must_use]
    pub fn y(&self) -> Array1<f64> {
        Array1::from(linspace(0.0, self.plate.b(), self.points_y))
    }

    /// The deflection scale `|P|·a² / D` (metres) that alpha is measured in.
    ///
    /// ```
    /// let scale = plate::Navier::published().scale();
    /// assert!((scale - 10e3 / 819_088.319_088_319_2).abs() < 1e-18);
    /// ```
    #[must_use]
    pub fn scale(&self) -> f64 {
        let a = self.plate.a();
        self.load.p().abs() * a * a / self.plate.rigidity()
    }

    /// The deflection at one point `(x, y)`, in metres: the double series
    /// summed directly over `m = 1..=terms_m` (outer) and `n = 1..=terms_n`
    /// (inner), each term written in the textbook's order. At a grid point
    /// this is bit-identical to [`reference::quadruple_loop`](crate::reference::quadruple_loop).
    ///
    /// Costs `terms_m · terms_n` multiply-adds and `2·(terms_m + terms_n)`
    /// sines, so many terms at one point are cheap: the convergence study
    /// (1023 × 1023 terms at the centre) is a million terms.
    ///
    /// Points outside `[0, a] × [0, b]` get the series' odd periodic
    /// extension; a NaN coordinate gives NaN (the grid computed by
    /// [`Kernel::run`] never contains one).
    ///
    /// ```
    /// use kernels_core::Error;
    /// use plate::{Navier, Plate, PointLoad};
    /// let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
    /// let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 1023, 1023, 2, 2)?;
    /// let alpha = navier.deflection_at(0.5, 0.5) / navier.scale();
    /// assert!((alpha - 0.0116008).abs() < 5e-8); // Timoshenko: 0.01160
    /// # Ok::<(), Error>(())
    /// ```
    #[must_use]
    pub fn deflection_at(&self, x: f64, y: f64) -> f64 {
        let (a, b) = (self.plate.a(), self.plate.b());
        let sin_x: Vec<f64> = (1..=self.terms_m).map(|m| sine(m, x, a)).collect();
        let sin_y: Vec<f64> = (1..=self.terms_n).map(|n| sine(n, y, b)).collect();
        let sin_xi: Vec<f64> = (1..=self.terms_m)
            .map(|m| sine(m, self.load.xi(), a))
            .collect();
        let sin_eta: Vec<f64> = (1..=self.terms_n)
            .map(|n| sine(n, self.load.eta(), b))
            .collect();
        let pi4_d = PI_POW_4 * self.plate.rigidity();
        let mut w = 0.0;
        for (m, (&s_x, &s_xi)) in sin_x.iter().zip(&sin_xi).enumerate() {
            for (n, (&s_y, &s_eta)) in sin_y.iter().zip(&sin_eta).enumerate() {
                w += self.coefficient(m + 1, n + 1, s_xi, s_eta, pi4_d) * s_x * s_y;
            }
        }
        w
    }

    /// `a_mn / (π⁴·D) · (m²/a² + n²/b²)⁻²` with
    /// `a_mn = 4·P·sin(mπξ/a)·sin(nπη/b) / (a·b)`, in the textbook's order.
    #[inline]
    fn coefficient(&self, m: usize, n: usize, sin_xi: f64, sin_eta: f64, pi4_d: f64) -> f64 {
        self.coefficient_of(m as f64, n as f64, sin_xi, sin_eta, pi4_d)
    }

    /// [`coefficient`](Self::coefficient) with `m` and `n` already converted.
    #[inline(always)]
    fn coefficient_of(&self, m: f64, n: f64, sin_xi: f64, sin_eta: f64, pi4_d: f64) -> f64 {
        let (a, b, p) = (self.plate.a(), self.plate.b(), self.load.p());
        let a_mn = 4.0 * p * sin_xi * sin_eta / (a * b);
        a_mn / pi4_d * inverse_square(m * m / (a * a) + n * n / (b * b))
    }

    /// Row `n − 1` of `C`: `out[m − 1] = coefficient(m, n, …)` for
    /// `m = 1..=out.len()`. Four divisions per entry: run with
    /// [`vectorized`] the loop uses the widest
    /// vectors.
    #[inline(always)]
    fn coefficient_row(&self, n: usize, out: &mut [f64], sin_xi: &[f64], sin_eta: f64, pi4_d: f64) {
        let n = n as f64;
        for (m, (value, &s_xi)) in out.iter_mut().zip(sin_xi).enumerate() {
            *value = self.coefficient_of((m + 1) as f64, n, s_xi, sin_eta, pi4_d);
        }
    }

    /// Multiply-adds of the two matrix products for each association. The
    /// product with `Sy` on the left is mirrored: `(ny − 2) / 2` pairs of
    /// rows cost one row each.
    fn product_costs(&self) -> (u128, u128) {
        let (m, n) = (self.terms_m as u128, self.terms_n as u128);
        let (nx, ny) = (self.points_x as u128, self.points_y as u128);
        let sy_rows = ny - ny.saturating_sub(2) / 2;
        (n * m * nx + sy_rows * n * nx, sy_rows * n * m + ny * m * nx)
    }

    /// The cheaper association (ties go to `C · Sx` first).
    pub(crate) fn association(&self) -> Association {
        let (coefficients_first, sy_first) = self.product_costs();
        if coefficients_first <= sy_first {
            Association::CoefficientsTimesSx
        } else {
            Association::SyTimesCoefficients
        }
    }

    /// Runs the separable algorithm with an explicitly chosen association
    /// (tests compare both against the reference).
    pub(crate) fn run_association<B: Backend>(
        &self,
        association: Association,
        schedule: Schedule,
    ) -> Deflection {
        let (a, b) = (self.plate.a(), self.plate.b());
        let (terms_m, terms_n) = (self.terms_m, self.terms_n);
        let (nx, ny) = (self.points_x, self.points_y);
        let isa = self.isa;

        let tiling = Tiling::new(isa);
        // Sx[m][i] = sin(mπ x_i / a): terms_m × points_x, the right factor of
        // the last product, so packed in panels.
        let sines_x = grid_sines(nx - 1);
        let sx = Panels::from_rows::<B, _>(terms_m, nx, tiling, schedule, |row, first, out| {
            grid_sine_row(&sines_x, row + 1, first, out);
            if first + out.len() == nx {
                out[nx - 1 - first] = sine(row + 1, a, a);
            }
        });
        // Sy[j][n] = sin(nπ y_j / b): points_y × terms_n, of which the
        // products need only the upper half (row ny − 1 − j mirrors row j,
        // exactly, by the table's symmetry) and the last row, the
        // textbook's sin(fl(nπ)).
        let sines_y = if ny == nx {
            sines_x
        } else {
            grid_sines(ny - 1)
        };
        let sy_rows = ny - 1 - (ny - 2) / 2;
        let sy = table::<B, _>(sy_rows, terms_n, schedule, |row, out| {
            grid_sine_row(&sines_y, row, 1, out);
        });
        let sy_last: Vec<f64> = (1..=terms_n).map(|n| sine(n, b, b)).collect();
        // C[n][m] = a_mn / (π⁴D) · (m²/a² + n²/b²)⁻²: terms_n × terms_m, rows padded.
        // The padding columns get sin(mπξ/a) = 0, hence C = 0: whole rows
        // of a multiple of 8 entries vectorise without a remainder loop.
        let c_stride = padded(terms_m);
        let sin_xi: Vec<f64> = (1..=c_stride)
            .map(|m| {
                if m <= terms_m {
                    sine(m, self.load.xi(), a)
                } else {
                    0.0
                }
            })
            .collect();
        let sin_eta: Vec<f64> = (1..=terms_n).map(|n| sine(n, self.load.eta(), b)).collect();
        let pi4_d = PI_POW_4 * self.plate.rigidity();
        let c = table::<B, _>(terms_n, c_stride, schedule, |row, out| {
            vectorized(isa, || {
                self.coefficient_row(row + 1, out, &sin_xi, sin_eta[row], pi4_d);
            });
        });

        let sy = Left {
            data: &sy,
            stride: terms_n,
            rows: sy_rows,
        };
        let w = match association {
            Association::CoefficientsTimesSx => {
                // T = C · Sx (terms_n × points_x, packed for the next
                // product), then W = Sy · T.
                let c = Left {
                    data: &c,
                    stride: c_stride,
                    rows: terms_n,
                };
                let t = multiply_packed::<B>(c, &sx, tiling, schedule);
                multiply_mirrored::<B>(sy, &sy_last, ny, &t, tiling, schedule)
            }
            Association::SyTimesCoefficients => {
                // U = Sy · C (points_y × terms_m), then W = U · Sx.
                let c = Panels::pack::<B>(&c, c_stride, terms_n, terms_m, tiling, schedule);
                let u = multiply_mirrored::<B>(sy, &sy_last, ny, &c, tiling, schedule);
                let u = Left {
                    data: &u,
                    stride: terms_m,
                    rows: ny,
                };
                multiply::<B>(u, &sx, tiling, schedule)
            }
        };
        let w = match Array2::from_shape_vec((ny, nx), w) {
            Ok(w) => w,
            Err(_) => unreachable!("the buffer has points_y · points_x elements"),
        };
        Deflection {
            w,
            scale: self.scale(),
        }
    }
}

/// The matrix products run with the kernel's [`Isa`] (by default
/// [`Isa::selected`]).
///
/// The vector instruction sets (AVX2, AVX-512) fuse each multiply-add of
/// the products into one FMA instruction, rounded once, as BLAS does: that
/// doubles the arithmetic peak. The scalar path keeps the textbook's
/// separate multiply and add. Every output element is the same ordered sum
/// either way, so AVX2 and AVX-512 give the same bits, and they differ from
/// the scalar path by rounding only. The documented tolerance, which the
/// tests check, is **1e-14 of `w_max`** for every grid value (the sums have
/// `M` and `N` terms, each ordered sum is within `(M + N)·2⁻⁵³` of the exact
/// one relative to the sum of its terms' magnitudes, and for the plate those
/// stay within a few `w_max`; the tests see at most 4e-16). On one
/// instruction set, both backends and every thread count give the same bits.
///
/// ```
/// use kernels_core::{Isa, Kernel, Serial, Vectorized};
/// let navier = plate::Navier::published();
/// let scalar = navier.with_isa(Isa::Scalar)?;
/// assert_eq!(scalar.isa(), Isa::Scalar);
/// let (w_scalar, w) = (scalar.run::<Serial>(), navier.run::<Serial>());
/// let w_max = w_scalar.w_max();
/// for (s, v) in w_scalar.w().iter().zip(w.w()) {
///     assert!((s - v).abs() <= 1e-14 * w_max);
/// }
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl Vectorized for Navier {
    fn isa(&self) -> Isa {
        self.isa
    }

    fn with_isa(self, isa: Isa) -> Result<Navier> {
        Ok(Navier {
            isa: isa.require()?,
            ..self
        })
    }
}

impl Kernel for Navier {
    type Output = Deflection;

    /// Sine tables, the coefficient matrix, then the two matrix products of
    /// `W = Sy · C · Sx` in the cheaper order, each product's output rows in
    /// chunks (sized from the problem only) on backend `B`.
    fn run_with<B: Backend>(&self, schedule: Schedule) -> Deflection {
        self.run_association::<B>(self.association(), schedule)
    }

    /// Every output row costs the same, but the cores may not be equally
    /// free: on a shared machine one thread often waits for its core while
    /// the other has finished an equal static half. Guided blocks (big
    /// first, single chunks at the end) let the thread that runs take over
    /// the rest, at the cost of a few dozen tasks.
    fn default_schedule(&self) -> Schedule {
        Schedule::Guided
    }

    /// `items`: `points_x · points_y · terms_m · terms_n` term evaluations
    /// (the textbook's unit, what the quadruple loop evaluates); `flops`: two
    /// per multiply-add of the two matrix products actually performed (the
    /// `O(terms · points)` sine and coefficient tables are not counted);
    /// `bytes`: the output grid.
    fn work(&self, _output: &Deflection) -> Work {
        let items = [self.points_y, self.terms_m, self.terms_n]
            .into_iter()
            .fold(self.points_x as u64, |acc, size| {
                acc.saturating_mul(size as u64)
            });
        let (coefficients_first, sy_first) = self.product_costs();
        let madds = coefficients_first.min(sy_first);
        let flops = u64::try_from(2 * madds).unwrap_or(u64::MAX);
        let bytes = (self.points_x as u64)
            .saturating_mul(self.points_y as u64)
            .saturating_mul(8);
        Work::new(items, "term evaluations")
            .with_flops(flops)
            .with_bytes(bytes)
    }
}

/// The deflection grid a [`Navier`] run produces, with what alpha needs.
///
/// ```
/// use kernels_core::{Kernel, Serial};
/// let deflection = plate::Navier::published().run::<Serial>();
/// assert_eq!(deflection.w().dim(), (101, 101));
/// assert!((deflection.alpha() - 0.011_575_179).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Deflection {
    w: Array2<f64>,
    scale: f64,
}

impl Deflection {
    /// The deflection in metres, shape `(points_y, points_x)`: row `j` is at
    /// `y = Navier::y()[j]`, column `i` at `x = Navier::x()[i]`.
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let w = plate::Navier::published().run::<Serial>().w().clone();
    /// assert_eq!(w[[0, 50]], 0.0); // the edge y = 0
    /// assert!(w[[50, 50]] > 0.0);
    /// ```
    #[must_use]
    pub fn w(&self) -> &Array2<f64> {
        &self.w
    }

    /// Takes the deflection grid out.
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let w = plate::Navier::published().run::<Serial>().into_w();
    /// assert_eq!(w.shape(), &[101, 101]);
    /// ```
    #[must_use]
    pub fn into_w(self) -> Array2<f64> {
        self.w
    }

    /// The largest `|w|` on the grid, in metres.
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let w_max = plate::Navier::published().run::<Serial>().w_max();
    /// assert!((w_max * 1e3 - 0.141_317_840_389).abs() < 5e-13);
    /// ```
    #[must_use]
    pub fn w_max(&self) -> f64 {
        self.w.iter().fold(0.0, |max, w| max.max(w.abs()))
    }

    /// The deflection scale `|P|·a² / D` (see [`Navier::scale`]).
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let navier = plate::Navier::published();
    /// assert_eq!(navier.run::<Serial>().scale(), navier.scale());
    /// ```
    #[must_use]
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Timoshenko's coefficient `alpha = w_max / (|P|·a² / D)`: 0.011575179
    /// for the published case, tending to 0.01160 with many terms.
    ///
    /// ```
    /// use kernels_core::{Kernel, Serial};
    /// let alpha = plate::Navier::published().run::<Serial>().alpha();
    /// assert!((alpha - 0.01158).abs() < 5e-6);
    /// ```
    #[must_use]
    pub fn alpha(&self) -> f64 {
        self.w_max() / self.scale
    }
}

/// `π⁴`, rounded once to the nearest `f64`: what Python's `math.pi**4`
/// gives, and the value every function of this crate divides by.
///
/// A constant rather than `PI.powi(4)`: the precision of `powi` is
/// unspecified, and in practice an optimised build folds `PI.powi(4)` to
/// this correctly rounded value while an unoptimised one multiplies
/// `(π·π)·(π·π)` at run time and gets one ulp more, so the same code gave
/// different last bits in debug and release builds.
///
/// ```
/// use std::f64::consts::PI;
/// assert_eq!(plate::PI_POW_4, PI.powf(4.0));
/// // Multiplying it out rounds twice and lands one ulp above.
/// assert_eq!((PI * PI) * (PI * PI), f64::from_bits(plate::PI_POW_4.to_bits() + 1));
/// ```
pub const PI_POW_4: f64 = 97.409_091_034_002_42;

/// `q⁻²` as `1 / (q·q)`, the same bits as `q.powi(-2)` computed at run
/// time, but without `powi`'s freedom to round differently when the
/// compiler evaluates it (see [`PI_POW_4`]).
#[inline(always)]
pub(crate) fn inverse_square(q: f64) -> f64 {
    1.0 / (q * q)
}

/// `sin(k·π·x / length)`, with the argument in the textbook's order.
#[inline]
pub(crate) fn sine(k: usize, x: f64, length: f64) -> f64 {
    (k as f64 * PI * x / length).sin()
}

/// `sin(π·k / intervals)` for `k = 0 .. 2·intervals`: one period of the
/// sines every grid table is made of (see [`grid_sine_row`]). Only the first
/// quarter period is evaluated; the rest follows by the exact symmetries
/// `sin(π − θ) = sin θ` and `sin(θ + π) = −sin θ`, so `k = 0` and
/// `k = intervals` give exactly 0 and `k = intervals / 2` exactly 1.
pub(crate) fn grid_sines(intervals: usize) -> Vec<f64> {
    let n = intervals;
    let mut sines = vec![0.0; 2 * n];
    for (k, value) in sines.iter_mut().enumerate().take(n / 2 + 1).skip(1) {
        *value = (PI * k as f64 / n as f64).sin();
    }
    for k in n / 2 + 1..n {
        sines[k] = sines[n - k];
    }
    for k in n + 1..2 * n {
        sines[k] = -sines[k - n];
    }
    sines
}

/// `out[i] = sin(k·π·(first + i) / intervals)` for `i = 0 ..`, looked up in
/// `sines = grid_sines(intervals)` at index `k·(first + i) mod 2·intervals`.
///
/// On the grid `x_i = linspace(0, a, intervals + 1)[i]`, `sin(kπ·x_i / a)` is
/// `sin(kπ·x_i / a)`, with the argument reduced exactly in integers instead
/// of rounded in floating point: it differs from the textbook's
/// `sin(fl(fl(kπ)·x_i)/a)` by that expression's own rounding error,
/// `|Δ| ≲ 2·kπ·ε` (ε = 2⁻⁵²).
#[inline]
pub(crate) fn grid_sine_row(sines: &[f64], k: usize, first: usize, out: &mut [f64]) {
    /// Independent index sequences, so that the lookups are not one long
    /// chain of dependent additions.
    const CHAINS: usize = 4;
    let period = sines.len();
    let wrap = |index: usize| {
        if index >= period {
            index - period
        } else {
            index
        }
    };
    // `%` only when needed: one division per row costs as much as a few
    // dozen lookups.
    let step = if k < period { k } else { k % period };
    let mut index = match first {
        0 => 0,
        1 => step,
        _ => {
            let start = step as u128 * (first % period) as u128 % period as u128;
            let Ok(start) = usize::try_from(start) else {
                unreachable!("start < period")
            };
            start
        }
    };
    // Chain `c` looks up entries `c, c + CHAINS, …`, stepping CHAINS · k.
    let mut indices = [0; CHAINS];
    for slot in &mut indices {
        *slot = index;
        index = wrap(index + step);
    }
    let stride = (0..CHAINS).fold(0, |acc, _| wrap(acc + step));
    let mut groups = out.chunks_exact_mut(CHAINS);
    for group in &mut groups {
        for (value, index) in group.iter_mut().zip(&mut indices) {
            *value = sines[*index];
            *index = wrap(*index + stride);
        }
    }
    for (value, &index) in groups.into_remainder().iter_mut().zip(&indices) {
        *value = sines[index];
    }
}

/// `num` evenly spaced points from `start` to `stop` inclusive, computed as
/// NumPy's `linspace` does: `start + i · ((stop − start) / (num − 1))`, the
/// last point exactly `stop`. `num >= 2`.
pub(crate) fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let step = (stop - start) / (num - 1) as f64;
    let mut points: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if let Some(last) = points.last_mut() {
        *last = stop;
    }
    points
}

/// Rejects plates, materials and loads whose series would overflow or
/// underflow into ∞ or NaN somewhere in `f64`.
fn check_scale(plate: &Plate, load: &PointLoad, terms_m: usize, terms_n: usize) -> Result<()> {
    let (a, b) = (plate.a(), plate.b());
    let (m, n) = (terms_m as f64, terms_n as f64);
    let pi4_d = PI_POW_4 * plate.rigidity();
    let amplitude = 4.0 * load.p().abs();
    let area = a * b;
    // |a_mn / (π⁴D)| is at most this.
    let per_term = amplitude / area / pi4_d;
    // (m²/a² + n²/b²) is smallest at m = n = 1 and largest at the last terms.
    let k_min = 1.0 / (a * a) + 1.0 / (b * b);
    let k_max = m * m / (a * a) + n * n / (b * b);
    let largest_term = per_term * inverse_square(k_min);
    // A sum of terms_m · terms_n terms (with room for rounding).
    let largest_sum = largest_term * m * n * 4.0;
    let ok = pi4_d.is_finite()
        && amplitude.is_finite()
        && area.is_finite()
        && area > 0.0
        && (amplitude / area).is_finite()
        && per_term.is_finite()
        && k_min > 0.0
        && k_max.is_finite()
        && largest_term.is_finite()
        && largest_sum.is_finite()
        && (m * PI * a).is_finite()
        && (n * PI * b).is_finite();
    if ok {
        Ok(())
    } else {
        Err(Error::out_of_range(
            "scale",
            format_args!(
                "a = {a}, b = {b}, D = {}, P = {}, {terms_m} × {terms_n} terms",
                plate.rigidity(),
                load.p()
            ),
            "a plate, material and load whose series terms and sums are finite in f64",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::quadruple_loop;
    use kernels_core::{Parallel, Serial};

    fn navier(terms_m: usize, terms_n: usize, nx: usize, ny: usize) -> Navier {
        let plate = Plate::new(1.3, 0.7, 0.02, 200e9, 0.3).unwrap();
        Navier::new(
            plate,
            PointLoad::new(-3e3, 0.4, 0.25),
            terms_m,
            terms_n,
            nx,
            ny,
        )
        .unwrap()
    }

    fn max_abs_diff(x: &Array2<f64>, y: &Array2<f64>) -> f64 {
        x.iter().zip(y).fold(0.0, |m, (a, b)| m.max((a - b).abs()))
    }

    #[test]
    fn linspace_matches_numpy() {
        // numpy.linspace(0, 1, 101)[[0, 3, 50, 99, 100]]
        let x = linspace(0.0, 1.0, 101);
        assert_eq!(x.len(), 101);
        assert_eq!(x[3], 0.03);
        assert_eq!(x[50], 0.5);
        assert_eq!(x[99], 0.99);
        assert_eq!(x[100], 1.0);
        assert_eq!(linspace(0.0, 2.0, 2), [0.0, 2.0]);
    }

    #[test]
    fn grid_sines_are_the_textbook_sines_within_their_rounding() {
        // |table − sin(fl(fl(kπ)·x_i)/a)| is at most the textbook
        // argument's rounding error (~2.5·kπ·ε) plus two sine roundings.
        for (length, points) in [(1.0, 2), (1.0, 3), (1.0, 101), (1.3, 29), (0.7, 1001)] {
            let x = linspace(0.0, length, points);
            let sines = grid_sines(points - 1);
            let mut row = vec![0.0; points];
            for k in [1, 2, 3, 7, 50, 100, 333] {
                grid_sine_row(&sines, k, 0, &mut row);
                let bound = (3.0 * k as f64 * PI + 2.0) * f64::EPSILON;
                for (i, (&table, &xi)) in row.iter().zip(&x).enumerate() {
                    let textbook = sine(k, xi, length);
                    assert!(
                        (table - textbook).abs() <= bound,
                        "k = {k}, i = {i}/{points}: {table} vs {textbook}"
                    );
                }
            }
        }
    }

    #[test]
    fn grid_sines_are_exact_at_the_symmetry_points() {
        let sines = grid_sines(100);
        assert_eq!(sines.len(), 200);
        assert_eq!(
            (sines[0], sines[50], sines[100], sines[150]),
            (0.0, 1.0, 0.0, -1.0)
        );
        for k in 1..100 {
            assert_eq!(sines[k], sines[100 - k]);
            assert_eq!(sines[k + 100], -sines[k]);
        }
        // A row starting at `first` continues the sequence k·(first + i).
        let mut row = [0.0; 7];
        grid_sine_row(&sines, 37, 1, &mut row);
        for (i, &value) in row.iter().enumerate() {
            assert_eq!(value, sines[37 * (i + 1) % 200]);
        }
        grid_sine_row(&sines, 437, 5, &mut row);
        for (i, &value) in row.iter().enumerate() {
            assert_eq!(value, sines[437 * (i + 5) % 200]);
        }
    }

    #[test]
    fn grid_sine_rows_mirror_exactly() {
        // What the mirrored product relies on: on a grid of `points`
        // points, row `points − 1 − j` of Sy is row `j` with the entries of
        // even `n` negated, exactly (a zero may change sign, which no sum
        // notices), for every row but the last.
        for points in [3, 4, 5, 101, 1001, 1002] {
            let sines = grid_sines(points - 1);
            let terms = 37;
            let (mut upper, mut lower) = (vec![0.0; terms], vec![0.0; terms]);
            for j in 0..points - 1 {
                grid_sine_row(&sines, j, 1, &mut upper);
                grid_sine_row(&sines, points - 1 - j, 1, &mut lower);
                for (k, (&u, &l)) in upper.iter().zip(&lower).enumerate() {
                    let mirrored = if k % 2 == 0 { u } else { -u };
                    if j == 0 {
                        assert_eq!(l, 0.0, "{points}: last row {k}");
                    } else {
                        assert_eq!(mirrored, l, "{points}: {j} {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn association_picks_the_cheaper_order() {
        // Many terms along x, few rows: Sy · C first is cheaper.
        assert_eq!(
            navier(40, 3, 50, 2).association(),
            Association::SyTimesCoefficients
        );
        // Many grid rows: C · Sx first is cheaper.
        assert_eq!(
            navier(40, 3, 5, 50).association(),
            Association::CoefficientsTimesSx
        );
        assert_eq!(
            Navier::published().association(),
            Association::CoefficientsTimesSx
        );
    }

    #[test]
    fn both_associations_match_the_reference() {
        for kernel in [
            navier(7, 5, 9, 6),
            navier(40, 3, 50, 2),
            navier(2, 9, 3, 17),
        ] {
            let reference = quadruple_loop(&kernel);
            let w_max = reference.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
            for association in [
                Association::CoefficientsTimesSx,
                Association::SyTimesCoefficients,
            ] {
                let serial = kernel.run_association::<Serial>(association, Schedule::Static);
                let parallel = kernel.run_association::<Parallel>(association, Schedule::Dynamic);
                assert_eq!(serial, parallel);
                assert!(max_abs_diff(serial.w(), &reference) <= 1e-12 * w_max);
            }
        }
    }

    #[test]
    fn deflection_at_grid_points_is_the_reference_bit_for_bit() {
        let kernel = navier(6, 4, 7, 5);
        let reference = quadruple_loop(&kernel);
        let (x, y) = (kernel.x(), kernel.y());
        for ((j, i), &w) in reference.indexed_iter() {
            assert_eq!(kernel.deflection_at(x[i], y[j]).to_bits(), w.to_bits());
        }
    }

    #[test]
    fn work_counts_term_evaluations_and_products() {
        let kernel = Navier::published();
        let work = kernel.work(&kernel.run::<Serial>());
        assert_eq!(work.items, 101 * 101 * 15 * 15);
        // 49 of the 101 rows of Sy · T are mirrors of others.
        assert_eq!(work.flops, 2 * (15 * 15 * 101 + 52 * 15 * 101));
        assert_eq!(work.bytes, 101 * 101 * 8);
        assert_eq!(work.unit, "term evaluations");
    }
}
