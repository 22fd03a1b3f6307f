//! The textbook algorithm, kept as the yardstick for the fast one.

use std::f64::consts::PI;

use ndarray::Array2;

use crate::navier::inverse_square;
use crate::{Navier, PI_POW_4};

/// The deflection grid computed exactly as the published Python code does:
/// for every grid point, for every `m`, for every `n`, add
///
/// ```text
/// a_mn / (π⁴·D) · (m²/a² + n²/b²)⁻² · sin(mπx/a) · sin(nπy/b),
/// a_mn = 4·P·sin(mπξ/a)·sin(nπη/b) / (a·b)
/// ```
///
/// evaluating four sines, a power and a handful of divisions per term:
/// `points_x · points_y · terms_m · terms_n` term evaluations (2.3 million
/// for the published case, which took 61 s in pure Python). The output has
/// shape `(points_y, points_x)`, row index = y.
///
/// ```
/// use kernels_core::{Kernel, Serial};
/// use plate::{Navier, Plate, PointLoad, reference::quadruple_loop};
///
/// let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
/// let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 15, 15, 21, 21)?;
/// let slow = quadruple_loop(&navier);
/// let fast = navier.run::<Serial>();
/// let w_max = fast.w_max();
/// assert!(slow.iter().zip(fast.w()).all(|(s, f)| (s - f).abs() <= 1e-12 * w_max));
/// assert_eq!(slow[[10, 10]], navier.deflection_at(0.5, 0.5));
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn quadruple_loop(navier: &Navier) -> Array2<f64> {
    let plate = navier.plate();
    let (a, b, d) = (plate.a(), plate.b(), plate.rigidity());
    let load = navier.load();
    let (p, xi, eta) = (load.p(), load.xi(), load.eta());
    let xs = navier.x();
    let ys = navier.y();
    let mut w = Array2::zeros((navier.points_y(), navier.points_x()));
    for (j, &y) in ys.iter().enumerate() {
        for (i, &x) in xs.iter().enumerate() {
            for m in 1..=navier.terms_m() {
                let m = m as f64;
                for n in 1..=navier.terms_n() {
                    let n = n as f64;
                    let a_mn =
                        4.0 * p * (m * PI * xi / a).sin() * (n * PI * eta / b).sin() / (a * b);
                    w[[j, i]] += a_mn / (PI_POW_4 * d)
                        * inverse_square(m * m / (a * a) + n * n / (b * b))
                        * (m * PI * x / a).sin()
                        * (n * PI * y / b).sin();
                }
            }
        }
    }
    w
}
