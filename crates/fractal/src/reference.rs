//! The textbook version, written to read like the published pure-Python code.
//!
//! The Python builds two coordinate lists with `while` loops, then flat lists
//! `zs` and `cs` with one complex number per pixel, then runs
//!
//! ```text
//! def calculate_z_serial_purepython(maxiter, zs, cs):
//!     output = [0] * len(zs)
//!     for i in range(len(zs)):
//!         n = 0
//!         z = zs[i]
//!         c = cs[i]
//!         while abs(z) < 2 and n < maxiter:
//!             z = z * z + c
//!             n += 1
//!         output[i] = n
//!     return output
//! ```
//!
//! The functions here do exactly that with [`num_complex::Complex64`]
//! (`z * z + c`, and `z.norm()`, which is `hypot` like Python's `abs`). They
//! allocate two `Complex64` per pixel and are single-threaded: they exist to
//! check the fast kernels, not to be fast.
//!
//! ```
//! use fractal::{Julia, checksum, reference};
//! use kernels_core::{Kernel, Serial};
//! use num_complex::Complex64;
//! let julia = Julia::new(Complex64::new(-0.62772, -0.42193), fractal::Region::JULIA_PUBLISHED,
//!                        50, 50, 300, fractal::Grid::RepeatedAddition)?;
//! assert_eq!(reference::julia(&julia), julia.run::<Serial>());
//! # Ok::<(), kernels_core::Error>(())
//! ```

use ndarray::Array2;
use num_complex::Complex64;

use crate::{Grid, Julia, Mandelbrot, Region};

/// The published list construction: `v = start; while v < stop: push(v);
/// v += step` (or `while v > stop` when `step` is negative).
///
/// `limit` caps the list length, only so that a `step` lost to rounding
/// cannot loop forever.
///
/// ```
/// use fractal::reference::while_loop_axis;
/// assert_eq!(while_loop_axis(0.0, 1.0, 0.25, 100), [0.0, 0.25, 0.5, 0.75]);
/// assert_eq!(while_loop_axis(1.0, 0.0, -0.5, 100), [1.0, 0.5]);
/// // Rounding can add a value: the tenth sum 0.1 + … + 0.1 = 0.9999999999999999 < 1,
/// // so ten steps of 0.1 give 11 values, not 10.
/// assert_eq!(while_loop_axis(0.0, 1.0, 0.1, 100).len(), 11);
/// ```
#[must_use]
pub fn while_loop_axis(start: f64, stop: f64, step: f64, limit: usize) -> Vec<f64> {
    let mut values = Vec::new();
    let mut value = start;
    while (if step < 0.0 {
        value > stop
    } else {
        value < stop
    }) && values.len() < limit
    {
        values.push(value);
        value += step;
    }
    values
}

/// One axis as the published code builds it, adjusted to exactly `count`
/// values: the `while` list, truncated or extended by the same repeated
/// addition ([`Grid::RepeatedAddition`]), or `start + i·step`
/// ([`Grid::ClosedForm`]).
fn axis(grid: Grid, start: f64, stop: f64, step: f64, count: usize) -> Vec<f64> {
    match grid {
        Grid::ClosedForm => (0..count).map(|i| start + i as f64 * step).collect(),
        Grid::RepeatedAddition => {
            let mut values = while_loop_axis(start, stop, step, count);
            let mut next = values.last().map_or(start, |&last| last + step);
            while values.len() < count {
                values.push(next);
                next += step;
            }
            values
        }
    }
}

/// The coordinate lists `(x, y)` for an image: x from `x_min` rightwards
/// with step `(x_max - x_min) / width`, y from `y_max` downwards with step
/// `(y_min - y_max) / height`.
fn coordinate_lists(
    region: Region,
    width: usize,
    height: usize,
    grid: Grid,
) -> (Vec<f64>, Vec<f64>) {
    let x = axis(
        grid,
        region.x_min(),
        region.x_max(),
        region.x_step(width),
        width,
    );
    let y = axis(
        grid,
        region.y_max(),
        region.y_min(),
        region.y_step(height),
        height,
    );
    (x, y)
}

