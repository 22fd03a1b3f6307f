//! The plain textbook loops, kept as the yardstick the fast code is tested
//! against.
//!
//! These functions read like the published Python: a `Vec` of particle
//! objects, the time-step loop *outside* and the particle loop inside, and a
//! double loop for the distance matrix. They do **no validation** (a particle
//! at the origin gives NaN here, where Python raised `ZeroDivisionError`) and
//! run on one thread. Use [`crate::Particles`], [`crate::Evolve`] and
//! [`crate::DistanceMatrix`] for real work.
//!
//! ```
//! use particles::reference::{self, Particle};
//! let mut ps = vec![Particle { x: 0.3, y: 0.5, ang_speed: 1.0 }];
//! reference::evolve(&mut ps, 0.1);
//! assert!((ps[0].x - 0.2102698450356825).abs() < 1e-12);
//! ```

use ndarray::Array2;

use crate::TIMESTEP;

/// One particle as the book's object version stores it.
///
/// ```
/// let p = particles::reference::Particle { x: 1.0, y: 0.0, ang_speed: 2.0 };
/// assert_eq!(p.ang_speed, 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Particle {
    /// Position, x coordinate.
    pub x: f64,
    /// Position, y coordinate.
    pub y: f64,
    /// Angular speed: the particle moves along its tangent at speed
    /// `ang_speed` (positive: counter-clockwise).
    pub ang_speed: f64,
}

/// Number of steps as Python computes it: `int(dt / timestep)`
/// (a float division, then truncation toward zero; saturating in Rust).
fn nsteps(dt: f64) -> u64 {
    (dt / TIMESTEP) as u64
}

/// The textbook `evolve(dt)`: for every step, for every particle,
/// `norm = sqrt(x² + y²)`, `v = (-y, x) / norm`,
/// `x += timestep·ang_speed·v_x`, `y += timestep·ang_speed·v_y`.
///
/// ```
/// use particles::reference::{self, Particle};
/// let mut ps = vec![Particle { x: 1.0, y: 0.0, ang_speed: 1.0 }];
/// reference::evolve(&mut ps, 1e-5); // one step along the tangent (0, 1)
/// assert_eq!((ps[0].x, ps[0].y), (1.0, 1e-5));
/// reference::evolve(&mut ps, 0.01); // 999 more: about 0.01 radians in all
/// assert!((ps[0].y.atan2(ps[0].x) - 0.01).abs() < 1e-9);
/// // Each step adds (timestep·ang_speed)² to r²: the Euler radius drift.
/// let r = ps[0].x.hypot(ps[0].y);
/// assert!((r - (1.0 + 1000.0 * 1e-10_f64).sqrt()).abs() < 1e-13);
/// ```
pub fn evolve(particles: &mut [Particle], dt: f64) {
    let nsteps = nsteps(dt);
    for _ in 0..nsteps {
        for p in particles.iter_mut() {
            let norm = (p.x * p.x + p.y * p.y).sqrt();
            let v_x = -p.y / norm;
            let v_y = p.x / norm;
            let d_x = TIMESTEP * p.ang_speed * v_x;
            let d_y = TIMESTEP * p.ang_speed * v_y;
            p.x += d_x;
            p.y += d_y;
        }
    }
}

/// The hoisted variant from the Cython chapter: `t = timestep·ang_speed`
/// per particle, steps inside, `(x, y) ← (x − t·y/norm, y + t·x/norm)`.
///
/// ```
/// use particles::reference::{self, Particle};
/// let mut a = vec![Particle { x: 0.3, y: 0.5, ang_speed: 1.0 }];
/// let mut b = a.clone();
/// reference::evolve(&mut a, 0.1);
/// reference::evolve_hoisted(&mut b, 0.1);
/// assert!((a[0].x - b[0].x).abs() < 1e-12);
/// ```
pub fn evolve_hoisted(particles: &mut [Particle], dt: f64) {
    let nsteps = nsteps(dt);
    for p in particles.iter_mut() {
        let t = TIMESTEP * p.ang_speed;
        let (mut x, mut y) = (p.x, p.y);
        for _ in 0..nsteps {
            let norm = (x * x + y * y).sqrt();
            (x, y) = (x - t * y / norm, y + t * x / norm);
        }
        p.x = x;
        p.y = y;
    }
}

/// The exact solution of the motion the Euler steps approximate: rotation
/// about the origin by the angle `ang_speed·T / r`, where
/// `T = nsteps·timestep` is the time span the Euler methods integrate.
///
/// ```
/// use particles::reference::{self, Particle};
/// let mut ps = vec![Particle { x: 2.0, y: 0.0, ang_speed: 1.0 }];
/// reference::evolve_exact(&mut ps, 0.1);
/// let angle = 0.1_f64 / 2.0;
/// assert!((ps[0].y - 2.0 * angle.sin()).abs() < 1e-15);
/// ```
pub fn evolve_exact(particles: &mut [Particle], dt: f64) {
    let span = nsteps(dt) as f64 * TIMESTEP;
    for p in particles.iter_mut() {
        let r = (p.x * p.x + p.y * p.y).sqrt();
        let angle = p.ang_speed * span / r;
        let (s, c) = (angle.sin(), angle.cos());
        (p.x, p.y) = (p.x * c - p.y * s, p.x * s + p.y * c);
    }
}

/// The all-pairs distance matrix by a plain double loop:
/// `D[i][j] = sqrt((x_j − x_i)² + (y_j − y_i)²)`.
///
/// # Panics
/// Panics if `x` and `y` differ in length.
///
/// ```
/// let d = particles::reference::distance_matrix(&[0.0, 3.0], &[0.0, 4.0]);
/// assert_eq!(d[[0, 1]], 5.0);
/// assert_eq!(d[[1, 1]], 0.0);
/// ```
pub fn distance_matrix(x: &[f64], y: &[f64]) -> Array2<f64> {
    assert_eq!(x.len(), y.len(), "x and y must have the same length");
    let n = x.len();
    let mut d = Array2::zeros((n, n));
    for i in 0..n {
        for j in 0..n {
            let dx = x[j] - x[i];
            let dy = y[j] - y[i];
            d[[i, j]] = (dx * dx + dy * dy).sqrt();
        }
    }
    d
}
