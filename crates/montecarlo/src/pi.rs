//! The π kernel: the fraction of random points in the unit square that fall
//! inside the quarter disc.

use kernels_core::{Backend, Isa, Kernel, Result, Schedule, Vectorized, Work};

use crate::estimate::Estimate;
use crate::estimator::{map_chunks, validate_samples};
use crate::lanes;
use crate::rng::{Rng, seed_words, uniform};

/// One sample of the π estimator: draw `x` then `y` uniform in `[0, 1)`
/// (with [`uniform`]) and return `4` if `x² + y² ≤ 1`, else `0`. Its mean is
/// `4 · (π/4) = π`. The [`Pi`] kernel computes exactly these samples, only
/// faster (it counts hits as integers); this function lets the general
/// [`crate::Estimator`] run the same experiment.
///
/// ```
/// use montecarlo::{Estimator, Kernel, Pi, Serial, pi_sample};
/// let generic = Estimator::new(100_000, 1)?.estimate::<Serial, _>(pi_sample);
/// let fast = Pi::new(100_000, 1)?.run::<Serial>();
/// assert!((generic.mean() - fast.mean()).abs() < 1e-12);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[inline(always)]
pub fn pi_sample(rng: &mut Rng) -> f64 {
    let x = uniform(rng);
    let y = uniform(rng);
    if x * x + y * y <= 1.0 { 4.0 } else { 0.0 }
}

/// The estimate of π from `hits` of `samples` points: mean `4·hits/n`, and
/// the moments of the 0/4 samples in closed form, `M₂ = 16·h·(n − h)/n`, so
/// the standard error `4·√(p̂(1 − p̂)/(n − 1))` comes out exactly as the
/// general estimator's would (up to its rounding).
pub(crate) fn estimate_from_hits(hits: u64, samples: u64) -> Estimate {
    let n = samples as f64;
    let mean = 4.0 * hits as f64 / n;
    let m2 = (16 * u128::from(hits) * u128::from(samples - hits)) as f64 / n;
    Estimate::from_moments(crate::estimate::Moments {
        count: samples,
        mean,
        m2,
    })
}

/// Monte Carlo estimation of π: `samples` points `(x, y)` uniform in the
/// unit square `[0, 1)²`; the fraction inside the quarter disc
/// `x² + y² ≤ 1` estimates its area π/4. (The published version draws from
/// `[-1, 1]²` and the whole disc; by symmetry the probability is the same,
/// and the unit square saves two operations per point.)
///
/// The output is an [`Estimate`] with mean `4·hits/n` and standard error
/// `4·√(p̂(1 − p̂)/(n − 1))`, about 0.00164 at the published 10⁶ samples.
/// Chunks of [`crate::CHUNK_SAMPLES`] points each count their hits as an
/// integer from their own [`crate::stream`]; integer sums do not depend on
/// order, so every backend, thread count and instruction set ([`Isa`], see
/// [`Vectorized`]) gives the same bits, and the same bits as
/// [`crate::reference::pi`]. Within a chunk the hot loop runs 8 segments of
/// the chunk's stream side by side in SIMD lanes, each started by a
/// xoshiro256 jump-ahead (see the crate docs).
///
/// ```
/// use montecarlo::{Kernel, Parallel, Pi, Serial};
/// let pi = Pi::new(200_000, 2024)?;
/// let est = pi.run::<Parallel>();
/// assert_eq!(est, pi.run::<Serial>());
/// assert!((est.mean() - std::f64::consts::PI).abs() < 5.0 * est.std_error());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pi {
    samples: u64,
    seed: u64,
    /// `None`: [`Isa::selected`], looked up when the kernel runs (which keeps
    /// [`Pi::published`] a `const fn`).
    isa: Option<Isa>,
}

impl Pi {
    /// The published sample count, 10⁶.
    ///
    /// ```
    /// assert_eq!(montecarlo::Pi::published().samples(), montecarlo::Pi::PUBLISHED_SAMPLES);
    /// ```
    pub const PUBLISHED_SAMPLES: u64 = 1_000_000;

    /// The seed [`Pi::published`] uses (any seed would do; this one is fixed
    /// so the published case gives the same number every time).
    ///
    /// ```
    /// assert_eq!(montecarlo::Pi::published().seed(), montecarlo::Pi::PUBLISHED_SEED);
    /// ```
    pub const PUBLISHED_SEED: u64 = 2014;

    /// π from `samples` points, seeded with `seed`.
    ///
    /// # Errors
    /// [`kernels_core::Error::OutOfRange`] naming `samples` when
    /// `samples < 2` (a standard error needs two samples) or
    /// `samples >` [`crate::MAX_SAMPLES`].
    ///
    /// ```
    /// use montecarlo::Pi;
    /// assert!(Pi::new(1_000, 0).is_ok());
    /// assert_eq!(Pi::new(0, 0).unwrap_err().parameter(), "samples");
    /// ```
    pub fn new(samples: u64, seed: u64) -> Result<Pi> {
        Ok(Pi {
            samples: validate_samples(samples)?,
            seed,
            isa: None,
        })
    }

    /// The published case: 10⁶ samples ([`Pi::PUBLISHED_SAMPLES`]) with seed
    /// [`Pi::PUBLISHED_SEED`].
    ///
    /// ```
    /// use montecarlo::{Kernel, Pi, Serial};
    /// let est = Pi::published().run::<Serial>();
    /// assert!((est.mean() - std::f64::consts::PI).abs() < 5.0 * est.std_error());
    /// assert!((est.std_error() - 0.00164).abs() < 0.00002);
    /// ```
    #[must_use]
    pub const fn published() -> Pi {
        Pi {
            samples: Pi::PUBLISHED_SAMPLES,
            seed: Pi::PUBLISHED_SEED,
            isa: None,
        }
    }

