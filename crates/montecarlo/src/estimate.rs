//! The result of a Monte Carlo run: mean, standard error, sample count.

use std::fmt;

use kernels_core::{Result, validate};

/// The two-sided 95 % quantile of the standard normal distribution,
/// Φ⁻¹(0.975), used by [`Estimate::ci95`].
///
/// ```
/// assert!((montecarlo::Z_95 - 1.96).abs() < 1e-3);
/// ```
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Count, mean and sum of squared deviations (M₂) of a batch of samples: the
/// summary of a batch, merged with Chan, Golub and LeVeque's formula.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Moments {
    pub(crate) count: u64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
}

impl Moments {
    /// No samples: the identity of [`Moments::merge`].
    pub(crate) const EMPTY: Moments = Moments {
        count: 0,
        mean: 0.0,
        m2: 0.0,
    };

    /// Chan et al.'s parallel update: the moments of the concatenation of
    /// `self`'s samples and `other`'s.
    pub(crate) fn merge(self, other: Moments) -> Moments {
        if self.count == 0 {
            return other;
        }
        if other.count == 0 {
            return self;
        }
        let count = self.count + other.count;
        let (na, nb, n) = (self.count as f64, other.count as f64, count as f64);
        let delta = other.mean - self.mean;
        Moments {
            count,
            mean: self.mean + delta * (nb / n),
            m2: self.m2 + other.m2 + delta * delta * (na * nb / n),
        }
    }
}

/// A Monte Carlo estimate: the sample mean, its standard error
/// `s / √n` (with the unbiased sample variance `s² = Σ(xᵢ − x̄)² / (n − 1)`),
/// and the number of samples `n ≥ 2`.
///
/// Produced by [`crate::Estimator`] and the [`crate::Pi`] kernel.
///
/// ```
/// use montecarlo::{Estimator, Serial, uniform};
/// let est = Estimator::new(100_000, 1)?.estimate::<Serial, _>(uniform);
/// assert_eq!(est.samples(), 100_000);
/// // The mean of U(0, 1) is 1/2; its standard error is √(1/12 / n).
/// assert!((est.mean() - 0.5).abs() < 5.0 * est.std_error());
/// assert!((est.std_error() / (1.0 / 12.0 / 1e5_f64).sqrt() - 1.0).abs() < 0.02);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    mean: f64,
    std_error: f64,
    samples: u64,
}

impl Estimate {
    /// Builds an estimate from parts already computed (crate-internal: every
    /// public way to get one runs a validated estimator).
    pub(crate) const fn from_parts(mean: f64, std_error: f64, samples: u64) -> Estimate {
        Estimate {
            mean,
            std_error,
            samples,
        }
    }

    /// The estimate of `moments.count ≥ 2` samples.
    pub(crate) fn from_moments(moments: Moments) -> Estimate {
        let n = moments.count as f64;
        let variance_of_mean = moments.m2 / ((n - 1.0) * n);
        Estimate::from_parts(moments.mean, variance_of_mean.sqrt(), moments.count)
    }

    /// The sample mean `x̄ = Σxᵢ / n`: the estimate itself.
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial};
    /// let est = Estimator::new(10, 0)?.estimate::<Serial, _>(|_| 2.5);
    /// assert_eq!(est.mean(), 2.5);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn mean(&self) -> f64 {
        self.mean
    }

    /// The standard error of the mean, `s / √n`: the standard deviation of
    /// [`Estimate::mean`] over repeated runs with different seeds. It shrinks
    /// like `1/√n`: 100× the samples for one more correct digit.
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial};
    /// // A constant has no spread.
    /// let est = Estimator::new(10, 0)?.estimate::<Serial, _>(|_| 2.5);
    /// assert_eq!(est.std_error(), 0.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn std_error(&self) -> f64 {
        self.std_error
    }

    /// The number of samples `n` the estimate averages (at least 2).
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial};
    /// let est = Estimator::new(12_345, 0)?.estimate::<Serial, _>(|_| 1.0);
    /// assert_eq!(est.samples(), 12_345);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn samples(&self) -> u64 {
        self.samples
    }

    /// Whether the mean and the standard error are both finite: false when
    /// the sampling closure returned NaN or ±∞, or values so large that their
    /// squared deviations overflow (see [`crate::Estimator::estimate`]).
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial};
    /// let estimator = Estimator::new(10, 0)?;
    /// assert!(estimator.estimate::<Serial, _>(|_| 1.0).is_finite());
    /// assert!(!estimator.estimate::<Serial, _>(|_| f64::NAN).is_finite());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn is_finite(&self) -> bool {
        self.mean.is_finite() && self.std_error.is_finite()
    }

    /// The normal-approximation confidence interval
    /// `(mean − z·std_error, mean + z·std_error)`: `z = 1.96` ([`Z_95`]) gives
    /// 95 % coverage, `z = 2.576` 99 %. (With many samples the central limit
    /// theorem makes the normal approximation good.)
    ///
    /// # Errors
    /// [`kernels_core::Error`] naming `z` when `z` is NaN, infinite or not
    /// positive.
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial, uniform};
    /// let est = Estimator::new(10_000, 3)?.estimate::<Serial, _>(uniform);
    /// let (low, high) = est.confidence_interval(3.0)?;
    /// assert!(low < 0.5 && 0.5 < high);
    /// assert!((high - est.mean() - 3.0 * est.std_error()).abs() < 1e-15);
    /// assert_eq!(est.confidence_interval(0.0).unwrap_err().parameter(), "z");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn confidence_interval(&self, z: f64) -> Result<(f64, f64)> {
        let z = validate::positive("z", z)?;
        Ok(self.interval(z))
    }

    /// The 95 % confidence interval, [`Estimate::confidence_interval`] with
    /// `z` = [`Z_95`] (which cannot fail).
    ///
    /// ```
    /// use montecarlo::{Kernel, Pi, Serial};
    /// let (low, high) = Pi::published().run::<Serial>().ci95();
    /// assert!(low < std::f64::consts::PI && std::f64::consts::PI < high);
    /// assert!(high - low < 0.007);
    /// ```
    #[must_use]
    pub fn ci95(&self) -> (f64, f64) {
        self.interval(Z_95)
    }

    fn interval(&self, z: f64) -> (f64, f64) {
        let half_width = z * self.std_error;
        (self.mean - half_width, self.mean + half_width)
    }
}

