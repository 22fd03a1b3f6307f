//! Runtime instruction-set dispatch: one hot loop, compiled for several
//! instruction sets, chosen when the program runs.
//!
//! A plain `cargo build --release` targets baseline x86-64 (SSE2), which
//! leaves AVX2 and AVX-512 unused. Instead of asking users for `RUSTFLAGS`,
//! each kernel writes its hot loop once as an `#[inline(always)]` function,
//! wraps it in one `#[target_feature(enable = ...)]` function per
//! instruction set, and picks the wrapper at run time from [`Isa`]. Kernels
//! store the [`Isa`] they will use; it defaults to [`Isa::selected`] and can be
//! changed with [`Vectorized::with_isa`].
//!
//! Every instruction set gives the same answers as the scalar path (no FMA
//! contraction: Rust never fuses `a * b + c` on its own), which each crate
//! tests by forcing every supported path.
//!
//! The environment variable `KERNELS_ISA` (`scalar`, `avx2` or `avx512`)
//! caps the default, so a test run or a benchmark can exercise the fallbacks
//! on any machine:
//!
//! ```text
//! KERNELS_ISA=scalar cargo test --workspace
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::Error;

/// An instruction-set level a hot loop can be compiled for.
///
/// ```
/// use kernels_core::Isa;
/// assert!(Isa::Scalar.is_supported());
/// assert!(Isa::selected().is_supported());
/// assert_eq!("avx2".parse::<Isa>()?, Isa::Avx2);
/// assert!(Isa::Scalar < Isa::Avx512);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Baseline code for the compile target (SSE2 on x86-64), no runtime features.
    Scalar,
    /// x86-64 AVX2 + FMA (256-bit vectors, 4 × f64). FMA is enabled for
    /// codegen only; kernels never fuse unless a variant says so.
    Avx2,
    /// x86-64 AVX-512 F/DQ/VL/BW (512-bit vectors, 8 × f64, mask registers).
    Avx512,
}

impl Isa {
    /// Every level, from the most portable to the widest.
    ///
    /// ```
    /// use kernels_core::Isa;
    /// assert_eq!(Isa::ALL[0], Isa::Scalar);
    /// assert!(Isa::ALL.windows(2).all(|pair| pair[0] < pair[1]));
    /// assert!(Isa::ALL.contains(&Isa::selected()));
    /// ```
    pub const ALL: [Isa; 3] = [Isa::Scalar, Isa::Avx2, Isa::Avx512];

    /// The environment variable that caps [`Isa::selected`].
    ///
    /// ```
    /// use kernels_core::Isa;
    /// assert_eq!(Isa::ENV_VAR, "KERNELS_ISA");
    /// if let Ok(cap) = std::env::var(Isa::ENV_VAR) {
    ///     if let Ok(cap) = cap.trim().parse::<Isa>() {
    ///         assert!(Isa::selected() <= cap);
    ///     }
    /// }
    /// ```
    pub const ENV_VAR: &'static str = "KERNELS_ISA";

    /// Lower-case name: `scalar`, `avx2`, `avx512`.
    ///
    /// ```
    /// assert_eq!(kernels_core::Isa::Avx512.name(), "avx512");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// f64 lanes of one vector register at this level (1 for scalar).
    ///
    /// ```
    /// assert_eq!(kernels_core::Isa::Avx2.f64_lanes(), 4);
    /// ```
    #[must_use]
    pub const fn f64_lanes(self) -> usize {
        match self {
            Isa::Scalar => 1,
            Isa::Avx2 => 4,
            Isa::Avx512 => 8,
        }
    }

