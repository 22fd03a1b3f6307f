//! Every instruction set and both shortcut settings give the scalar
//! reference's counts exactly, on every backend, schedule and thread count.

use fractal::{Grid, Julia, Mandelbrot, Region, escape_count, reference};
use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Isa, Kernel, Parallel, Schedule, Serial, Vectorized};
use ndarray::Array2;
use num_complex::Complex64;
use proptest::prelude::*;

/// Plain per-pixel `escape_count` over the kernel's own axes.
fn plain_julia(j: &Julia) -> Array2<u32> {
    let xs = j.region().x_axis(j.width(), j.grid());
    let ys = j.region().y_axis(j.height(), j.grid());
    Array2::from_shape_fn((j.height(), j.width()), |(r, col)| {
        escape_count(Complex64::new(xs[col], ys[r]), j.c(), j.max_iter())
    })
}

/// Every supported `Isa` × shortcuts on/off, serial and parallel (every
/// schedule and thread count when `all_pools`), against `expected`.
fn check_all<K>(kernel: K, expected: &Array2<u32>, all_pools: bool, shortcuts: fn(K, bool) -> K)
where
    K: Kernel<Output = Array2<u32>> + Vectorized + Copy + Sync,
{
    for isa in Isa::supported() {
        for on in [true, false] {
            let k = shortcuts(kernel.with_isa(isa).unwrap(), on);
            assert_eq!(k.isa(), isa);
            assert_eq!(&k.run::<Serial>(), expected, "{isa}, shortcuts {on}");
            if all_pools {
                for threads in THREAD_COUNTS {
                    for schedule in Schedule::ALL {
                        let parallel = in_pool(threads, || k.run_with::<Parallel>(schedule));
                        assert_eq!(&parallel, expected, "{isa} {on} {threads} {schedule}");
                    }
                }
            } else {
                assert_eq!(&k.run::<Parallel>(), expected, "{isa} {on} parallel");
            }
        }
    }
}

fn julia_shortcuts(j: Julia, on: bool) -> Julia {
    j.with_shortcuts(on)
}

fn mandelbrot_shortcuts(m: Mandelbrot, on: bool) -> Mandelbrot {
    m.with_shortcuts(on)
}

#[test]
fn with_isa_accepts_exactly_the_supported_levels() {
    let m = Mandelbrot::default_view(4, 4, 10).unwrap();
    for isa in Isa::ALL {
        assert_eq!(Julia::published().with_isa(isa).is_ok(), isa.is_supported());
        match m.with_isa(isa) {
            Ok(k) => assert_eq!(k.isa(), isa),
            Err(err) => assert_eq!(err.parameter(), "isa"),
        }
    }
    assert_eq!(Julia::published().isa(), Isa::selected());
}

#[test]
fn published_view_every_isa_at_awkward_sizes() {
    let p = Julia::published();
    // Widths around the vector lengths, groups straddling rows, tiny images.
    for (w, h) in [
        (1, 1),
        (3, 50),
        (7, 9),
        (8, 8),
        (13, 11),
        (33, 17),
        (120, 90),
    ] {
        for grid in Grid::ALL {
            let j = Julia::new(p.c(), p.region(), w, h, 300, grid).unwrap();
            let expected = reference::julia(&j);
            check_all(j, &expected, w == 13, julia_shortcuts);
        }
    }
}

#[test]
fn julia_traps_are_exact_at_high_iteration_counts() {
    // Attracting cycles of lengths 1, 2, 3, 4, 7 (the published c) and
    // slowly converging ones near the boundary of the Mandelbrot set.
    let cs = [
        (0.0, 0.0),
        (-1.0, 0.0),
        (-0.123, 0.745),
        (-0.122, 0.75),
        (0.28, 0.53),
        (-0.62772, -0.42193),
        (-0.745, 0.113),
        (0.3, 0.0),
        (-1.3, 0.0),
    ];
    let region = Region::new(-1.6, 1.6, -1.2, 1.2).unwrap();
    for (re, im) in cs {
        let j = Julia::new(
            Complex64::new(re, im),
            region,
            29,
            21,
            3000,
            Grid::ClosedForm,
        )
        .unwrap();
        let expected = plain_julia(&j);
        check_all(j, &expected, false, julia_shortcuts);
    }
}

#[test]
fn mandelbrot_every_isa_and_pool() {
    let m = Mandelbrot::default_view(37, 23, 400).unwrap();
    let expected = reference::mandelbrot(&m);
    check_all(m, &expected, true, mandelbrot_shortcuts);
    // Zoomed into the boundary, where orbits are long and cycles many.
    let region = Region::new(-0.78, -0.72, 0.08, 0.14).unwrap();
    let m = Mandelbrot::new(region, 24, 24, 2000, Grid::RepeatedAddition).unwrap();
    let expected = reference::mandelbrot(&m);
    check_all(m, &expected, false, mandelbrot_shortcuts);
}

#[test]
fn julia_every_isa_and_pool() {
    let j = Julia::new(
        Complex64::new(-0.62772, -0.42193),
        Region::JULIA_PUBLISHED,
        41,
        19,
        300,
        Grid::RepeatedAddition,
    )
    .unwrap();
    let expected = reference::julia(&j);
    check_all(j, &expected, true, julia_shortcuts);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn julia_random_c_every_isa(
        re in -1.6..0.45_f64, im in -0.9..0.9_f64, width in 1_usize..30, height in 1_usize..20,
        max_iter in 1_u32..1500,
    ) {
        let j = Julia::new(Complex64::new(re, im), Region::JULIA_PUBLISHED, width, height,
                           max_iter, Grid::ClosedForm).unwrap();
        let expected = plain_julia(&j);
        for isa in Isa::supported() {
            let k = j.with_isa(isa).unwrap();
            prop_assert_eq!(&k.run::<Serial>(), &expected, "{}", isa);
            prop_assert_eq!(&k.run::<Parallel>(), &expected, "{} parallel", isa);
        }
    }

    #[test]
    fn mandelbrot_random_region_every_isa(
        x in -2.0..0.4_f64, y in -1.2..1.0_f64, size in 1e-3..0.5_f64,
        width in 1_usize..30, height in 1_usize..20, max_iter in 1_u32..1500,
    ) {
        let region = Region::new(x, x + size, y, y + size).unwrap();
        let m = Mandelbrot::new(region, width, height, max_iter, Grid::ClosedForm).unwrap();
        let expected = reference::mandelbrot(&m);
        for isa in Isa::supported() {
            let k = m.with_isa(isa).unwrap();
            prop_assert_eq!(&k.run::<Serial>(), &expected, "{}", isa);
            prop_assert_eq!(&k.run::<Parallel>(), &expected, "{} parallel", isa);
        }
    }
}
