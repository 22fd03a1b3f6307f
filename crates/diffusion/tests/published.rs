//! The published 512 × 512 block case (PROBLEMS.md §4).

use diffusion::{Boundary, Case2d, Diffusion2d, published_initial, reference};
use kernels_core::{Kernel, Parallel, Serial};

/// 52 · 52 cells of 0.005.
const PUBLISHED_TOTAL: f64 = 13.52;

#[test]
fn published_periodic_case_conserves_the_total() {
    let case = Case2d::published(Boundary::Periodic);
    let initial_total = case.initial().sum();
    assert!((initial_total - PUBLISHED_TOTAL).abs() <= 1e-12 * PUBLISHED_TOTAL);

    let grid = case.run::<Parallel>();
    let total = grid.sum();
    assert!(
        (total - PUBLISHED_TOTAL).abs() <= 1e-12 * PUBLISHED_TOTAL,
        "total after 500 steps: {total}"
    );
    // The block has spread over about sqrt(2·D·t) = 10 cells: its centre
    // barely changed, its corner lost most, and mass reached cells well
    // outside it.
    let peak = grid.iter().copied().fold(f64::MIN, f64::max);
    assert!(peak < 0.005 && peak > 0.0048, "peak {peak}");
    assert!(grid[[204, 204]] < 0.0015, "corner {}", grid[[204, 204]]);
    assert!(grid[[194, 230]] > 1e-4 && grid[[230, 194]] > 1e-4);
    assert!(grid.iter().all(|&u| (0.0..=0.005).contains(&u)));
    // The initial block is symmetric under transposition; so is the result,
    // up to the rounding of the different neighbour order.
    for (a, b) in grid.iter().zip(grid.t().iter()) {
        assert!((a - b).abs() <= 1e-15, "{a} vs {b}");
    }

    let work = case.work(&grid);
    assert_eq!(work.items, 512 * 512 * 500);
    assert_eq!(work.unit, "cell-updates");
    assert_eq!(work.flops, 7 * work.items);
    assert_eq!(work.bytes, 16 * work.items);
}

#[test]
fn published_grid_matches_the_reference_bit_for_bit_for_a_few_steps() {
    let initial = published_initial(512, 512);
    for boundary in Boundary::ALL {
        let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.1, boundary).unwrap();
        sim.run::<Parallel>(3);
        let expected = reference::run_2d(initial.view(), 1.0, 0.1, boundary, 3);
        assert_eq!(sim.grid(), expected, "{boundary}");
    }
}

#[test]
fn published_setup_on_a_smaller_grid_matches_the_reference_for_many_steps() {
    // Same block geometry, D, dt; 96² and 200 steps so the spreading block
    // wraps around the periodic edges and reaches the fixed ones.
    let initial = published_initial(96, 96);
    for boundary in Boundary::ALL {
        let case = Case2d::new(initial.clone(), 1.0, 0.1, boundary, 200).unwrap();
        let expected = reference::run_2d(initial.view(), 1.0, 0.1, boundary, 200);
        assert_eq!(case.run::<Serial>(), expected, "{boundary}");
        assert_eq!(case.run::<Parallel>(), expected, "{boundary}");
    }
}

#[test]
fn fixed_boundary_loses_mass_through_the_edges_but_keeps_them_at_zero() {
    let initial = published_initial(40, 40);
    let case = Case2d::new(initial, 1.0, 0.25, Boundary::Fixed, 400).unwrap();
    let grid = case.run::<Parallel>();
    let initial_total = 4.0 * 4.0 * 0.005; // block [16, 20)²
    assert!(grid.sum() < 0.5 * initial_total, "total {}", grid.sum());
    for k in 0..40 {
        assert_eq!(grid[[0, k]], 0.0);
        assert_eq!(grid[[39, k]], 0.0);
        assert_eq!(grid[[k, 0]], 0.0);
        assert_eq!(grid[[k, 39]], 0.0);
    }
    assert_eq!(case.work(&grid).items, 38 * 38 * 400);
}
