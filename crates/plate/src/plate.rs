//! The plate (geometry and material) and the point load.

use kernels_core::{Error, Result, validate};

/// A simply supported rectangular plate: `a × b` metres, thickness `h`,
/// Young's modulus `e` (Pa) and Poisson ratio `nu`.
///
/// ```
/// use plate::Plate;
/// let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
/// assert_eq!(plate.a(), 1.0);
/// assert_eq!(plate.rigidity(), 819_088.319_088_319_2);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plate {
    a: f64,
    b: f64,
    h: f64,
    e: f64,
    nu: f64,
}

impl Plate {
    /// The published plate: 1 m × 1 m aluminium, 5 cm thick (`E = 69 GPa`, `ν = 0.35`).
    pub(crate) const PUBLISHED: Plate = Plate {
        a: 1.0,
        b: 1.0,
        h: 0.05,
        e: 69e9,
        nu: 0.35,
    };

    /// Validates and builds a plate.
    ///
    /// `a`, `b`, `h` and `e` must be finite and `> 0`; the Poisson ratio must
    /// satisfy `-1 < nu <= 0.5` (0.5 is the incompressible limit, where the
    /// rigidity is still finite; at `nu = -1` it is infinite).
    ///
    /// # Errors
    /// * [`Error::NotFinite`] or [`Error::OutOfRange`] naming `"a"`, `"b"`,
    ///   `"h"`, `"e"` or `"nu"`;
    /// * [`Error::OutOfRange`] naming `"rigidity"` when
    ///   `D = h³·E / (12·(1 − ν²))` overflows to ∞ or underflows to 0 in `f64`.
    ///
    /// ```
    /// use plate::Plate;
    /// assert!(Plate::new(2.0, 1.0, 0.01, 210e9, 0.3).is_ok());
    /// assert_eq!(Plate::new(1.0, -1.0, 0.05, 69e9, 0.35).unwrap_err().parameter(), "b");
    /// assert_eq!(Plate::new(1.0, 1.0, 0.05, 69e9, 0.6).unwrap_err().parameter(), "nu");
    /// ```
    pub fn new(a: f64, b: f64, h: f64, e: f64, nu: f64) -> Result<Plate> {
        validate::positive("a", a)?;
        validate::positive("b", b)?;
        validate::positive("h", h)?;
        validate::positive("e", e)?;
        validate::finite("nu", nu)?;
        if !(nu > -1.0 && nu <= 0.5) {
            return Err(Error::out_of_range("nu", nu, "-1 < nu <= 0.5"));
        }
        let plate = Plate { a, b, h, e, nu };
        let d = plate.rigidity();
        if !(d.is_finite() && d > 0.0) {
            return Err(Error::out_of_range(
                "rigidity",
                d,
                "a finite number > 0 (D = h³·E / (12·(1 − ν²)) must be representable in f64)",
            ));
        }
        Ok(plate)
    }

    /// Length of the plate along x, in metres.
    ///
    /// ```
    /// assert_eq!(plate::Plate::new(2.0, 1.0, 0.05, 69e9, 0.35)?.a(), 2.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Width of the plate along y, in metres.
    ///
    /// ```
    /// assert_eq!(plate::Plate::new(2.0, 1.0, 0.05, 69e9, 0.35)?.b(), 1.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Thickness, in metres.
    ///
    /// ```
    /// assert_eq!(plate::Plate::new(2.0, 1.0, 0.05, 69e9, 0.35)?.h(), 0.05);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn h(&self) -> f64 {
        self.h
    }

    /// Young's modulus, in pascals.
    ///
    /// ```
    /// assert_eq!(plate::Plate::new(2.0, 1.0, 0.05, 69e9, 0.35)?.e(), 69e9);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn e(&self) -> f64 {
        self.e
    }

    /// Poisson ratio.
    ///
    /// ```
    /// assert_eq!(plate::Plate::new(2.0, 1.0, 0.05, 69e9, 0.35)?.nu(), 0.35);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn nu(&self) -> f64 {
        self.nu
    }

    /// Flexural rigidity `D = h³·E / (12·(1 − ν²))`, in N·m.
    ///
    /// ```
    /// let plate = plate::Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
    /// assert_eq!(plate.rigidity(), 819_088.319_088_319_2);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn rigidity(&self) -> f64 {
        self.h * self.h * self.h * self.e / (12.0 * (1.0 - self.nu * self.nu))
    }
}

/// A point load of `p` newtons at `(xi, eta)`.
///
/// Building a load cannot fail: it is checked against the plate (finite,
/// nonzero `p`; the point inside `[0, a] × [0, b]`) by
/// [`Navier::new`](crate::Navier::new). A positive `p` pushes in the
/// direction of positive deflection.
///
/// ```
/// use plate::PointLoad;
/// let load = PointLoad::new(10e3, 0.5, 0.5);
/// assert_eq!((load.p(), load.xi(), load.eta()), (10e3, 0.5, 0.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointLoad {
    p: f64,
    xi: f64,
    eta: f64,
}

impl PointLoad {
    /// A load of `p` newtons at `(xi, eta)`; validated later, together with the plate.
    ///
    /// ```
    /// assert_eq!(plate::PointLoad::new(1.0, 0.2, 0.3).xi(), 0.2);
    /// ```
    #[must_use]
    pub const fn new(p: f64, xi: f64, eta: f64) -> PointLoad {
        PointLoad { p, xi, eta }
    }

    /// The force, in newtons.
    ///
    /// ```
    /// assert_eq!(plate::PointLoad::new(-5.0, 0.2, 0.3).p(), -5.0);
    /// ```
    #[must_use]
    pub const fn p(&self) -> f64 {
        self.p
    }

    /// The x coordinate of the load point, in metres.
    ///
    /// ```
    /// assert_eq!(plate::PointLoad::new(1.0, 0.2, 0.3).xi(), 0.2);
    /// ```
    #[must_use]
    pub const fn xi(&self) -> f64 {
        self.xi
    }

    /// The y coordinate of the load point, in metres.
    ///
    /// ```
    /// assert_eq!(plate::PointLoad::new(1.0, 0.2, 0.3).eta(), 0.3);
    /// ```
    #[must_use]
    pub const fn eta(&self) -> f64 {
        self.eta
    }
}
