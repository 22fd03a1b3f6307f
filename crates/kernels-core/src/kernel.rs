//! The `Kernel` trait and work accounting.

use crate::{Backend, Schedule};

/// How much work a run did, in the problem's own unit, so a report can print
/// throughput (items per second) next to the hardware limit (flops per second
/// or bytes per second).
///
/// ```
/// use kernels_core::Work;
/// let work = Work::new(1_000_000, "samples").with_flops(4_000_000).with_bytes(0);
/// assert_eq!(work.items_per_second(0.5), 2_000_000.0);
/// assert_eq!(work.flops_per_second(0.5), 8_000_000.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Units of work done, e.g. escape iterations or cell updates.
    pub items: u64,
    /// The unit's name, plural, e.g. `"escape iterations"`.
    pub unit: &'static str,
    /// Floating-point operations performed (adds, multiplies, divides, square roots).
    pub flops: u64,
    /// Bytes that must move between memory and the core at least once.
    pub bytes: u64,
}

impl Work {
    /// `items` of `unit`, with no flops or bytes counted yet.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(3, "steps").flops, 0);
    /// ```
    #[must_use]
    pub const fn new(items: u64, unit: &'static str) -> Self {
        Work {
            items,
            unit,
            flops: 0,
            bytes: 0,
        }
    }

    /// Sets the floating-point operation count.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(3, "steps").with_flops(12).flops, 12);
    /// ```
    #[must_use]
    pub const fn with_flops(self, flops: u64) -> Self {
        Work { flops, ..self }
    }

    /// Sets the memory traffic in bytes.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(3, "cells").with_bytes(48).bytes, 48);
    /// ```
    #[must_use]
    pub const fn with_bytes(self, bytes: u64) -> Self {
        Work { bytes, ..self }
    }

    /// Items per second for a run that took `seconds`.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(10, "steps").items_per_second(2.0), 5.0);
    /// ```
    #[must_use]
    pub fn items_per_second(&self, seconds: f64) -> f64 {
        self.items as f64 / seconds
    }

    /// Floating-point operations per second for a run that took `seconds`.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(1, "x").with_flops(10).flops_per_second(5.0), 2.0);
    /// ```
    #[must_use]
    pub fn flops_per_second(&self, seconds: f64) -> f64 {
        self.flops as f64 / seconds
    }

    /// Bytes per second for a run that took `seconds`.
    ///
    /// ```
    /// assert_eq!(kernels_core::Work::new(1, "x").with_bytes(10).bytes_per_second(5.0), 2.0);
    /// ```
    #[must_use]
    pub fn bytes_per_second(&self, seconds: f64) -> f64 {
        self.bytes as f64 / seconds
    }
}

/// A validated problem plus a pure computation.
///
/// Construction validates every parameter and returns a `Result`; after that,
/// running cannot fail. The backend is a generic parameter, so
/// `kernel.run::<Serial>()` and `kernel.run::<Parallel>()` are two
/// monomorphised loops with no dynamic dispatch inside them, and they return
/// bit-identical outputs.
///
/// ```
/// use kernels_core::{Backend, Kernel, Parallel, Schedule, Serial, Work};
///
/// /// Sum of 1/k² for k = 1..=n (→ π²/6).
/// struct Basel { n: usize }
///
/// impl Kernel for Basel {
///     type Output = f64;
///     fn run_with<B: Backend>(&self, schedule: Schedule) -> f64 {
///         const CHUNK: usize = 1024;
///         B::map_reduce(self.n.div_ceil(CHUNK), schedule, 0.0, |c| {
///             (c * CHUNK + 1..=((c + 1) * CHUNK).min(self.n))
///                 .map(|k| 1.0 / (k as f64 * k as f64))
///                 .sum::<f64>()
///         }, |a, b| a + b)
///     }
///     fn work(&self, _: &f64) -> Work {
///         Work::new(self.n as u64, "terms").with_flops(3 * self.n as u64)
///     }
/// }
///
/// let basel = Basel { n: 100_000 };
/// let s = basel.run::<Serial>();
/// assert_eq!(s.to_bits(), basel.run::<Parallel>().to_bits());
/// assert!((s - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-4);
/// ```
pub trait Kernel {
    /// What a run produces.
    type Output;

    /// Runs on backend `B` with an explicit schedule (ignored by [`crate::Serial`]).
    fn run_with<B: Backend>(&self, schedule: Schedule) -> Self::Output;

    /// Runs on backend `B` with the kernel's [`Kernel::default_schedule`].
    fn run<B: Backend>(&self) -> Self::Output {
        self.run_with::<B>(self.default_schedule())
    }

    /// The schedule [`Kernel::run`] uses; [`Schedule::Guided`] unless the
    /// kernel knows better.
    fn default_schedule(&self) -> Schedule {
        Schedule::Guided
    }

    /// The work a run that produced `output` did (some kernels, like escape-time
    /// fractals, only know their work after running).
    fn work(&self, output: &Self::Output) -> Work;
}
