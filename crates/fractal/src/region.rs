//! The rectangle of the complex plane an image covers, and how its pixel
//! coordinates are built.

use kernels_core::{Error, Result, validate};

/// An axis-aligned rectangle `[x_min, x_max] × [y_min, y_max]` of the complex
/// plane (x = real part, y = imaginary part).
///
/// Pixel column `i` sits at `x[i]`, starting at `x_min`; pixel row `j` sits at
/// `y[j]`, starting at `y_max` (row 0 is the top of the image). See [`Grid`]
/// for how the coordinate lists are built.
///
/// ```
/// use fractal::Region;
/// let r = Region::new(-2.0, 1.0, -1.5, 1.5)?;
/// assert_eq!(r, Region::MANDELBROT_DEFAULT);
/// assert!(Region::new(1.0, -2.0, -1.5, 1.5).is_err());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

impl Region {
    /// The published Julia-set region: x and y both from -1.8 to 1.8.
    ///
    /// ```
    /// let r = fractal::Region::JULIA_PUBLISHED;
    /// assert_eq!((r.x_min(), r.x_max(), r.y_min(), r.y_max()), (-1.8, 1.8, -1.8, 1.8));
    /// ```
    pub const JULIA_PUBLISHED: Region = Region {
        x_min: -1.8,
        x_max: 1.8,
        y_min: -1.8,
        y_max: 1.8,
    };

    /// The classic whole-Mandelbrot-set view: x from -2.0 to 1.0, y from -1.5 to 1.5.
    ///
    /// ```
    /// let r = fractal::Region::MANDELBROT_DEFAULT;
    /// assert_eq!((r.x_min(), r.x_max(), r.y_min(), r.y_max()), (-2.0, 1.0, -1.5, 1.5));
    /// ```
    pub const MANDELBROT_DEFAULT: Region = Region {
        x_min: -2.0,
        x_max: 1.0,
        y_min: -1.5,
        y_max: 1.5,
    };

    /// A region with finite bounds, `x_min < x_max`, `y_min < y_max`, and
    /// spans `x_max - x_min`, `y_max - y_min` that do not overflow.
    ///
    /// # Errors
    /// [`Error::NotFinite`] naming the bound (`"x_min"`, `"x_max"`, `"y_min"`,
    /// `"y_max"`) that is NaN or infinite; [`Error::OutOfRange`] naming
    /// `"x_max"` / `"y_max"` when the interval is empty, inverted, or its
    /// span overflows to infinity.
    ///
    /// ```
    /// use fractal::Region;
    /// assert!(Region::new(-1.0, 1.0, -1.0, 1.0).is_ok());
    /// assert_eq!(Region::new(f64::NAN, 1.0, -1.0, 1.0).unwrap_err().parameter(), "x_min");
    /// assert_eq!(Region::new(-1.0, 1.0, 1.0, 1.0).unwrap_err().parameter(), "y_max");
    /// ```
    pub fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Result<Region> {
        validate::finite("x_min", x_min)?;
        validate::finite("x_max", x_max)?;
        validate::finite("y_min", y_min)?;
        validate::finite("y_max", y_max)?;
        check_interval("x_max", x_min, x_max, "x_min")?;
        check_interval("y_max", y_min, y_max, "y_min")?;
        Ok(Region {
            x_min,
            x_max,
            y_min,
            y_max,
        })
    }

    /// The left edge (smallest real part).
    ///
    /// ```
    /// assert_eq!(fractal::Region::MANDELBROT_DEFAULT.x_min(), -2.0);
    /// ```
    #[must_use]
    pub const fn x_min(&self) -> f64 {
        self.x_min
    }

    /// The right edge (largest real part; no pixel column sits exactly on it).
    ///
    /// ```
    /// assert_eq!(fractal::Region::MANDELBROT_DEFAULT.x_max(), 1.0);
    /// ```
    #[must_use]
    pub const fn x_max(&self) -> f64 {
        self.x_max
    }

    /// The bottom edge (smallest imaginary part; no pixel row sits exactly on it).
    ///
    /// ```
    /// assert_eq!(fractal::Region::MANDELBROT_DEFAULT.y_min(), -1.5);
    /// ```
    #[must_use]
    pub const fn y_min(&self) -> f64 {
        self.y_min
    }

    /// The top edge (largest imaginary part; row 0 of an image).
    ///
    /// ```
    /// assert_eq!(fractal::Region::MANDELBROT_DEFAULT.y_max(), 1.5);
    /// ```
    #[must_use]
    pub const fn y_max(&self) -> f64 {
        self.y_max
    }

    /// The distance between pixel columns, `(x_max - x_min) / width`, as the
    /// published code computes it.
    ///
    /// ```
    /// assert_eq!(fractal::Region::JULIA_PUBLISHED.x_step(1000), 3.6 / 1000.0);
    /// ```
    #[must_use]
    pub fn x_step(&self, width: usize) -> f64 {
        (self.x_max - self.x_min) / width as f64
    }

    /// The (negative) distance between pixel rows, `(y_min - y_max) / height`:
    /// rows run from the top of the image down.
    ///
    /// ```
    /// assert_eq!(fractal::Region::JULIA_PUBLISHED.y_step(1000), -3.6 / 1000.0);
    /// ```
    #[must_use]
    pub fn y_step(&self, height: usize) -> f64 {
        (self.y_min - self.y_max) / height as f64
    }