/// `mean ± std_error (n samples)`; a precision applies to both numbers.
///
/// ```
/// use montecarlo::{Estimator, Serial};
/// let est = Estimator::new(4, 0)?.estimate::<Serial, _>(|_| 0.5);
/// assert_eq!(format!("{est:.3}"), "0.500 ± 0.000 (4 samples)");
/// assert_eq!(est.to_string(), "0.5 ± 0 (4 samples)");
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            Some(p) => write!(
                f,
                "{:.p$} ± {:.p$} ({} samples)",
                self.mean, self.std_error, self.samples
            ),
            None => write!(
                f,
                "{} ± {} ({} samples)",
                self.mean, self.std_error, self.samples
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments_of(xs: &[f64]) -> Moments {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let m2 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        Moments {
            count: xs.len() as u64,
            mean,
            m2,
        }
    }

    #[test]
    fn merge_with_empty_is_identity() {
        let m = moments_of(&[1.0, 2.0, 4.0]);
        assert_eq!(Moments::EMPTY.merge(m), m);
        assert_eq!(m.merge(Moments::EMPTY), m);
        assert_eq!(Moments::EMPTY.merge(Moments::EMPTY), Moments::EMPTY);
    }

    #[test]
    fn merge_matches_the_concatenation() {
        let a = [1.0, 2.0, 4.0, 8.0];
        let b = [-3.0, 0.5];
        let merged = moments_of(&a).merge(moments_of(&b));
        let whole = moments_of(&[1.0, 2.0, 4.0, 8.0, -3.0, 0.5]);
        assert_eq!(merged.count, 6);
        assert!((merged.mean - whole.mean).abs() < 1e-15);
        assert!((merged.m2 - whole.m2).abs() < 1e-13 * whole.m2);
    }

    #[test]
    fn std_error_uses_the_unbiased_variance() {
        // Samples 1 and 3: s² = 2, standard error √(2/2) = 1.
        let est = Estimate::from_moments(moments_of(&[1.0, 3.0]));
        assert_eq!(est.mean(), 2.0);
        assert_eq!(est.std_error(), 1.0);
        assert_eq!(est.confidence_interval(2.0), Ok((0.0, 4.0)));
    }

    #[test]
    fn bad_z_is_rejected() {
        let est = Estimate::from_parts(1.0, 0.1, 10);
        for z in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = est.confidence_interval(z).unwrap_err();
            assert_eq!(err.parameter(), "z", "z = {z}");
        }
        assert!(matches!(
            est.confidence_interval(f64::NAN),
            Err(kernels_core::Error::NotFinite { .. })
        ));
        assert!(matches!(
            est.confidence_interval(-1.0),
            Err(kernels_core::Error::OutOfRange { .. })
        ));
    }

    #[test]
    fn ci95_is_z_95() {
        let est = Estimate::from_parts(1.0, 0.5, 10);
        assert_eq!(est.ci95(), est.confidence_interval(Z_95).unwrap());
        assert_eq!(est.ci95(), (1.0 - 0.5 * Z_95, 1.0 + 0.5 * Z_95));
    }
}
