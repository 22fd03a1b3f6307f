//! Straightforward transcriptions of the published code, for testing the
//! fast path against.
//!
//! * Periodic boundaries follow the NumPy version:
//!   `laplacian = roll(u, +1, 0) + roll(u, −1, 0) + roll(u, +1, 1) + roll(u, −1, 1) − 4·u`,
//!   `u' = u + dt·D·laplacian`, with whole-array temporaries and a
//!   [`roll`] that wraps indices exactly like `np.roll`.
//! * Fixed boundaries follow the C `evolve` of the FFI chapter: a double loop
//!   over the interior,
//!   `out[i][j] = in[i][j] + D·dt·(in[i+1][j] + in[i−1][j] + in[i][j+1] + in[i][j−1] − 4·in[i][j])`,
//!   edges copied unchanged.
//!
//! 1-D is the same with two neighbours. These functions do not validate
//! anything (they are the formula, nothing more); they allocate new arrays
//! every step, which is exactly why they are slow.
//!
//! ```
//! use diffusion::{Boundary, Diffusion2d, reference};
//! use kernels_core::Serial;
//!
//! let initial = diffusion::published_initial(30, 40);
//! let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.2, Boundary::Periodic)?;
//! sim.run::<Serial>(7);
//! assert_eq!(sim.grid(), reference::run_2d(initial.view(), 1.0, 0.2, Boundary::Periodic, 7));
//! # Ok::<(), kernels_core::Error>(())
//! ```

use ndarray::{Array, Array1, Array2, ArrayView, ArrayView1, ArrayView2, Axis, Dimension};

use crate::Boundary;

/// `np.roll(u, shift, axis)`: element `i` of the result along `axis` is
/// element `(i − shift) mod n` of `u`.
///
/// # Panics
/// Panics if `axis > 1`.
///
/// ```
/// let u = ndarray::array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// let r = diffusion::reference::roll(u.view(), 1, 1);
/// assert_eq!(r, ndarray::array![[3.0, 1.0, 2.0], [6.0, 4.0, 5.0]]);
/// ```
#[must_use]
pub fn roll(u: ArrayView2<'_, f64>, shift: isize, axis: usize) -> Array2<f64> {
    assert!(axis < 2, "a 2-D array has axes 0 and 1, not {axis}");
    let n = u.len_of(Axis(axis));
    let wrap = |i: usize| (i as isize - shift).rem_euclid(n as isize) as usize;
    Array2::from_shape_fn(u.dim(), |(i, j)| {
        if axis == 0 {
            u[[wrap(i), j]]
        } else {
            u[[i, wrap(j)]]
        }
    })
}

/// `np.roll(u, shift)` for a 1-D array.
///
/// ```
/// let r = diffusion::reference::roll_1d(ndarray::array![1.0, 2.0, 3.0].view(), -1);
/// assert_eq!(r, ndarray::array![2.0, 3.0, 1.0]);
/// ```
#[must_use]
pub fn roll_1d(u: ArrayView1<'_, f64>, shift: isize) -> Array1<f64> {
    let n = u.len() as isize;
    Array1::from_shape_fn(u.len(), |i| u[(i as isize - shift).rem_euclid(n) as usize])
}

