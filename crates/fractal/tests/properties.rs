//! Property tests: determinism across backends, schedules and thread counts;
//! the symmetry z ↦ -z; the fast kernels against the textbook reference.

use fractal::{Grid, Julia, Mandelbrot, Region, escape_count, reference};
use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use ndarray::Array2;
use num_complex::Complex64;
use proptest::prelude::*;

fn grid() -> impl Strategy<Value = Grid> {
    prop_oneof![Just(Grid::ClosedForm), Just(Grid::RepeatedAddition)]
}

/// Regions around the interesting part of the plane, of random position and size.
fn region() -> impl Strategy<Value = Region> {
    (-2.5..0.5_f64, 0.01..3.0_f64, -1.5..0.5_f64, 0.01..3.0_f64)
        .prop_map(|(x, w, y, h)| Region::new(x, x + w, y, y + h).unwrap())
}

fn point(range: f64) -> impl Strategy<Value = Complex64> {
    (-range..range, -range..range).prop_map(|(re, im)| Complex64::new(re, im))
}

/// Checks that every schedule on every thread count reproduces `serial`.
fn assert_parallel_matches<K: Kernel<Output = Array2<u32>> + Sync>(
    kernel: &K,
    serial: &Array2<u32>,
) -> Result<(), TestCaseError> {
    for threads in THREAD_COUNTS {
        for schedule in Schedule::ALL {
            let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
            prop_assert_eq!(&parallel, serial, "{} threads, {}", threads, schedule);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn julia_serial_equals_parallel(
        c in point(1.0), region in region(), width in 1_usize..40, height in 1_usize..40,
        max_iter in 1_u32..60, grid in grid(),
    ) {
        let julia = Julia::new(c, region, width, height, max_iter, grid).unwrap();
        let serial = julia.run::<Serial>();
        prop_assert_eq!(serial.dim(), (height, width));
        prop_assert!(serial.iter().all(|&n| n <= max_iter));
        assert_parallel_matches(&julia, &serial)?;
    }

    #[test]
    fn mandelbrot_serial_equals_parallel(
        region in region(), width in 1_usize..40, height in 1_usize..40,
        max_iter in 1_u32..60, grid in grid(),
    ) {
        let m = Mandelbrot::new(region, width, height, max_iter, grid).unwrap();
        let serial = m.run::<Serial>();
        prop_assert_eq!(serial.dim(), (height, width));
        assert_parallel_matches(&m, &serial)?;
    }

    #[test]
    fn julia_fast_equals_reference(
        c in point(1.0), region in region(), width in 1_usize..24, height in 1_usize..24,
        max_iter in 1_u32..80, grid in grid(),
    ) {
        let julia = Julia::new(c, region, width, height, max_iter, grid).unwrap();
        prop_assert_eq!(julia.run::<Serial>(), reference::julia(&julia));
    }

    #[test]
    fn mandelbrot_fast_equals_reference(
        region in region(), width in 1_usize..24, height in 1_usize..24,
        max_iter in 1_u32..80, grid in grid(),
    ) {
        let m = Mandelbrot::new(region, width, height, max_iter, grid).unwrap();
        prop_assert_eq!(m.run::<Serial>(), reference::mandelbrot(&m));
    }

    #[test]
    fn escape_count_is_symmetric_under_negation(
        z in point(3.0), c in point(1.5), max_iter in 1_u32..200,
    ) {
        // (-z)² = z², and |−z| = |z|: the orbits agree from the first step on.
        prop_assert_eq!(escape_count(-z, c, max_iter), escape_count(z, c, max_iter));
    }

    #[test]
    fn mandelbrot_is_symmetric_under_conjugation(c in point(2.0), max_iter in 1_u32..200) {
        let zero = Complex64::new(0.0, 0.0);
        prop_assert_eq!(escape_count(zero, c.conj(), max_iter), escape_count(zero, c, max_iter));
    }

    #[test]
    fn julia_image_is_point_symmetric(
        c in point(1.0), log_width in 1_u32..6, log_height in 1_u32..6,
        max_iter in 1_u32..60, grid in grid(),
    ) {
        // A region symmetric about 0 with power-of-two sizes: every coordinate
        // is exact, and pixel (j, i) at z mirrors pixel (h - j, w - i) at -z.
        let (w, h) = (1_usize << log_width, 1_usize << log_height);
        let region = Region::new(-2.0, 2.0, -2.0, 2.0).unwrap();
        let counts = Julia::new(c, region, w, h, max_iter, grid).unwrap().run::<Serial>();
        for j in 1..h {
            for i in 1..w {
                prop_assert_eq!(counts[(j, i)], counts[(h - j, w - i)], "pixel ({}, {})", j, i);
            }
        }
    }
}

#[test]
fn fast_equals_reference_on_the_published_view_at_small_sizes() {
    let published = Julia::published();
    for size in [1, 2, 7, 50, 101] {
        for grid in Grid::ALL {
            let julia =
                Julia::new(published.c(), published.region(), size, size, 300, grid).unwrap();
            assert_eq!(
                julia.run::<Parallel>(),
                reference::julia(&julia),
                "{size} {grid:?}"
            );
        }
    }
}

#[test]
fn mandelbrot_default_view_is_symmetric_about_the_real_axis() {
    // Height 2^k over y ∈ [-1.5, 1.5] is not dyadic, so compare with an exact grid.
    let region = Region::new(-2.0, 2.0, -2.0, 2.0).unwrap();
    let m = Mandelbrot::new(region, 64, 64, 100, Grid::ClosedForm).unwrap();
    let counts = m.run::<Parallel>();
    for j in 1..64 {
        for i in 0..64 {
            assert_eq!(counts[(j, i)], counts[(64 - j, i)]);
        }
    }
    assert!(fractal::saturated(&counts, 100) > 0);
}
