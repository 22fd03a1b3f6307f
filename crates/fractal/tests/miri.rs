//! Small cases that reach every `unsafe` block of the crate on every
//! instruction set this build supports, sized for Miri (`.ci/run` runs this
//! file under `cargo miri test` with the vector instruction sets enabled);
//! under plain `cargo test` they are a quick extra check.

use fractal::{Grid, Julia, Mandelbrot, Region, escape_count};
use kernels_core::testing::assert_serial_and_parallel_give;
use kernels_core::{Isa, Kernel, Serial, Vectorized};
use ndarray::Array2;
use num_complex::Complex64;

#[test]
fn julia_matches_the_plain_loop_on_every_isa() {
    // 11 × 5 pixels: an 8-lane vector and a tail per row; inside and outside
    // points, so both shortcut settings matter.
    let region = Region::new(-1.6, 1.6, -1.2, 1.2).unwrap();
    let c = Complex64::new(-0.62772, -0.42193);
    let julia = Julia::new(c, region, 11, 5, 40, Grid::RepeatedAddition).unwrap();
    let xs = region.x_axis(11, julia.grid());
    let ys = region.y_axis(5, julia.grid());
    let expected = Array2::from_shape_fn((5, 11), |(r, col)| {
        escape_count(Complex64::new(xs[col], ys[r]), c, 40)
    });
    for isa in Isa::supported() {
        for shortcuts in [true, false] {
            let kernel = julia.with_isa(isa).unwrap().with_shortcuts(shortcuts);
            assert_serial_and_parallel_give(&kernel, &expected, &format!("{isa} {shortcuts}"));
        }
    }
}

#[test]
fn mandelbrot_matches_the_scalar_path_on_every_isa() {
    let region = Region::new(-2.0, 0.6, -1.2, 1.2).unwrap();
    let mandelbrot = Mandelbrot::new(region, 11, 5, 40, Grid::RepeatedAddition).unwrap();
    let expected = mandelbrot
        .with_isa(Isa::Scalar)
        .unwrap()
        .with_shortcuts(false)
        .run::<Serial>();
    for isa in Isa::supported() {
        for shortcuts in [true, false] {
            let kernel = mandelbrot.with_isa(isa).unwrap().with_shortcuts(shortcuts);
            assert_serial_and_parallel_give(&kernel, &expected, &format!("{isa} {shortcuts}"));
        }
    }
}
