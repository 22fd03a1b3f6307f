//! Property tests: backends agree bit for bit, the fast path equals the
//! reference exactly, and stable steps obey the maximum principle.

use diffusion::{Boundary, Case1d, Case2d, Diffusion1d, Diffusion2d, reference};
use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use ndarray::{Array1, Array2};
use proptest::collection::vec;
use proptest::prelude::*;

/// A `rows × cols` grid with `rows, cols` in `min..40` and values in ±100.
fn grid_2d(min: usize) -> impl Strategy<Value = Array2<f64>> {
    (min..40_usize, min..40_usize).prop_flat_map(|(rows, cols)| {
        vec(-100.0..100.0_f64, rows * cols)
            .prop_map(move |v| Array2::from_shape_vec((rows, cols), v).unwrap())
    })
}

/// A line of `min..max` cells with values in ±100.
fn line(min: usize, max: usize) -> impl Strategy<Value = Array1<f64>> {
    vec(-100.0..100.0_f64, min..max).prop_map(Array1::from_vec)
}

fn boundary() -> impl Strategy<Value = Boundary> {
    prop::sample::select(Boundary::ALL.to_vec())
}

/// `(d, dt)` with `d·dt ≤ limit` (stable), `d` in [0.05, 3).
fn stable_d_dt(limit: f64) -> impl Strategy<Value = (f64, f64)> {
    (0.05..3.0_f64, 0.0..=1.0_f64).prop_map(move |(d, fraction)| {
        let dt = (fraction * limit / d).max(1e-6);
        // Rounding can push d·dt just past the limit; pull it back.
        let dt = if d * dt > limit {
            dt * (1.0 - 1e-12)
        } else {
            dt
        };
        (d, dt)
    })
}

fn min_max<'a>(values: impl IntoIterator<Item = &'a f64>) -> (f64, f64) {
    values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &u| {
            (lo.min(u), hi.max(u))
        })
}

/// `case` gives the serial result on the parallel backend for every thread
/// count and schedule.
fn backends_agree<K>(case: &K) -> Result<(), TestCaseError>
where
    K: Kernel + Sync,
    K::Output: Send + PartialEq + std::fmt::Debug,
{
    let expected = case.run::<Serial>();
    for threads in THREAD_COUNTS {
        for schedule in Schedule::ALL {
            let got = in_pool(threads, || case.run_with::<Parallel>(schedule));
            prop_assert_eq!(&got, &expected, "{} threads, {}", threads, schedule);
        }
    }
    Ok(())
}

