//! Property tests: backends agree bit for bit, the fast algorithm agrees with
//! the textbook loop, symmetry and boundary conditions hold.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use ndarray::Array2;
use plate::reference::quadruple_loop;
use plate::{Navier, Plate, PointLoad};
use proptest::prelude::*;

/// An arbitrary small problem: any geometry, material, load point, terms and
/// grid. The load stays away from the supports and the grid has interior
/// points, so `w_max` is a real deflection, not rounding noise, and
/// tolerances relative to it mean something.
fn small_navier() -> impl Strategy<Value = Navier> {
    (
        (
            0.1_f64..5.0,
            0.1_f64..5.0,
            0.001_f64..0.2,
            1e9_f64..3e11,
            -0.9_f64..0.5,
        ),
        (-1e5_f64..1e5, 0.05_f64..0.95, 0.05_f64..0.95),
        (1_usize..12, 1_usize..12, 3_usize..24, 3_usize..24),
    )
        .prop_filter_map(
            "nonzero load",
            |((a, b, h, e, nu), (p, fx, fy), (tm, tn, nx, ny))| {
                let plate = Plate::new(a, b, h, e, nu).ok()?;
                Navier::new(plate, PointLoad::new(p, fx * a, fy * b), tm, tn, nx, ny).ok()
            },
        )
}

/// A load on a support: every coefficient has the factor sin(0) = 0, so the
/// whole grid is exactly zero (the strategy above avoids this case).
#[test]
fn a_load_on_the_support_deflects_nothing() {
    let plate = Plate::new(1.0, 2.0, 0.05, 69e9, 0.35).unwrap();
    for (xi, eta) in [(0.0, 1.0), (0.3, 0.0)] {
        let navier = Navier::new(plate, PointLoad::new(1e4, xi, eta), 9, 9, 7, 5).unwrap();
        let deflection = navier.run::<Serial>();
        assert_eq!(deflection.w_max(), 0.0);
        assert_eq!(deflection.alpha(), 0.0);
        assert_eq!(deflection, navier.run::<Parallel>());
    }
}

/// A two-point grid holds only edge points: rounding noise next to the
/// deflection under the load.
#[test]
fn a_two_point_grid_is_all_edge() {
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let navier = Navier::new(plate, PointLoad::new(1e4, 0.5, 0.5), 15, 15, 2, 2).unwrap();
    let deflection = navier.run::<Serial>();
    let centre = navier.deflection_at(0.5, 0.5);
    assert!(deflection.w_max() <= 1e-12 * centre);
    assert_eq!(deflection.w()[[0, 0]], 0.0);
}

fn max_abs(w: &Array2<f64>) -> f64 {
    w.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn max_abs_diff(x: &Array2<f64>, y: &Array2<f64>) -> f64 {
    assert_eq!(x.dim(), y.dim());
    x.iter().zip(y).fold(0.0, |m, (a, b)| m.max((a - b).abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn serial_and_parallel_are_bit_identical(
        navier in small_navier(),
        threads in prop::sample::select(THREAD_COUNTS.to_vec()),
    ) {
        let serial = navier.run::<Serial>();
        for schedule in Schedule::ALL {
            let parallel = in_pool(threads, || navier.run_with::<Parallel>(schedule));
            prop_assert_eq!(parallel.w().dim(), serial.w().dim());
            for (p, s) in parallel.w().iter().zip(serial.w()) {
                prop_assert_eq!(p.to_bits(), s.to_bits());
            }
            prop_assert_eq!(parallel.scale().to_bits(), serial.scale().to_bits());
        }
    }

    #[test]
    fn separable_matches_the_quadruple_loop(navier in small_navier()) {
        let fast = navier.run::<Serial>();
        let slow = quadruple_loop(&navier);
        prop_assert_eq!(fast.w().dim(), (navier.points_y(), navier.points_x()));
        let w_max = max_abs(&slow);
        prop_assert!(max_abs_diff(fast.w(), &slow) <= 1e-12 * w_max);
        prop_assert!((fast.w_max() - w_max).abs() <= 1e-12 * w_max);
    }

    #[test]
    fn edges_do_not_deflect(navier in small_navier()) {
        let deflection = navier.run::<Serial>();
        let w = deflection.w();
        let tolerance = 1e-12 * deflection.w_max();
        let (ny, nx) = w.dim();
        for j in 0..ny {
            // x = 0 gives sin(0) = 0 exactly; x = a gives sin(mπ) ≈ 1e-16·m.
            prop_assert_eq!(w[[j, 0]], 0.0);
            prop_assert!(w[[j, nx - 1]].abs() <= tolerance);
        }
        for i in 0..nx {
            prop_assert_eq!(w[[0, i]], 0.0);
            prop_assert!(w[[ny - 1, i]].abs() <= tolerance);
        }
    }

    /// A central load on a square plate: w is symmetric under x ↔ a − x,
    /// y ↔ b − y and x ↔ y. Not exactly (the grid points a − x_i and the
    /// sines of mirrored arguments round differently), so within 1e-12 of w_max.
    #[test]
    fn central_load_on_a_square_plate_is_symmetric(
        side in 0.2_f64..4.0,
        p in 1.0_f64..1e5,
        terms in 1_usize..14,
        points in 3_usize..26,
    ) {
        let plate = Plate::new(side, side, 0.01, 70e9, 0.3).unwrap();
        let load = PointLoad::new(p, side / 2.0, side / 2.0);
        let navier = Navier::new(plate, load, terms, terms, points, points).unwrap();
        let deflection = navier.run::<Serial>();
        let w = deflection.w();
        let tolerance = 1e-12 * deflection.w_max();
        let last = points - 1;
        for ((j, i), &value) in w.indexed_iter() {
            prop_assert!((value - w[[j, last - i]]).abs() <= tolerance);
            prop_assert!((value - w[[last - j, i]]).abs() <= tolerance);
            prop_assert!((value - w[[i, j]]).abs() <= tolerance);
        }
    }

    #[test]
    fn deflection_at_agrees_with_the_grid(navier in small_navier()) {
        let deflection = navier.run::<Serial>();
        let (x, y) = (navier.x(), navier.y());
        let tolerance = 1e-12 * deflection.w_max();
        for ((j, i), &value) in deflection.w().indexed_iter() {
            prop_assert!((navier.deflection_at(x[i], y[j]) - value).abs() <= tolerance);
        }
    }

    #[test]
    fn deflection_is_linear_in_the_load(navier in small_navier(), factor in 0.5_f64..4.0) {
        let load = navier.load();
        let scaled = Navier::new(
            *navier.plate(),
            PointLoad::new(load.p() * factor, load.xi(), load.eta()),
            navier.terms_m(), navier.terms_n(), navier.points_x(), navier.points_y(),
        ).unwrap();
        let (w, w_scaled) = (navier.run::<Serial>(), scaled.run::<Serial>());
        let tolerance = 1e-12 * w_scaled.w_max();
        for (a, b) in w.w().iter().zip(w_scaled.w()) {
            prop_assert!((a * factor - b).abs() <= tolerance);
        }
        prop_assert!((w.alpha() - w_scaled.alpha()).abs() <= 1e-12 * w.alpha());
    }
}
