//! A verified trapping disk around the attracting cycle of a Julia set: an
//! exact shortcut for interior pixels.
//!
//! If `c` has an attracting cycle `p₀ → p₁ → … → p_{λ−1} → p₀`, the interior
//! pixels of the filled Julia set converge to it. Once an orbit is close
//! enough to `p₀`, the *floating-point* orbit provably stays close to the
//! cycle for ever, never reaches `|z| ≥ 2`, and so its count is `max_iter`.
//! [`julia_trap`] finds such a disk `D₀ = {|z − p₀| ≤ r}` and proves, for the
//! floating-point map the kernels compute (no FMA), that every point of `D₀`
//! returns to `D₀` after `λ` steps while every intermediate point stays in
//! `|z| ≤ 1.9`:
//!
//! * with `D_k = {|z − p_k| ≤ r_k}`, `r₀ = r`, and `z ∈ D_k`,
//!   `|fl(f(z)) − p_{k+1}| ≤ |fl(f(z)) − f(z)| + |f(z) − f(p_k)| + |f(p_k) − p_{k+1}|
//!   ≤ η + r_k (2|p_k| + r_k) + (η + closure_k)`, since
//!   `f(z) − f(p_k) = (z − p_k)(z + p_k)`;
//! * `η` bounds the rounding error of one step for `|z| ≤ 2`:
//!   `|fl(f(z)) − f(z)| ≤ u (5|z|² + 2|c|)(1 + 2u)` with `u = 2⁻⁵³` (four
//!   times that is used);
//! * `closure_k` is 0 except for the last step, where it is the measured
//!   `|fl(f(p_{λ−1})) − p₀|`;
//! * the disk is accepted when every `|p_k| + r_k ≤ 1.9` (so `re² + im² < 4`
//!   holds in floating point too) and `r_λ ≤ r` (with a relative safety margin
//!   for the rounding of this bookkeeping itself).
//!
//! By induction the floating-point orbit of any point of `D₀` stays in
//! `D₀ ∪ … ∪ D_{λ−1}` for ever. The kernels test membership with
//! `(re − p₀.re)² + (im − p₀.im)² < (r/2)²` computed in floating point, whose
//! rounding cannot turn a point at distance `≥ r` into a hit. A hit at any
//! iteration therefore *proves* the count is `max_iter`; pixels never
//! entering the disk are iterated as usual. Counts are identical to
//! [`escape_count`](crate::escape_count), only cheaper.

use num_complex::Complex64;

/// `2⁻⁵³`, the unit roundoff of `f64`.
const U: f64 = f64::EPSILON / 2.0;

/// Longest cycle looked for.
const MAX_PERIOD: usize = 64;

/// Iterations of the critical point between attempts, and attempts made.
const BLOCK: usize = 256;
const BLOCKS: usize = 64;

/// A proven trapping disk: a pixel whose orbit satisfies
/// `(re − centre.re)² + (im − centre.im)² < threshold` (computed in `f64`)
/// never escapes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Trap {
    /// `p₀`, a point of the attracting cycle.
    pub centre: Complex64,
    /// `(r/2)²` for the proven radius `r`.
    pub threshold: f64,
    /// The proven radius `r`.
    pub radius: f64,
    /// The cycle length `λ`.
    pub period: usize,
}

/// One step of the kernels' floating-point map.
#[inline(always)]
fn step(z: Complex64, c: Complex64) -> Complex64 {
    let re_im = z.re * z.im;
    Complex64::new(z.re * z.re - z.im * z.im + c.re, re_im + re_im + c.im)
}

/// Upper bound for a non-negative quantity computed in a handful of
/// floating-point operations.
fn up(x: f64) -> f64 {
    x * (1.0 + 1e-10) + 1e-300
}

/// The largest proven trapping disk around the attracting cycle of `c`, or
/// `None` when `c` has no attracting cycle of length ≤ 64 that the critical
/// orbit reaches within 16 384 iterations (including when it escapes).
pub(crate) fn julia_trap(c: Complex64) -> Option<Trap> {
    if !(c.re.is_finite() && c.im.is_finite()) || c.norm() > 2.0 {
        return None;
    }
    let eta = up(4.0 * U * (20.0 + 2.0 * up(c.norm())));
    let mut z = Complex64::new(0.0, 0.0);
    for _ in 0..BLOCKS {
        for _ in 0..BLOCK {
            if z.re * z.re + z.im * z.im >= 4.0 || !z.re.is_finite() || !z.im.is_finite() {
                return None;
            }
            z = step(z, c);
        }
        let mut w = z;
        for period in 1..=MAX_PERIOD {
            w = step(w, c);
            if (w - z).norm() <= 1e-9 {
                if let Some(trap) = verify(z, period, c, eta) {
                    return Some(trap);
                }
                break;
            }
        }
    }
    None
}

/// The largest radius `r = 2⁻ᵏ` (k = 1‥30) for which the disk around `p0` is
/// proven to map into itself after `period` steps (see the module docs).
fn verify(p0: Complex64, period: usize, c: Complex64, eta: f64) -> Option<Trap> {
    let mut points = Vec::with_capacity(period);
    let mut p = p0;
    for _ in 0..period {
        points.push(p);
        p = step(p, c);
    }
    let closure = up((p - p0).norm());
    let mut radius = 0.5_f64;
    for _ in 0..30 {
        let mut rad = radius;
        let mut inside = true;
        for (k, point) in points.iter().enumerate() {
            let norm = up(point.norm());
            if up(norm + rad) > 1.9 {
                inside = false;
                break;
            }
            let last = if k + 1 == period { closure } else { 0.0 };
            rad = up(rad * up(2.0 * norm + rad) + 2.0 * eta + last);
        }
        if inside && rad <= radius {
            let half = radius / 2.0;
            return Some(Trap {
                centre: p0,
                threshold: half * half,
                radius,
                period,
            });
        }
        radius /= 2.0;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape_count;

    #[test]
    fn published_c_has_a_period_7_trap() {
        let trap = julia_trap(Complex64::new(-0.62772, -0.42193)).unwrap();
        assert_eq!(trap.period, 7);
        assert!(trap.radius >= 1e-3, "{trap:?}");
    }

    #[test]
    fn no_trap_without_an_attracting_cycle() {
        assert!(julia_trap(Complex64::new(0.5, 0.5)).is_none()); // critical orbit escapes
        assert!(julia_trap(Complex64::new(3.0, 0.0)).is_none());
        assert!(julia_trap(Complex64::new(f64::NAN, 0.0)).is_none());
    }

    #[test]
    fn fixed_point_and_period_two_traps() {
        let zero = julia_trap(Complex64::new(0.0, 0.0)).unwrap();
        assert_eq!((zero.period, zero.centre), (1, Complex64::new(0.0, 0.0)));
        assert_eq!(julia_trap(Complex64::new(-1.0, 0.0)).unwrap().period, 2);
    }

    #[test]
    fn points_in_the_trap_never_escape() {
        for c in [
            Complex64::new(-0.62772, -0.42193),
            Complex64::new(-0.123, 0.745),
            Complex64::new(0.25, 0.0),
            Complex64::new(-0.75, 0.1),
        ] {
            let Some(trap) = julia_trap(c) else { continue };
            for i in 0..200 {
                let angle = f64::from(i) * 0.37;
                let z = trap.centre
                    + Complex64::from_polar(trap.radius * f64::from(i % 10) / 10.0, angle);
                assert_eq!(escape_count(z, c, 5000), 5000, "c = {c}, z = {z}");
            }
        }
    }
}