/// One 2-D step, written like the published NumPy (periodic) or C (fixed) code.
///
/// ```
/// use diffusion::{Boundary, reference};
/// let u = ndarray::array![[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]];
/// let v = reference::step_2d(u.view(), 1.0, 0.1, Boundary::Fixed);
/// assert!((v[[1, 1]] - 0.6).abs() < 1e-15);
/// assert_eq!(v[[0, 1]], 0.0); // edges are kept
/// let w = reference::step_2d(u.view(), 1.0, 0.1, Boundary::Periodic);
/// assert!((w[[0, 1]] - 0.1).abs() < 1e-15);
/// ```
#[must_use]
pub fn step_2d(u: ArrayView2<'_, f64>, d: f64, dt: f64, boundary: Boundary) -> Array2<f64> {
    match boundary {
        Boundary::Periodic => {
            let laplacian =
                &roll(u, 1, 0) + &roll(u, -1, 0) + &roll(u, 1, 1) + &roll(u, -1, 1) - &(&u * 4.0);
            &u + &(laplacian * (dt * d))
        }
        Boundary::Fixed => {
            let (nx, ny) = u.dim();
            let mut out = u.to_owned();
            for i in 1..nx.saturating_sub(1) {
                for j in 1..ny.saturating_sub(1) {
                    out[[i, j]] = u[[i, j]]
                        + d * dt
                            * (u[[i + 1, j]] + u[[i - 1, j]] + u[[i, j + 1]] + u[[i, j - 1]]
                                - 4.0 * u[[i, j]]);
                }
            }
            out
        }
    }
}

/// `steps` steps of [`step_2d`].
///
/// ```
/// use diffusion::{Boundary, reference};
/// let u = diffusion::published_initial(10, 10);
/// let v = reference::run_2d(u.view(), 1.0, 0.1, Boundary::Periodic, 20);
/// assert!((v.sum() - u.sum()).abs() < 1e-15);
/// ```
#[must_use]
pub fn run_2d(
    initial: ArrayView2<'_, f64>,
    d: f64,
    dt: f64,
    boundary: Boundary,
    steps: u64,
) -> Array2<f64> {
    iterate(initial, steps, |u| step_2d(u, d, dt, boundary))
}

/// One 1-D step: periodic `u + dt·D·(roll(u, +1) + roll(u, −1) − 2·u)`; fixed
/// `out[i] = in[i] + D·dt·(in[i+1] + in[i−1] − 2·in[i])` for the interior.
///
/// ```
/// use diffusion::{Boundary, reference};
/// let u = ndarray::array![0.0, 1.0, 0.0, 0.0];
/// assert_eq!(reference::step_1d(u.view(), 1.0, 0.5, Boundary::Fixed), ndarray::array![0.0, 0.0, 0.5, 0.0]);
/// assert_eq!(reference::step_1d(u.view(), 1.0, 0.5, Boundary::Periodic), ndarray::array![0.5, 0.0, 0.5, 0.0]);
/// ```
#[must_use]
pub fn step_1d(u: ArrayView1<'_, f64>, d: f64, dt: f64, boundary: Boundary) -> Array1<f64> {
    match boundary {
        Boundary::Periodic => {
            let laplacian = &roll_1d(u, 1) + &roll_1d(u, -1) - &(&u * 2.0);
            &u + &(laplacian * (dt * d))
        }
        Boundary::Fixed => {
            let n = u.len();
            let mut out = u.to_owned();
            for i in 1..n.saturating_sub(1) {
                out[i] = u[i] + d * dt * (u[i + 1] + u[i - 1] - 2.0 * u[i]);
            }
            out
        }
    }
}

/// `steps` steps of [`step_1d`].
///
/// ```
/// use diffusion::{Boundary, reference};
/// let u = diffusion::published_initial_1d(50);
/// let v = reference::run_1d(u.view(), 1.0, 0.3, Boundary::Fixed, 10);
/// assert_eq!((v[0], v[49]), (0.0, 0.0));
/// ```
#[must_use]
pub fn run_1d(
    initial: ArrayView1<'_, f64>,
    d: f64,
    dt: f64,
    boundary: Boundary,
    steps: u64,
) -> Array1<f64> {
    iterate(initial, steps, |u| step_1d(u, d, dt, boundary))
}

/// `steps` applications of `step` to a copy of `initial`, each to the
/// previous result (the run loop of [`run_1d`] and [`run_2d`]).
fn iterate<D: Dimension>(
    initial: ArrayView<'_, f64, D>,
    steps: u64,
    step: impl Fn(ArrayView<'_, f64, D>) -> Array<f64, D>,
) -> Array<f64, D> {
    let mut u = initial.to_owned();
    for _ in 0..steps {
        u = step(u.view());
    }
    u
}
