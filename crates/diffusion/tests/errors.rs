//! Every kind of bad input gives a typed error naming the parameter.

use diffusion::{Boundary, Case1d, Case2d, Diffusion1d, Diffusion2d, Params};
use kernels_core::Error;
use ndarray::{Array1, Array2};

fn err_2d(initial: Array2<f64>, d: f64, dt: f64, boundary: Boundary) -> Error {
    Diffusion2d::new(initial, d, dt, boundary).unwrap_err()
}

fn err_1d(initial: Array1<f64>, d: f64, dt: f64, boundary: Boundary) -> Error {
    Diffusion1d::new(initial, d, dt, boundary).unwrap_err()
}

#[test]
fn unstable_d_dt_is_rejected_with_the_allowed_range() {
    let err = err_2d(Array2::zeros((8, 8)), 1.0, 0.26, Boundary::Periodic);
    assert_eq!(err.parameter(), "D·dt");
    assert!(matches!(err, Error::OutOfRange { .. }));
    let message = err.to_string();
    assert!(
        message.contains("0.26") && message.contains("0.25"),
        "{message}"
    );
    // Same D·dt but split differently.
    assert_eq!(
        err_2d(Array2::zeros((8, 8)), 2.6, 0.1, Boundary::Fixed).parameter(),
        "D·dt"
    );
    // 0.3 is stable in 1-D but not in 2-D; 0.51 is unstable in 1-D.
    assert!(Diffusion1d::new(Array1::zeros(8), 1.0, 0.3, Boundary::Fixed).is_ok());
    let err = err_1d(Array1::zeros(8), 1.0, 0.51, Boundary::Fixed);
    assert_eq!(err.parameter(), "D·dt");
    assert!(err.to_string().contains("0.5"), "{err}");
    // The limits themselves are stable.
    assert!(Diffusion2d::new(Array2::zeros((3, 3)), 1.0, 0.25, Boundary::Fixed).is_ok());
    assert!(Diffusion1d::new(Array1::zeros(3), 1.0, 0.5, Boundary::Fixed).is_ok());
    // A product that overflows is unstable, not a silent ∞.
    assert_eq!(
        err_2d(Array2::zeros((3, 3)), 1e200, 1e200, Boundary::Fixed).parameter(),
        "D·dt"
    );
}

#[test]
fn non_finite_or_non_positive_d_and_dt_are_rejected() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = err_2d(Array2::zeros((4, 4)), bad, 0.1, Boundary::Periodic);
        assert_eq!(err.parameter(), "d");
        assert!(matches!(err, Error::NotFinite { .. }));
        let err = err_1d(Array1::zeros(4), 1.0, bad, Boundary::Periodic);
        assert_eq!(err.parameter(), "dt");
        assert!(matches!(err, Error::NotFinite { .. }));
    }
    for bad in [0.0, -0.0, -1.0] {
        assert_eq!(
            Params::new(bad, 0.1, Boundary::Fixed)
                .unwrap_err()
                .parameter(),
            "d"
        );
        assert_eq!(
            Params::new(1.0, bad, Boundary::Fixed)
                .unwrap_err()
                .parameter(),
            "dt"
        );
        assert!(matches!(
            Params::new(1.0, bad, Boundary::Fixed),
            Err(Error::OutOfRange { .. })
        ));
    }
}

#[test]
fn non_finite_or_huge_grid_values_are_rejected() {
    for bad in [f64::NAN, f64::INFINITY, -f64::INFINITY] {
        let mut grid = Array2::zeros((5, 5));
        grid[[2, 3]] = bad;
        let err = err_2d(grid, 1.0, 0.1, Boundary::Fixed);
        assert_eq!(err.parameter(), "initial");
        assert!(matches!(err, Error::NotFinite { .. }));
        let mut line = Array1::zeros(5);
        line[4] = bad;
        assert_eq!(
            err_1d(line, 1.0, 0.1, Boundary::Periodic).parameter(),
            "initial"
        );
    }
    // Values so large that the neighbour sum could overflow.
    let mut grid = Array2::zeros((5, 5));
    grid[[0, 0]] = -1e301;
    let err = err_2d(grid, 1.0, 0.1, Boundary::Periodic);
    assert_eq!(err.parameter(), "initial");
    assert!(matches!(err, Error::OutOfRange { .. }));
    // The bound itself is fine and stays finite.
    let mut sim = Diffusion2d::new(
        Array2::from_elem((4, 4), 1e300),
        1.0,
        0.25,
        Boundary::Periodic,
    )
    .unwrap();
    sim.run::<kernels_core::Serial>(3);
    assert!(sim.grid().iter().all(|u| u.is_finite()));
}

#[test]
fn too_small_grids_are_rejected() {
    // Fixed boundaries need 3 cells along each axis, periodic ones 1.
    assert_eq!(
        err_2d(Array2::zeros((0, 5)), 1.0, 0.1, Boundary::Periodic).parameter(),
        "rows"
    );
    assert_eq!(
        err_2d(Array2::zeros((5, 0)), 1.0, 0.1, Boundary::Periodic).parameter(),
        "cols"
    );
    assert_eq!(
        err_2d(Array2::zeros((2, 5)), 1.0, 0.1, Boundary::Fixed).parameter(),
        "rows"
    );
    assert_eq!(
        err_2d(Array2::zeros((5, 2)), 1.0, 0.1, Boundary::Fixed).parameter(),
        "cols"
    );
    assert!(Diffusion2d::new(Array2::zeros((1, 1)), 1.0, 0.1, Boundary::Periodic).is_ok());
    assert_eq!(
        err_1d(Array1::zeros(0), 1.0, 0.1, Boundary::Periodic).parameter(),
        "len"
    );
    assert_eq!(
        err_1d(Array1::zeros(2), 1.0, 0.1, Boundary::Fixed).parameter(),
        "len"
    );
    assert!(Diffusion1d::new(Array1::zeros(1), 1.0, 0.1, Boundary::Periodic).is_ok());
    let err = Case2d::new(Array2::zeros((2, 2)), 1.0, 0.1, Boundary::Fixed, 1).unwrap_err();
    assert_eq!(err.parameter(), "rows");
    let err = Case1d::new(Array1::zeros(2), 1.0, 0.1, Boundary::Fixed, 1).unwrap_err();
    assert_eq!(err.parameter(), "len");
}

#[test]
fn zero_chunk_sizes_are_rejected() {
    let sim = Diffusion2d::new(Array2::zeros((4, 4)), 1.0, 0.1, Boundary::Fixed).unwrap();
    assert_eq!(
        sim.with_rows_per_chunk(0).unwrap_err().parameter(),
        "rows_per_chunk"
    );
    let err = Case2d::published(Boundary::Fixed)
        .with_rows_per_chunk(0)
        .unwrap_err();
    assert_eq!(err.parameter(), "rows_per_chunk");
    let sim = Diffusion1d::new(Array1::zeros(4), 1.0, 0.1, Boundary::Fixed).unwrap();
    assert_eq!(sim.with_chunk_len(0).unwrap_err().parameter(), "chunk_len");
    let err = Case1d::published(Boundary::Fixed)
        .with_chunk_len(0)
        .unwrap_err();
    assert_eq!(err.parameter(), "chunk_len");
}

#[test]
fn bad_boundary_names_are_rejected() {
    for name in ["Periodic", "", "dirichlet", "fixed "] {
        assert_eq!(
            name.parse::<Boundary>().unwrap_err().parameter(),
            "boundary"
        );
    }
    for boundary in Boundary::ALL {
        assert_eq!(boundary.to_string().parse::<Boundary>(), Ok(boundary));
    }
}