/// The values after `steps` stable steps stay within `[lo, hi]`, the range
/// of the initial ones.
fn obeys_the_maximum_principle<'a>(
    (lo, hi): (f64, f64),
    after: impl IntoIterator<Item = &'a f64>,
    steps: u64,
) -> Result<(), TestCaseError> {
    // Each update is a convex combination of old values; allow rounding.
    let slack = 1e-13 * 100.0 * steps as f64;
    let (new_lo, new_hi) = min_max(after);
    prop_assert!(
        new_lo >= lo - slack && new_hi <= hi + slack,
        "[{}, {}] left [{}, {}]",
        new_lo,
        new_hi,
        lo,
        hi
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn serial_and_parallel_2d_are_bit_identical(
        initial in grid_2d(3), boundary in boundary(), (d, dt) in stable_d_dt(0.25),
        steps in 0_u64..6, rows_per_chunk in 1_usize..6,
    ) {
        let case = Case2d::new(initial, d, dt, boundary, steps).unwrap()
            .with_rows_per_chunk(rows_per_chunk).unwrap();
        backends_agree(&case)?;
    }

    #[test]
    fn fast_2d_equals_the_reference_exactly(
        initial in grid_2d(3), boundary in boundary(), (d, dt) in stable_d_dt(0.25),
        steps in 0_u64..10, rows_per_chunk in 1_usize..50,
    ) {
        let expected = reference::run_2d(initial.view(), d, dt, boundary, steps);
        let mut sim = Diffusion2d::new(initial, d, dt, boundary).unwrap()
            .with_rows_per_chunk(rows_per_chunk).unwrap();
        sim.run::<Parallel>(steps);
        prop_assert_eq!(sim.grid(), expected);
        prop_assert_eq!(sim.steps_done(), steps);
    }

    #[test]
    fn tiny_periodic_grids_equal_the_reference(
        initial in (1_usize..5, 1_usize..5).prop_flat_map(|(r, c)| {
            vec(-1.0..1.0_f64, r * c).prop_map(move |v| Array2::from_shape_vec((r, c), v).unwrap())
        }),
        (d, dt) in stable_d_dt(0.25), steps in 0_u64..6,
    ) {
        let expected = reference::run_2d(initial.view(), d, dt, Boundary::Periodic, steps);
        let mut sim = Diffusion2d::new(initial, d, dt, Boundary::Periodic).unwrap();
        sim.run::<Serial>(steps);
        prop_assert_eq!(sim.grid(), expected);
    }

    #[test]
    fn stable_2d_steps_obey_the_maximum_principle(
        initial in grid_2d(3), boundary in boundary(), (d, dt) in stable_d_dt(0.25),
        steps in 1_u64..30,
    ) {
        let range = min_max(&initial);
        let mut sim = Diffusion2d::new(initial, d, dt, boundary).unwrap();
        sim.run::<Parallel>(steps);
        obeys_the_maximum_principle(range, sim.grid(), steps)?;
    }

    #[test]
    fn periodic_2d_conserves_the_total(
        initial in grid_2d(1), (d, dt) in stable_d_dt(0.25), steps in 1_u64..20,
    ) {
        let before = initial.sum();
        let scale = initial.iter().map(|u| u.abs()).sum::<f64>().max(1.0);
        let mut sim = Diffusion2d::new(initial, d, dt, Boundary::Periodic).unwrap();
        sim.run::<Serial>(steps);
        prop_assert!((sim.grid().sum() - before).abs() <= 1e-12 * scale);
    }

    #[test]
    fn serial_and_parallel_1d_are_bit_identical(
        initial in line(3, 300), boundary in boundary(), (d, dt) in stable_d_dt(0.5),
        steps in 0_u64..6, chunk_len in 1_usize..40,
    ) {
        let case = Case1d::new(initial, d, dt, boundary, steps).unwrap()
            .with_chunk_len(chunk_len).unwrap();
        backends_agree(&case)?;
    }

    #[test]
    fn fast_1d_equals_the_reference_exactly(
        initial in line(3, 300), boundary in boundary(), (d, dt) in stable_d_dt(0.5),
        steps in 0_u64..10, chunk_len in 1_usize..100,
    ) {
        let expected = reference::run_1d(initial.view(), d, dt, boundary, steps);
        let mut sim = Diffusion1d::new(initial, d, dt, boundary).unwrap()
            .with_chunk_len(chunk_len).unwrap();
        sim.run::<Parallel>(steps);
        prop_assert_eq!(sim.grid(), expected);
    }

    #[test]
    fn tiny_periodic_lines_equal_the_reference(
        initial in line(1, 5), (d, dt) in stable_d_dt(0.5), steps in 0_u64..6,
        chunk_len in 1_usize..4,
    ) {
        let expected = reference::run_1d(initial.view(), d, dt, Boundary::Periodic, steps);
        let mut sim = Diffusion1d::new(initial, d, dt, Boundary::Periodic).unwrap()
            .with_chunk_len(chunk_len).unwrap();
        sim.run::<Serial>(steps);
        prop_assert_eq!(sim.grid(), expected);
    }

    #[test]
    fn stable_1d_steps_obey_the_maximum_principle(
        initial in line(3, 300), boundary in boundary(), (d, dt) in stable_d_dt(0.5),
        steps in 1_u64..30,
    ) {
        let range = min_max(&initial);
        let mut sim = Diffusion1d::new(initial, d, dt, boundary).unwrap();
        sim.run::<Parallel>(steps);
        obeys_the_maximum_principle(range, sim.grid(), steps)?;
    }

    #[test]
    fn fixed_edges_never_change(
        initial in grid_2d(3), (d, dt) in stable_d_dt(0.25), steps in 1_u64..10,
    ) {
        let mut sim = Diffusion2d::new(initial.clone(), d, dt, Boundary::Fixed).unwrap();
        sim.run::<Parallel>(steps);
        let (rows, cols) = initial.dim();
        let grid = sim.grid();
        for i in 0..rows {
            for j in [0, cols - 1] {
                prop_assert_eq!(grid[[i, j]].to_bits(), initial[[i, j]].to_bits());
            }
        }
        for j in 0..cols {
            for i in [0, rows - 1] {
                prop_assert_eq!(grid[[i, j]].to_bits(), initial[[i, j]].to_bits());
            }
        }
    }
}

#[test]
fn fixed_boundary_matches_the_c_loop_after_many_steps_on_both_backends() {
    // Non-zero edges, an asymmetric grid, several steps.
    let initial = Array2::from_shape_fn((17, 23), |(i, j)| {
        ((i * 31 + j * 7) % 13) as f64 * 0.37 - 1.0
    });
    let expected = reference::run_2d(initial.view(), 0.7, 0.3, Boundary::Fixed, 25);
    let mut serial = Diffusion2d::new(initial.clone(), 0.7, 0.3, Boundary::Fixed).unwrap();
    serial.run::<Serial>(25);
    assert_eq!(serial.grid(), expected);
    for threads in THREAD_COUNTS {
        let mut parallel = Diffusion2d::new(initial.clone(), 0.7, 0.3, Boundary::Fixed)
            .unwrap()
            .with_rows_per_chunk(2)
            .unwrap();
        in_pool(threads, || parallel.run::<Parallel>(25));
        assert_eq!(parallel.grid(), expected, "{threads} threads");
    }
}

#[test]
fn non_standard_layouts_are_accepted() {
    let initial = Array2::from_shape_fn((9, 6), |(i, j)| (i * 6 + j) as f64);
    let fortran = initial
        .t()
        .as_standard_layout()
        .into_owned()
        .reversed_axes(); // 9 × 6, column-major
    assert!(!fortran.is_standard_layout());
    let mut a = Diffusion2d::new(initial.clone(), 1.0, 0.2, Boundary::Periodic).unwrap();
    let mut b = Diffusion2d::new(fortran, 1.0, 0.2, Boundary::Periodic).unwrap();
    a.run::<Serial>(4);
    b.run::<Serial>(4);
    assert_eq!(a.grid(), b.grid());
}