    /// The real parts of the `width` pixel columns, left to right.
    ///
    /// ```
    /// use fractal::{Grid, Region};
    /// let r = Region::new(-1.0, 1.0, -1.0, 1.0)?;
    /// assert_eq!(r.x_axis(4, Grid::ClosedForm), [-1.0, -0.5, 0.0, 0.5]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn x_axis(&self, width: usize, grid: Grid) -> Vec<f64> {
        grid.axis(self.x_min, self.x_step(width), width)
    }

    /// The imaginary parts of the `height` pixel rows, top to bottom.
    ///
    /// ```
    /// use fractal::{Grid, Region};
    /// let r = Region::new(-1.0, 1.0, -1.0, 1.0)?;
    /// assert_eq!(r.y_axis(4, Grid::RepeatedAddition), [1.0, 0.5, 0.0, -0.5]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn y_axis(&self, height: usize, grid: Grid) -> Vec<f64> {
        grid.axis(self.y_max, self.y_step(height), height)
    }
}

/// Checks `low < high` and that `high - low` is finite, naming `name` (the
/// upper bound) otherwise.
fn check_interval(name: &'static str, low: f64, high: f64, low_name: &str) -> Result<()> {
    if low >= high {
        return Err(Error::out_of_range(
            name,
            high,
            format_args!("greater than {low_name} = {low}"),
        ));
    }
    if !(high - low).is_finite() {
        return Err(Error::out_of_range(
            name,
            high,
            format_args!("a value whose distance from {low_name} = {low} is finite"),
        ));
    }
    Ok(())
}

/// How pixel coordinates are computed from the region and the step.
///
/// The published Python builds each axis by repeated addition
/// (`x = x1; while x < x2: x_list.append(x); x += x_step`), which
/// accumulates rounding error, so pixel `i` is *not* exactly
/// `x1 + i·x_step`. To reproduce the published checksum bit for bit use
/// [`Grid::RepeatedAddition`]; [`Grid::ClosedForm`] is the cleaner choice for
/// new images (and happens to give the same checksum for the published case).
///
/// Both produce exactly the requested number of values. (The Python `while`
/// loop may produce one value more or fewer than intended when the last sum
/// rounds across the end point; `RepeatedAddition` always gives the first
/// `count` terms of the same sequence, i.e. truncates or extends it by the
/// same repeated addition.)
///
/// ```
/// use fractal::Grid;
/// let closed = Grid::ClosedForm.axis(-1.8, 0.0036, 1000);
/// let repeated = Grid::RepeatedAddition.axis(-1.8, 0.0036, 1000);
/// assert_eq!(closed.len(), 1000);
/// assert_eq!(closed[0], repeated[0]);
/// assert_ne!(closed, repeated); // rounding error accumulates differently
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grid {
    /// `start + i·step` for `i = 0, 1, …`.
    ClosedForm,
    /// `start`, `start + step`, `(start + step) + step`, … as the published
    /// Python lists are built.
    RepeatedAddition,
}

impl Grid {
    /// Both grids, for tests and reports.
    ///
    /// ```
    /// assert_eq!(fractal::Grid::ALL.len(), 2);
    /// ```
    pub const ALL: [Grid; 2] = [Grid::ClosedForm, Grid::RepeatedAddition];

    /// The first `count` coordinates starting at `start`, `step` apart.
    ///
    /// ```
    /// use fractal::Grid;
    /// assert_eq!(Grid::RepeatedAddition.axis(0.0, 0.1, 4), [0.0, 0.1, 0.2, 0.30000000000000004]);
    /// assert_eq!(Grid::ClosedForm.axis(0.0, 0.1, 4), [0.0, 0.1, 0.2, 0.30000000000000004]);
    /// assert_eq!(Grid::ClosedForm.axis(0.0, 0.1, 0), []);
    /// ```
    #[must_use]
    pub fn axis(self, start: f64, step: f64, count: usize) -> Vec<f64> {
        match self {
            Grid::ClosedForm => (0..count).map(|i| start + i as f64 * step).collect(),
            Grid::RepeatedAddition => {
                let mut values = Vec::with_capacity(count);
                let mut value = start;
                for _ in 0..count {
                    values.push(value);
                    value += step;
                }
                values
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_axes_match_the_python_while_loops() {
        let r = Region::JULIA_PUBLISHED;
        let xs = crate::reference::while_loop_axis(r.x_min(), r.x_max(), r.x_step(1000), 5000);
        let ys = crate::reference::while_loop_axis(r.y_max(), r.y_min(), r.y_step(1000), 5000);
        assert_eq!(xs.len(), 1000);
        assert_eq!(ys.len(), 1000);
        assert_eq!(xs, r.x_axis(1000, Grid::RepeatedAddition));
        assert_eq!(ys, r.y_axis(1000, Grid::RepeatedAddition));
    }

    #[test]
    fn repeated_addition_differs_from_closed_form_somewhere() {
        let r = Region::JULIA_PUBLISHED;
        let a = r.x_axis(1000, Grid::RepeatedAddition);
        let b = r.x_axis(1000, Grid::ClosedForm);
        assert!(a.iter().zip(&b).any(|(p, q)| p != q));
        assert!(a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-12));
    }

    #[test]
    fn rows_start_at_the_top() {
        let ys = Region::MANDELBROT_DEFAULT.y_axis(3, Grid::ClosedForm);
        assert_eq!(ys, [1.5, 0.5, -0.5]);
    }

    #[test]
    fn overflowing_span_is_rejected() {
        let err = Region::new(-f64::MAX, f64::MAX, 0.0, 1.0).unwrap_err();
        assert_eq!(err.parameter(), "x_max");
        let err = Region::new(0.0, 1.0, -f64::MAX, f64::MAX).unwrap_err();
        assert_eq!(err.parameter(), "y_max");
    }
}