/// `calculate_z_serial_purepython`: the escape count for every `(zs[i], cs[i])`.
///
/// ```
/// use num_complex::Complex64;
/// let zs = [Complex64::new(0.0, 0.0), Complex64::new(3.0, 0.0)];
/// let cs = [Complex64::new(-1.0, 0.0); 2];
/// assert_eq!(fractal::reference::calculate_z(10, &zs, &cs), [10, 0]);
/// ```
#[must_use]
pub fn calculate_z(maxiter: u32, zs: &[Complex64], cs: &[Complex64]) -> Vec<u32> {
    let mut output = vec![0; zs.len()];
    for i in 0..zs.len().min(cs.len()) {
        let mut n = 0;
        let mut z = zs[i];
        let c = cs[i];
        while z.norm() < 2.0 && n < maxiter {
            z = z * z + c;
            n += 1;
        }
        output[i] = n;
    }
    output
}

/// Puts a flat row-major list of counts into a `(height, width)` array.
fn to_array(output: Vec<u32>, height: usize, width: usize) -> Array2<u32> {
    let mut counts = Array2::zeros((height, width));
    counts.iter_mut().zip(output).for_each(|(a, b)| *a = b);
    counts
}

/// An image computed the textbook way: the published coordinate lists, flat
/// lists `zs` and `cs` with the pair `start(x + y·i) = (z0, c)` for every
/// pixel (row by row from `y_max`), [`calculate_z`], and the counts put into a
/// `(height, width)` array.
fn image(
    region: Region,
    width: usize,
    height: usize,
    max_iter: u32,
    grid: Grid,
    start: impl Fn(Complex64) -> (Complex64, Complex64),
) -> Array2<u32> {
    let (x, y) = coordinate_lists(region, width, height, grid);
    let mut zs = Vec::new();
    let mut cs = Vec::new();
    for &ycoord in &y {
        for &xcoord in &x {
            let (z, c) = start(Complex64::new(xcoord, ycoord));
            zs.push(z);
            cs.push(c);
        }
    }
    to_array(calculate_z(max_iter, &zs, &cs), height, width)
}

/// The Julia image of `kernel`, computed the textbook way.
///
/// ```
/// use fractal::{Julia, checksum, reference};
/// let julia = Julia::published();
/// # let julia = Julia::new(julia.c(), julia.region(), 40, 40, 30, julia.grid())?;
/// let counts = reference::julia(&julia);
/// assert_eq!(counts.dim(), (julia.height(), julia.width()));
/// assert!(checksum(&counts) > 0);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn julia(kernel: &Julia) -> Array2<u32> {
    let c = kernel.c();
    image(
        kernel.region(),
        kernel.width(),
        kernel.height(),
        kernel.max_iter(),
        kernel.grid(),
        |pixel| (pixel, c),
    )
}

/// The Mandelbrot image of `kernel`, computed the textbook way: `zs` all
/// zero, `cs` the pixels.
///
/// ```
/// use fractal::{Mandelbrot, reference};
/// let m = Mandelbrot::default_view(30, 20, 50)?;
/// let counts = reference::mandelbrot(&m);
/// assert_eq!(counts[(10, 20)], 50); // c = 0 is in the set
/// assert_eq!(counts[(0, 0)], 1); // c = -2 + 1.5i escapes after one step
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn mandelbrot(kernel: &Mandelbrot) -> Array2<u32> {
    image(
        kernel.region(),
        kernel.width(),
        kernel.height(),
        kernel.max_iter(),
        kernel.grid(),
        |pixel| (Complex64::new(0.0, 0.0), pixel),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_addition_axis_is_extended_and_truncated_like_the_fast_grid() {
        // 1/10 steps to 1: the while loop gives 11 values (one too many); the
        // adjusted list always has `count`.
        assert_eq!(while_loop_axis(0.0, 1.0, 0.1, 1000).len(), 11);
        for (start, stop, count) in [
            (0.0, 1.0, 10),
            (0.0, 0.7, 7),
            (-1.8, 1.8, 1000),
            (0.0, 1.0, 49),
        ] {
            let step = (stop - start) / count as f64;
            let values = axis(Grid::RepeatedAddition, start, stop, step, count);
            assert_eq!(values, Grid::RepeatedAddition.axis(start, step, count));
        }
    }

    #[test]
    fn while_loop_length_differs_from_count_for_some_sizes() {
        // The reason both grids pin the count: the literal loop is not always `count` long.
        let off = (1..200)
            .filter(|&n| while_loop_axis(0.0, 1.0, 1.0 / f64::from(n), 1000).len() != n as usize)
            .count();
        assert!(off > 0);
    }

    #[test]
    fn zero_step_does_not_hang() {
        assert_eq!(while_loop_axis(0.0, 1.0, 0.0, 5).len(), 5);
    }
}