    /// Whether this CPU can run code compiled for this level.
    ///
    /// ```
    /// assert!(kernels_core::Isa::Scalar.is_supported());
    /// ```
    #[must_use]
    pub fn is_supported(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The levels this CPU supports, scalar first (what tests iterate over).
    ///
    /// ```
    /// let supported = kernels_core::Isa::supported();
    /// assert_eq!(supported[0], kernels_core::Isa::Scalar);
    /// ```
    #[must_use]
    pub fn supported() -> Vec<Isa> {
        Isa::ALL
            .into_iter()
            .filter(|isa| isa.is_supported())
            .collect()
    }

    /// The widest supported level.
    ///
    /// ```
    /// assert!(kernels_core::Isa::best_supported().is_supported());
    /// ```
    #[must_use]
    pub fn best_supported() -> Isa {
        Isa::ALL
            .into_iter()
            .rev()
            .find(|isa| isa.is_supported())
            .unwrap_or(Isa::Scalar)
    }

    /// The level new kernels use: the widest supported one, capped by the
    /// `KERNELS_ISA` environment variable when it is set to a valid name.
    /// Read once per process.
    ///
    /// ```
    /// let isa = kernels_core::Isa::selected();
    /// assert!(isa <= kernels_core::Isa::best_supported());
    /// ```
    #[must_use]
    pub fn selected() -> Isa {
        static SELECTED: OnceLock<Isa> = OnceLock::new();
        *SELECTED.get_or_init(|| {
            let best = Isa::best_supported();
            match std::env::var(Isa::ENV_VAR)
                .ok()
                .and_then(|v| v.trim().parse::<Isa>().ok())
            {
                Some(cap) => cap.min(best),
                None => best,
            }
        })
    }

    /// Returns `self` if this CPU supports it.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] naming `isa` when the CPU lacks the features.
    ///
    /// ```
    /// assert!(kernels_core::Isa::Scalar.require().is_ok());
    /// ```
    pub fn require(self) -> Result<Isa, Error> {
        if self.is_supported() {
            Ok(self)
        } else {
            let names: Vec<&str> = Isa::supported().into_iter().map(Isa::name).collect();
            Err(Error::out_of_range(
                "isa",
                self.name(),
                format_args!("one this CPU supports: {}", names.join(", ")),
            ))
        }
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Isa {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Isa::ALL
            .into_iter()
            .find(|isa| isa.name() == s)
            .ok_or_else(|| Error::out_of_range("isa", s, "one of scalar, avx2, avx512"))
    }
}

/// A kernel whose hot loop has one compiled variant per [`Isa`].
///
/// ```
/// use kernels_core::{Isa, Vectorized};
///
/// #[derive(Debug)]
/// struct Scale { isa: Isa }
/// impl Vectorized for Scale {
///     fn isa(&self) -> Isa { self.isa }
///     fn with_isa(self, isa: Isa) -> kernels_core::Result<Self> {
///         Ok(Scale { isa: isa.require()? })
///     }
/// }
/// let kernel = Scale { isa: Isa::selected() }.with_isa(Isa::Scalar)?;
/// assert_eq!(kernel.isa(), Isa::Scalar);
/// # Ok::<(), kernels_core::Error>(())
/// ```
pub trait Vectorized: Sized {
    /// The instruction set the kernel's hot loop will run with.
    fn isa(&self) -> Isa;

    /// The same kernel, running its hot loop compiled for `isa`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] naming `isa` when this CPU does not support it
    /// (see [`Isa::require`]).
    fn with_isa(self, isa: Isa) -> Result<Self, Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for isa in Isa::ALL {
            assert_eq!(isa.name().parse::<Isa>().unwrap(), isa);
        }
        assert_eq!("sse9".parse::<Isa>().unwrap_err().parameter(), "isa");
    }

    #[test]
    fn supported_levels_are_a_prefix() {
        let supported = Isa::supported();
        assert_eq!(supported, Isa::ALL[..supported.len()].to_vec());
        assert_eq!(*supported.last().unwrap(), Isa::best_supported());
    }

    #[test]
    fn unsupported_level_is_an_error_naming_isa() {
        for isa in Isa::ALL {
            assert_eq!(isa.require().is_ok(), isa.is_supported());
            if let Err(err) = isa.require() {
                assert_eq!(err.parameter(), "isa");
            }
        }
    }
}
