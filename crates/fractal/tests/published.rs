//! The published Julia case: 1000 × 1000 pixels, 300 iterations, checksum 33 219 980.

use fractal::{Grid, Julia, Region, checksum, reference, saturated};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use num_complex::Complex64;

const PUBLISHED_CHECKSUM: u64 = 33_219_980;

#[test]
fn published_parameters() {
    let julia = Julia::published();
    assert_eq!(julia.c(), Complex64::new(-0.62772, -0.42193));
    assert_eq!(julia.region(), Region::JULIA_PUBLISHED);
    assert_eq!(
        (julia.width(), julia.height(), julia.max_iter()),
        (1000, 1000, 300)
    );
    assert_eq!(julia.grid(), Grid::RepeatedAddition);
    let rebuilt = Julia::new(
        julia.c(),
        Region::new(-1.8, 1.8, -1.8, 1.8).unwrap(),
        1000,
        1000,
        300,
        Grid::RepeatedAddition,
    )
    .unwrap();
    assert_eq!(rebuilt, julia);
}

#[test]
fn published_checksum_serial() {
    let julia = Julia::published();
    let counts = julia.run::<Serial>();
    assert_eq!(counts.dim(), (1000, 1000));
    assert_eq!(checksum(&counts), PUBLISHED_CHECKSUM);
    let work = julia.work(&counts);
    assert_eq!(work.items, PUBLISHED_CHECKSUM);
    assert_eq!(work.flops, 8 * PUBLISHED_CHECKSUM);
    assert_eq!(work.bytes, 4_000_000);
    assert!(saturated(&counts, 300) > 0);
}

#[test]
fn published_checksum_parallel_every_schedule() {
    let julia = Julia::published();
    let serial = julia.run::<Serial>();
    assert_eq!(checksum(&julia.run::<Parallel>()), PUBLISHED_CHECKSUM);
    for schedule in Schedule::ALL {
        assert_eq!(julia.run_with::<Parallel>(schedule), serial, "{schedule}");
    }
}

#[test]
fn published_checksum_closed_form_grid() {
    let julia = Julia::published().with_grid(Grid::ClosedForm);
    let counts = julia.run::<Parallel>();
    assert_eq!(checksum(&counts), PUBLISHED_CHECKSUM);
    // Same sum, but the grids are not identical pixel for pixel everywhere
    // it matters to check: at least the coordinates differ.
    let r = julia.region();
    assert_ne!(
        r.x_axis(1000, Grid::ClosedForm),
        r.x_axis(1000, Grid::RepeatedAddition)
    );
}

#[test]
fn published_checksum_reference() {
    let julia = Julia::published();
    let counts = reference::julia(&julia);
    assert_eq!(checksum(&counts), PUBLISHED_CHECKSUM);
    assert_eq!(counts, julia.run::<Parallel>());
}
