//! Boundary conditions and validated physical parameters.

use std::fmt;
use std::str::FromStr;

use kernels_core::{Error, Result, validate};

/// What happens at the edge of the grid.
///
/// ```
/// use diffusion::Boundary;
/// let b: Boundary = "fixed".parse()?;
/// assert_eq!(b, Boundary::Fixed);
/// assert_eq!(Boundary::Periodic.to_string(), "periodic");
/// assert_eq!("open".parse::<Boundary>().unwrap_err().parameter(), "boundary");
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Boundary {
    /// Indices wrap around, as with NumPy's `np.roll`: the grid is a torus.
    /// Every cell is updated and the total is conserved (up to rounding).
    Periodic,
    /// Dirichlet boundary, as in the C `evolve` of the FFI chapter: only
    /// interior cells are updated; edge cells keep their initial values.
    Fixed,
}

impl Boundary {
    /// Both boundaries, in the order reports list them.
    ///
    /// ```
    /// assert_eq!(diffusion::Boundary::ALL.len(), 2);
    /// ```
    pub const ALL: [Boundary; 2] = [Boundary::Periodic, Boundary::Fixed];

    /// The lower-case name used on command lines and in reports.
    ///
    /// ```
    /// assert_eq!(diffusion::Boundary::Fixed.name(), "fixed");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Boundary::Periodic => "periodic",
            Boundary::Fixed => "fixed",
        }
    }

    /// The smallest number of cells along each axis this boundary accepts:
    /// 1 for [`Boundary::Periodic`] (a 1-cell axis wraps onto itself), 3 for
    /// [`Boundary::Fixed`] (anything smaller has no interior cell to update).
    ///
    /// ```
    /// use diffusion::Boundary;
    /// assert_eq!(Boundary::Periodic.min_len(), 1);
    /// assert_eq!(Boundary::Fixed.min_len(), 3);
    /// ```
    #[must_use]
    pub const fn min_len(self) -> usize {
        match self {
            Boundary::Periodic => 1,
            Boundary::Fixed => 3,
        }
    }
}

impl fmt::Display for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Boundary {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Boundary::ALL
            .into_iter()
            .find(|boundary| boundary.name() == s)
            .ok_or_else(|| Error::out_of_range("boundary", s, "one of periodic, fixed"))
    }
}

/// Diffusion coefficient `d`, time step `dt` and boundary, each checked on
/// its own.
///
/// [`Params::new`] only checks that `d` and `dt` are finite and positive. The
/// stability condition `D·dt·(1/dx² + 1/dy²) ≤ 1/2` depends on the number of
/// dimensions, so the simulations check it ([`crate::Diffusion2d::new`]:
/// `D·dt ≤ 0.25`, [`crate::Diffusion1d::new`]: `D·dt ≤ 0.5`).
///
/// ```
/// use diffusion::{Boundary, Params};
/// let p = Params::new(1.0, 0.1, Boundary::Periodic)?;
/// assert_eq!((p.d(), p.dt(), p.boundary()), (1.0, 0.1, Boundary::Periodic));
/// assert_eq!(p.coefficient(), 0.1);
/// assert_eq!(Params::new(1.0, -0.1, Boundary::Fixed).unwrap_err().parameter(), "dt");
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub(crate) d: f64,
    pub(crate) dt: f64,
    pub(crate) boundary: Boundary,
}

impl Params {
    /// Checks `d` (the diffusion coefficient) and `dt` (the time step).
    ///
    /// # Errors
    /// [`Error::NotFinite`] or [`Error::OutOfRange`] naming `"d"` or `"dt"`
    /// unless each is a finite number > 0.
    ///
    /// ```
    /// use diffusion::{Boundary, Params};
    /// assert!(Params::new(1.0, 0.1, Boundary::Fixed).is_ok());
    /// assert_eq!(Params::new(f64::NAN, 0.1, Boundary::Fixed).unwrap_err().parameter(), "d");
    /// ```
    pub fn new(d: f64, dt: f64, boundary: Boundary) -> Result<Self> {
        validate::positive("d", d)?;
        validate::positive("dt", dt)?;
        Ok(Params { d, dt, boundary })
    }

    /// The diffusion coefficient `D`.
    ///
    /// ```
    /// let p = diffusion::Params::new(2.0, 0.1, diffusion::Boundary::Fixed)?;
    /// assert_eq!(p.d(), 2.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn d(&self) -> f64 {
        self.d
    }

    /// The time step `dt`.
    ///
    /// ```
    /// let p = diffusion::Params::new(2.0, 0.1, diffusion::Boundary::Fixed)?;
    /// assert_eq!(p.dt(), 0.1);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn dt(&self) -> f64 {
        self.dt
    }

    /// The boundary condition.
    ///
    /// ```
    /// use diffusion::{Boundary, Params};
    /// assert_eq!(Params::new(1.0, 0.1, Boundary::Fixed)?.boundary(), Boundary::Fixed);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn boundary(&self) -> Boundary {
        self.boundary
    }

    /// The factor `D·dt` (computed as `d * dt`) that multiplies the discrete
    /// Laplacian in every update.
    ///
    /// ```
    /// let p = diffusion::Params::new(0.5, 0.25, diffusion::Boundary::Fixed)?;
    /// assert_eq!(p.coefficient(), 0.125);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn coefficient(&self) -> f64 {
        self.d * self.dt
    }

    /// The published `D = 1`, `dt = 0.1` (valid in 1-D and 2-D) with `boundary`.
    pub(crate) const fn published(boundary: Boundary) -> Self {
        Params {
            d: 1.0,
            dt: 0.1,
            boundary,
        }
    }

    /// Returns `D·dt` if it is at most `max` (the stability limit for the
    /// dimension at hand), else an error naming `"D·dt"`.
    pub(crate) fn stable_coefficient(&self, max: f64, dimensions: &str) -> Result<f64> {
        let k = self.coefficient();
        // `d` and `dt` are positive and finite, but their product may overflow.
        if k.is_finite() && k <= max {
            Ok(k)
        } else {
            Err(Error::out_of_range(
                "D·dt",
                k,
                format_args!(
                    "0 < D·dt ≤ {max} (stability limit of the explicit {dimensions} scheme \
                     with spacing 1; reduce dt)"
                ),
            ))
        }
    }
}

/// Grid values must be finite and at most this large in magnitude, so that
/// the sum of four neighbours minus `4·u` can never overflow to ±∞ (a stable
/// step keeps every value inside the initial range).
pub(crate) const MAX_ABS_VALUE: f64 = 1e300;

/// Checks every grid value: finite and `|u| ≤ 1e300`.
pub(crate) fn check_values(
    name: &'static str,
    values: impl IntoIterator<Item = f64>,
) -> Result<()> {
    for value in values {
        validate::finite(name, value)?;
        if value.abs() > MAX_ABS_VALUE {
            return Err(Error::out_of_range(
                name,
                value,
                "finite values with |u| ≤ 1e300",
            ));
        }
    }
    Ok(())
}
