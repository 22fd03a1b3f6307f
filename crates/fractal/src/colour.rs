//! Turning escape counts into pixels.
//!
//! [`to_rgb`] maps a count grid to row-major 8-bit RGB (three bytes per
//! pixel, row 0 first), ready for any image encoder. Pixels that reached
//! `max_iter` (in the set) are black; the others are coloured by
//! `t = √(count / max_iter)`, the square root stretching the many low counts
//! near the edge of the image.
//!
//! ```
//! use fractal::colour::{ColourMap, to_rgb};
//! let counts = ndarray::array![[0_u32, 50], [100, 100]];
//! let rgb = to_rgb(&counts, 100, ColourMap::Fire);
//! assert_eq!(rgb.len(), 3 * 4);
//! assert_eq!(&rgb[9..12], &[0, 0, 0]); // in the set
//! ```

use std::fmt;
use std::str::FromStr;

use kernels_core::Error;
use ndarray::Array2;

/// A colour map from `t ∈ [0, 1)` (the scaled escape count) to RGB.
///
/// ```
/// use fractal::colour::ColourMap;
/// assert_eq!(ColourMap::Grey.colour(25, 100), [128, 128, 128]);
/// assert_eq!(ColourMap::Fire.colour(100, 100), [0, 0, 0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ColourMap {
    /// Black to white.
    #[default]
    Grey,
    /// Black through red and yellow to white.
    Fire,
    /// Black through blue and cyan to white.
    Ice,
}

impl ColourMap {
    /// Every colour map, for reports and command lines.
    ///
    /// ```
    /// assert_eq!(fractal::colour::ColourMap::ALL.len(), 3);
    /// ```
    pub const ALL: [ColourMap; 3] = [ColourMap::Grey, ColourMap::Fire, ColourMap::Ice];

    /// The lower-case name: `"grey"`, `"fire"`, `"ice"`.
    ///
    /// ```
    /// use fractal::colour::ColourMap;
    /// assert_eq!(ColourMap::Fire.name(), "fire");
    /// assert_eq!("fire".parse::<ColourMap>()?, ColourMap::Fire);
    /// assert!("mauve".parse::<ColourMap>().is_err());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ColourMap::Grey => "grey",
            ColourMap::Fire => "fire",
            ColourMap::Ice => "ice",
        }
    }

    /// The colour of a pixel with escape count `count` out of `max_iter`:
    /// black when `count ≥ max_iter` (in the set), otherwise the map at
    /// `t = √(count / max_iter)`.
    ///
    /// ```
    /// use fractal::colour::ColourMap;
    /// assert_eq!(ColourMap::Grey.colour(0, 100), [0, 0, 0]);
    /// assert_eq!(ColourMap::Fire.colour(25, 100), [255, 128, 0]);
    /// assert_eq!(ColourMap::Ice.colour(25, 100), [0, 128, 255]);
    /// assert_eq!(ColourMap::Ice.colour(5, 0), [0, 0, 0]);
    /// ```
    #[must_use]
    pub fn colour(self, count: u32, max_iter: u32) -> [u8; 3] {
        if count >= max_iter {
            return [0, 0, 0];
        }
        let t = (f64::from(count) / f64::from(max_iter)).sqrt();
        let ramp = |offset: f64| channel(3.0 * t - offset);
        match self {
            ColourMap::Grey => {
                let g = channel(t);
                [g, g, g]
            }
            ColourMap::Fire => [ramp(0.0), ramp(1.0), ramp(2.0)],
            ColourMap::Ice => [ramp(2.0), ramp(1.0), ramp(0.0)],
        }
    }
}

/// `v` clamped to `[0, 1]` and scaled to a byte.
fn channel(v: f64) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

impl fmt::Display for ColourMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ColourMap {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ColourMap::ALL
            .into_iter()
            .find(|map| map.name() == s)
            .ok_or_else(|| Error::out_of_range("colour map", s, "one of grey, fire, ice"))
    }
}

/// Row-major 8-bit RGB for a count grid: `3 · width · height` bytes, row 0
/// (the top of the image, `y_max`) first. Pixels with `count ≥ max_iter`
/// are black.
///
/// ```
/// use fractal::colour::{ColourMap, to_rgb};
/// use fractal::{Julia, checksum};
/// use kernels_core::{Kernel, Serial};
/// # let julia = Julia::new(num_complex::Complex64::new(-0.62772, -0.42193),
/// #     fractal::Region::JULIA_PUBLISHED, 40, 30, 300, fractal::Grid::ClosedForm)?;
/// let counts = julia.run::<Serial>();
/// let rgb = to_rgb(&counts, julia.max_iter(), ColourMap::Grey);
/// assert_eq!(rgb.len(), 3 * 40 * 30);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn to_rgb(counts: &Array2<u32>, max_iter: u32, map: ColourMap) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(3 * counts.len());
    for &count in counts {
        rgb.extend_from_slice(&map.colour(count, max_iter));
    }
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_points_are_black_and_others_are_not_all_black() {
        let counts = ndarray::array![[0_u32, 1, 2], [3, 299, 300]];
        for map in ColourMap::ALL {
            let rgb = to_rgb(&counts, 300, map);
            assert_eq!(rgb.len(), 18);
            assert_eq!(&rgb[15..], &[0, 0, 0], "{map}");
            assert!(rgb[3..15].iter().any(|&b| b > 0), "{map}");
        }
    }

    #[test]
    fn brightness_grows_with_count() {
        for map in ColourMap::ALL {
            let sums: Vec<u32> = (0..100)
                .map(|n| map.colour(n, 100).iter().map(|&b| u32::from(b)).sum())
                .collect();
            assert!(sums.windows(2).all(|w| w[0] <= w[1]), "{map}");
            assert!(sums[99] > 600, "{map}: near-set points are near white");
        }
    }

    #[test]
    fn row_major_order_follows_logical_layout() {
        // A transposed (non-standard layout) view still comes out row by row.
        let counts = ndarray::array![[0_u32, 100], [50, 7]];
        let transposed = counts.t().to_owned();
        let rgb = to_rgb(&transposed, 100, ColourMap::Grey);
        assert_eq!(rgb[3], ColourMap::Grey.colour(50, 100)[0]);
    }

    #[test]
    fn names_round_trip() {
        for map in ColourMap::ALL {
            assert_eq!(map.name().parse::<ColourMap>(), Ok(map));
        }
        assert_eq!(
            "x".parse::<ColourMap>().unwrap_err().parameter(),
            "colour map"
        );
    }
}
