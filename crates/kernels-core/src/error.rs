//! The workspace error type and the validation helpers every constructor uses.

use std::fmt;
use std::ops::RangeInclusive;

/// Why a kernel could not be constructed.
///
/// Every variant names the offending parameter, so a caller (or a CLI) can
/// print one line that says exactly what to change.
///
/// ```
/// use kernels_core::Error;
/// let err = kernels_core::validate::at_least("max_iter", 0, 1).unwrap_err();
/// assert_eq!(err.parameter(), "max_iter");
/// assert!(err.to_string().contains("max_iter"));
/// assert!(matches!(err, Error::OutOfRange { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A number lies outside the range the kernel can handle.
    OutOfRange {
        /// The parameter's name as the constructor documents it.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// The allowed range in words, e.g. `"1..=4294967295"`.
        allowed: String,
    },
    /// A floating-point parameter is NaN or infinite.
    NotFinite {
        /// The parameter's name.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
    },
    /// Two arrays or an array and a size that must agree do not.
    ShapeMismatch {
        /// The parameter whose shape is wrong.
        name: &'static str,
        /// The shape that was expected.
        expected: String,
        /// The shape that was given.
        found: String,
    },
    /// A size whose element count overflows `usize` or exceeds what can be allocated.
    TooLarge {
        /// The parameter (or parameters, e.g. `"width × height"`) that is too large.
        name: &'static str,
        /// The requested sizes, formatted.
        value: String,
    },
}

impl Error {
    /// The name of the parameter this error is about.
    ///
    /// ```
    /// let err = kernels_core::validate::finite("dt", f64::NAN).unwrap_err();
    /// assert_eq!(err.parameter(), "dt");
    /// ```
    #[must_use]
    pub fn parameter(&self) -> &'static str {
        match self {
            Error::OutOfRange { name, .. }
            | Error::NotFinite { name, .. }
            | Error::ShapeMismatch { name, .. }
            | Error::TooLarge { name, .. } => name,
        }
    }

    /// Builds an [`Error::OutOfRange`] for `name` with the rejected `value`
    /// and the `allowed` range described in words.
    ///
    /// ```
    /// let err = kernels_core::Error::out_of_range("seed", 3, "even numbers");
    /// assert_eq!(err.to_string(), "invalid `seed` = 3: allowed is even numbers");
    /// ```
    pub fn out_of_range(
        name: &'static str,
        value: impl fmt::Display,
        allowed: impl fmt::Display,
    ) -> Self {
        Error::OutOfRange {
            name,
            value: value.to_string(),
            allowed: allowed.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::OutOfRange {
                name,
                value,
                allowed,
            } => {
                write!(f, "invalid `{name}` = {value}: allowed is {allowed}")
            }
            Error::NotFinite { name, value } => {
                write!(f, "invalid `{name}` = {value}: must be a finite number")
            }
            Error::ShapeMismatch {
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "invalid `{name}`: expected shape {expected}, found {found}"
                )
            }
            Error::TooLarge { name, value } => {
                write!(
                    f,
                    "invalid `{name}` = {value}: the element count does not fit in memory"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results whose error is [`Error`].
///
/// ```
/// fn half(n: u32) -> kernels_core::Result<u32> {
///     Ok(kernels_core::validate::at_least("n", n, 2)? / 2)
/// }
/// assert_eq!(half(8)?, 4);
/// assert_eq!(half(1).unwrap_err().parameter(), "n");
/// # Ok::<(), kernels_core::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Validation helpers: each returns the value when it is acceptable, or an
/// [`Error`] naming the parameter when it is not. Constructors across the
/// workspace use these so that messages read the same everywhere.
pub mod validate {
    use super::{Error, RangeInclusive, Result};

    /// Accepts any finite `value`.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN and ±∞.
    ///
    /// ```
    /// assert_eq!(kernels_core::validate::finite("x", 1.5), Ok(1.5));
    /// assert!(kernels_core::validate::finite("x", f64::INFINITY).is_err());
    /// ```
    pub fn finite(name: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::NotFinite {
                name,
                value: value.to_string(),
            })
        }
    }

    /// Accepts finite `value > 0`.
    ///
    /// # Errors
    /// [`Error::NotFinite`] or [`Error::OutOfRange`].
    ///
    /// ```
    /// assert!(kernels_core::validate::positive("h", 0.05).is_ok());
    /// assert!(kernels_core::validate::positive("h", 0.0).is_err());
    /// ```
    pub fn positive(name: &'static str, value: f64) -> Result<f64> {
        if finite(name, value)? > 0.0 {
            Ok(value)
        } else {
            Err(Error::out_of_range(name, value, "a finite number > 0"))
        }
    }

    /// Accepts finite `value` inside the closed `range`.
    ///
    /// # Errors
    /// [`Error::NotFinite`] or [`Error::OutOfRange`].
    ///
    /// ```
    /// assert!(kernels_core::validate::in_range("nu", 0.35, -1.0..=0.5).is_ok());
    /// assert!(kernels_core::validate::in_range("nu", 0.7, -1.0..=0.5).is_err());
    /// ```
    pub fn in_range(name: &'static str, value: f64, range: RangeInclusive<f64>) -> Result<f64> {
        if range.contains(&finite(name, value)?) {
            Ok(value)
        } else {
            Err(Error::out_of_range(
                name,
                value,
                format_args!("{} ..= {}", range.start(), range.end()),
            ))
        }
    }

    /// Accepts an integer count `value >= min`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] when `value < min`.
    ///
    /// ```
    /// assert_eq!(kernels_core::validate::at_least("steps", 3, 1), Ok(3));
    /// assert!(kernels_core::validate::at_least("width", 0, 1).is_err());
    /// ```
    pub fn at_least<T>(name: &'static str, value: T, min: T) -> Result<T>
    where
        T: PartialOrd + std::fmt::Display + Copy,
    {
        if value >= min {
            Ok(value)
        } else {
            Err(Error::out_of_range(
                name,
                value,
                format_args!("at least {min}"),
            ))
        }
    }

    /// Accepts a grid of `rows × cols` elements of type `T`, each at least one,
    /// whose element count and byte size fit in `isize`; returns the element count.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for a zero dimension, [`Error::TooLarge`] when
    /// the product overflows.
    ///
    /// ```
    /// use kernels_core::validate::grid_len;
    /// assert_eq!(grid_len::<f64>("nx × ny", 512, 512), Ok(262_144));
    /// assert!(grid_len::<f64>("nx × ny", usize::MAX, 2).is_err());
    /// assert!(grid_len::<f64>("nx × ny", 0, 2).is_err());
    /// ```
    pub fn grid_len<T>(name: &'static str, rows: usize, cols: usize) -> Result<usize> {
        at_least(name, rows, 1)?;
        at_least(name, cols, 1)?;
        let too_large = || Error::TooLarge {
            name,
            value: format!("{rows} × {cols}"),
        };
        let len = rows.checked_mul(cols).ok_or_else(too_large)?;
        let bytes = len
            .checked_mul(std::mem::size_of::<T>().max(1))
            .ok_or_else(too_large)?;
        if bytes > isize::MAX as usize {
            Err(too_large())
        } else {
            Ok(len)
        }
    }
}
