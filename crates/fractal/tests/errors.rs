//! Every kind of bad input is a typed error naming the parameter.

use fractal::{Grid, Julia, Mandelbrot, Region};
use kernels_core::Error;
use num_complex::Complex64;

const C: Complex64 = Complex64::new(-0.62772, -0.42193);
const R: Region = Region::JULIA_PUBLISHED;

fn julia(width: usize, height: usize, max_iter: u32) -> Result<Julia, Error> {
    Julia::new(C, R, width, height, max_iter, Grid::ClosedForm)
}

fn mandelbrot(width: usize, height: usize, max_iter: u32) -> Result<Mandelbrot, Error> {
    Mandelbrot::new(R, width, height, max_iter, Grid::RepeatedAddition)
}

#[test]
fn zero_width() {
    let err = julia(0, 10, 10).unwrap_err();
    assert_eq!(err.parameter(), "width");
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(mandelbrot(0, 10, 10).unwrap_err().parameter(), "width");
}

#[test]
fn zero_height() {
    let err = julia(10, 0, 10).unwrap_err();
    assert_eq!(err.parameter(), "height");
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(
        Mandelbrot::default_view(10, 0, 10).unwrap_err().parameter(),
        "height"
    );
}

#[test]
fn overflowing_pixel_count() {
    let err = julia(usize::MAX, 2, 10).unwrap_err();
    assert_eq!(err.parameter(), "width × height");
    assert!(matches!(err, Error::TooLarge { .. }));
    let err = mandelbrot(1 << 40, 1 << 40, 10).unwrap_err();
    assert_eq!(err.parameter(), "width × height");
}

#[test]
fn overflowing_work_count() {
    // 2^40 pixels fit in usize but 2^40 × 2^32 iterations × 8 flops do not fit in u64.
    let err = julia(1 << 20, 1 << 20, u32::MAX).unwrap_err();
    assert_eq!(err.parameter(), "width × height × max_iter");
    assert!(matches!(err, Error::TooLarge { .. }));
}

#[test]
fn zero_max_iter() {
    let err = julia(10, 10, 0).unwrap_err();
    assert_eq!(err.parameter(), "max_iter");
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(
        Mandelbrot::default_view(10, 10, 0).unwrap_err().parameter(),
        "max_iter"
    );
}

#[test]
fn non_finite_c() {
    for c in [
        Complex64::new(f64::NAN, 0.0),
        Complex64::new(0.0, f64::INFINITY),
        Complex64::new(f64::NEG_INFINITY, 0.0),
    ] {
        let err = Julia::new(c, R, 10, 10, 10, Grid::ClosedForm).unwrap_err();
        assert_eq!(err.parameter(), "c");
        assert!(matches!(err, Error::NotFinite { .. }));
    }
}

#[test]
fn non_finite_region_bounds() {
    let cases = [
        (Region::new(f64::NAN, 1.0, -1.0, 1.0), "x_min"),
        (Region::new(-1.0, f64::INFINITY, -1.0, 1.0), "x_max"),
        (Region::new(-1.0, 1.0, f64::NEG_INFINITY, 1.0), "y_min"),
        (Region::new(-1.0, 1.0, -1.0, f64::NAN), "y_max"),
    ];
    for (result, name) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.parameter(), name);
        assert!(matches!(err, Error::NotFinite { .. }));
    }
}

#[test]
fn inverted_or_empty_region() {
    let cases = [
        (Region::new(1.0, -1.0, -1.0, 1.0), "x_max"),
        (Region::new(1.0, 1.0, -1.0, 1.0), "x_max"),
        (Region::new(-1.0, 1.0, 1.0, -1.0), "y_max"),
        (Region::new(-1.0, 1.0, 0.5, 0.5), "y_max"),
        (Region::new(-f64::MAX, f64::MAX, -1.0, 1.0), "x_max"),
    ];
    for (result, name) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.parameter(), name);
        assert!(matches!(err, Error::OutOfRange { .. }));
        assert!(err.to_string().contains(name));
    }
}
