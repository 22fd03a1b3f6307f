//! The escape-time iteration itself and summaries of its output.

use ndarray::Array2;
use num_complex::Complex64;

/// Floating-point operations per escape iteration in the fast kernel:
/// `re·re`, `im·im`, their sum for the `< 4` test, `re² − im²`, `+ c.re`,
/// `re·im`, `re·im + re·im` (the doubling) and `+ c.im`.
///
/// ```
/// assert_eq!(fractal::FLOPS_PER_ITERATION, 8);
/// ```
pub const FLOPS_PER_ITERATION: u64 = 8;

/// How many times `z ← z² + c` runs, starting from `z`, before `|z| ≥ 2` or
/// `max_iter` iterations have been done — the published loop:
///
/// ```text
/// n = 0
/// while n < max_iter and re² + im² < 4:
///     z = (re·re − im·im + c.re, re·im + re·im + c.im)
///     n += 1
/// ```
///
/// `|z| < 2` is tested as `re² + im² < 4` (no square root), reusing the two
/// squares for the update. No fused multiply-add is used, and `2·re·im` is
/// computed as `re·im + re·im` exactly as Python's (and `num_complex`'s)
/// complex product does, so every iterate is bit-identical to `z * z + c`.
/// A NaN `z` escapes at once (count 0).
///
/// ```
/// use fractal::escape_count;
/// use num_complex::Complex64;
/// let c = Complex64::new(-0.62772, -0.42193);
/// assert_eq!(escape_count(Complex64::new(0.0, 0.0), c, 300), 300); // in the filled Julia set
/// assert_eq!(escape_count(Complex64::new(1.8, 1.8), c, 300), 0); // |z| ≥ 2 already
/// assert_eq!(escape_count(Complex64::new(1.5, 1.0), c, 300), 1);
/// ```
#[inline(always)]
#[must_use]
pub fn escape_count(z: Complex64, c: Complex64, max_iter: u32) -> u32 {
    let (mut re, mut im) = (z.re, z.im);
    let mut n = 0;
    while n < max_iter {
        let re2 = re * re;
        let im2 = im * im;
        // Tested as `< 4` (not `>= 4` to break) so that NaN escapes, as in
        // the published loop.
        if re2 + im2 < 4.0 {
            let re_im = re * im;
            re = re2 - im2 + c.re;
            im = re_im + re_im + c.im;
            n += 1;
        } else {
            break;
        }
    }
    n
}

/// What the escape loop starts from: a Julia set fixes `c` and starts at the
/// pixel; the Mandelbrot set starts at 0 with `c` = the pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Family {
    Julia(Complex64),
    Mandelbrot,
}

/// Escape counts for one image row at height `y` with columns at `xs`,
/// written to `out` (`out.len() == xs.len()`), by the plain scalar loop.
#[cfg(test)]
pub(crate) fn escape_row(out: &mut [u32], xs: &[f64], y: f64, family: Family, max_iter: u32) {
    let job = crate::lanes::Job {
        xs,
        ys: &[y],
        julia: match family {
            Family::Julia(c) => Some((c.re, c.im)),
            Family::Mandelbrot => None,
        },
        max_iter,
        check: crate::lanes::Check::None,
    };
    crate::lanes::escape_rows(kernels_core::Isa::Scalar, &job, out);
}

/// The sum of all counts: the number of escape iterations the image took.
/// The published 1000×1000, 300-iteration Julia set sums to 33 219 980.
///
/// Saturates at `u64::MAX` instead of overflowing; that needs more than 2³²
/// pixels near `u32::MAX` each, which the kernels' constructors rule out.
///
/// ```
/// let counts = ndarray::array![[1_u32, 2], [3, 300]];
/// assert_eq!(fractal::checksum(&counts), 306);
/// ```
#[must_use]
pub fn checksum(counts: &Array2<u32>) -> u64 {
    counts
        .iter()
        .fold(0_u64, |sum, &n| sum.saturating_add(u64::from(n)))
}

/// How many pixels reached `max_iter` (never escaped): the points drawn as
/// belonging to the set.
///
/// ```
/// let counts = ndarray::array![[1_u32, 300], [300, 7]];
/// assert_eq!(fractal::saturated(&counts, 300), 2);
/// ```
#[must_use]
pub fn saturated(counts: &Array2<u32>, max_iter: u32) -> u64 {
    counts.iter().filter(|&&n| n >= max_iter).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textbook(mut z: Complex64, c: Complex64, max_iter: u32) -> u32 {
        let mut n = 0;
        while n < max_iter && z.norm() < 2.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }

    #[test]
    fn counts_match_the_textbook_loop_on_a_sweep() {
        let c = Complex64::new(-0.62772, -0.42193);
        for i in 0..200 {
            for j in 0..50 {
                let z = Complex64::new(-2.0 + 0.02 * f64::from(i), -1.0 + 0.04 * f64::from(j));
                assert_eq!(escape_count(z, c, 100), textbook(z, c, 100), "z = {z}");
            }
        }
    }

    #[test]
    fn max_iter_caps_the_count() {
        let zero = Complex64::new(0.0, 0.0);
        assert_eq!(escape_count(zero, zero, 0), 0);
        assert_eq!(escape_count(zero, zero, 17), 17);
        assert_eq!(escape_count(zero, Complex64::new(-1.0, 0.0), 1000), 1000);
    }

    #[test]
    fn mandelbrot_c_two_escapes_after_one_step() {
        // z1 = 0 + 2 = 2, |2| < 2 is false.
        let zero = Complex64::new(0.0, 0.0);
        assert_eq!(escape_count(zero, Complex64::new(2.0, 0.0), 50), 1);
        assert_eq!(escape_count(zero, Complex64::new(1.0, 0.0), 50), 2);
    }

    #[test]
    fn non_finite_start_escapes_immediately() {
        let c = Complex64::new(0.0, 0.0);
        assert_eq!(escape_count(Complex64::new(f64::NAN, 0.0), c, 10), 0);
        assert_eq!(escape_count(Complex64::new(f64::INFINITY, 0.0), c, 10), 0);
        assert_eq!(escape_count(Complex64::new(1e300, 1e300), c, 10), 0);
    }

    #[test]
    fn row_matches_single_counts() {
        let xs = [-1.0, -0.5, 0.0, 0.5, 1.0];
        let mut out = [u32::MAX; 5];
        escape_row(&mut out, &xs, 0.25, Family::Mandelbrot, 40);
        for (&x, &n) in xs.iter().zip(&out) {
            assert_eq!(
                n,
                escape_count(Complex64::new(0.0, 0.0), Complex64::new(x, 0.25), 40)
            );
        }
        assert!(out.contains(&40) && out.iter().any(|&n| n < 40));
    }
}