    /// The number of points.
    ///
    /// ```
    /// assert_eq!(montecarlo::Pi::new(10, 3)?.samples(), 10);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn samples(&self) -> u64 {
        self.samples
    }

    /// The seed of the random streams.
    ///
    /// ```
    /// assert_eq!(montecarlo::Pi::new(10, 3)?.seed(), 3);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of points inside the quarter disc, counted on backend `B`.
    ///
    /// ```
    /// use montecarlo::{Kernel, Pi, Serial};
    /// let pi = Pi::new(10_000, 1)?;
    /// let hits = pi.hits::<Serial>(montecarlo::Schedule::Static);
    /// assert_eq!(pi.run::<Serial>().mean(), 4.0 * hits as f64 / 10_000.0);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn hits<B: Backend>(&self, schedule: Schedule) -> u64 {
        let (seed, isa) = (self.seed, self.isa());
        map_chunks::<B, _>(
            self.samples,
            schedule,
            0,
            |chunk, len| lanes::count_hits(isa, seed_words(seed, chunk), len),
            |a, b| a + b,
        )
    }
}

impl Vectorized for Pi {
    /// The instruction set the hit-counting loop runs with: the one set by
    /// [`Vectorized::with_isa`], else [`Isa::selected`]. Every choice counts
    /// the same hits.
    ///
    /// ```
    /// use montecarlo::{Isa, Pi, Vectorized};
    /// assert_eq!(Pi::published().isa(), Isa::selected());
    /// assert_eq!(Pi::published().with_isa(Isa::Scalar)?.isa(), Isa::Scalar);
    /// # Ok::<(), montecarlo::Error>(())
    /// ```
    fn isa(&self) -> Isa {
        self.isa.unwrap_or_else(Isa::selected)
    }

    /// The same kernel, counting with the loop compiled for `isa`.
    ///
    /// # Errors
    /// [`kernels_core::Error::OutOfRange`] naming `isa` when this CPU does
    /// not support it.
    ///
    /// ```
    /// use montecarlo::{Isa, Kernel, Pi, Serial, Vectorized};
    /// let pi = Pi::new(100_000, 5)?;
    /// let scalar = pi.with_isa(Isa::Scalar)?.run::<Serial>();
    /// for isa in Isa::supported() {
    ///     assert_eq!(pi.with_isa(isa)?.run::<Serial>(), scalar);
    /// }
    /// # Ok::<(), montecarlo::Error>(())
    /// ```
    fn with_isa(self, isa: Isa) -> Result<Pi> {
        Ok(Pi {
            isa: Some(isa.require()?),
            ..self
        })
    }
}

impl Kernel for Pi {
    type Output = Estimate;

    /// Counts hits on backend `B` and turns them into an [`Estimate`].
    ///
    /// ```
    /// use montecarlo::{Kernel, Parallel, Pi, Schedule, Serial};
    /// let pi = Pi::new(100_000, 8)?;
    /// assert_eq!(pi.run_with::<Parallel>(Schedule::Dynamic), pi.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn run_with<B: Backend>(&self, schedule: Schedule) -> Estimate {
        estimate_from_hits(self.hits::<B>(schedule), self.samples)
    }

    /// Static: every chunk costs the same, so equal blocks balance perfectly.
    ///
    /// ```
    /// use montecarlo::{Kernel, Pi, Schedule};
    /// assert_eq!(Pi::published().default_schedule(), Schedule::Static);
    /// ```
    fn default_schedule(&self) -> Schedule {
        Schedule::Static
    }

    /// `samples` "samples"; 3 flops per sample (`x·x + y·y`). Not counted:
    /// the comparison, the two exact scalings by 2⁻⁵³, and the integer work
    /// of the generator (two xoshiro256++ outputs, about a dozen integer
    /// operations each), which is the larger part of the cost. No memory
    /// traffic: bytes = 0.
    ///
    /// ```
    /// use montecarlo::{Kernel, Pi, Serial};
    /// let pi = Pi::published();
    /// let work = pi.work(&pi.run::<Serial>());
    /// assert_eq!((work.items, work.unit, work.flops, work.bytes), (1_000_000, "samples", 3_000_000, 0));
    /// ```
    fn work(&self, _output: &Estimate) -> Work {
        Work::new(self.samples, "samples")
            .with_flops(3 * self.samples)
            .with_bytes(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_moments_match_the_samples() {
        // 3 hits out of 5: samples 4, 4, 4, 0, 0.
        let est = estimate_from_hits(3, 5);
        let xs = [4.0, 4.0, 4.0, 0.0, 0.0];
        let mean: f64 = xs.iter().sum::<f64>() / 5.0;
        let m2: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        assert_eq!(est.mean(), mean);
        assert!((est.std_error() - (m2 / 4.0 / 5.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn all_or_no_hits_have_zero_spread() {
        assert_eq!(estimate_from_hits(0, 7).std_error(), 0.0);
        assert_eq!(estimate_from_hits(7, 7).std_error(), 0.0);
        assert_eq!(estimate_from_hits(7, 7).mean(), 4.0);
    }

    #[test]
    fn count_hits_agrees_with_pi_sample() {
        let mut rng = crate::rng::stream(5, 3);
        let fours = (0..1000).filter(|_| pi_sample(&mut rng) == 4.0).count() as u64;
        for isa in Isa::supported() {
            assert_eq!(
                lanes::count_hits(isa, seed_words(5, 3), 1000),
                fours,
                "{isa}"
            );
        }
    }
}
