//! The [`Julia`] and [`Mandelbrot`] kernels.

use kernels_core::memory::advise_huge_pages;
use kernels_core::{Backend, Error, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use ndarray::Array2;
use num_complex::Complex64;

use crate::escape::{FLOPS_PER_ITERATION, Family, checksum};
use crate::lanes::{Check, Job, escape_rows};
use crate::trap::julia_trap;
use crate::{Grid, Region};

/// The smallest number of pixels a parallel chunk should hold; narrow images
/// put several rows in one chunk. A function of the width only, so chunk
/// boundaries never depend on the thread count.
const MIN_PIXELS_PER_CHUNK: usize = 256;

/// Rows per chunk for an image `width` pixels wide: one row once
/// `width ≥ 256`, enough rows for 256 pixels otherwise.
fn rows_per_chunk(width: usize) -> usize {
    MIN_PIXELS_PER_CHUNK.div_ceil(width.max(1)).max(1)
}

/// The validated image parameters both kernels share.
#[derive(Debug, Clone, Copy)]
struct View {
    region: Region,
    width: usize,
    height: usize,
    max_iter: u32,
    grid: Grid,
    /// `None`: [`Isa::selected`] at run time (lets `published` stay `const`).
    isa: Option<Isa>,
    /// Whether the exact interior shortcuts (trap, periodicity) are used.
    shortcuts: bool,
}

impl PartialEq for View {
    /// Equal images with equal settings; an unset `isa` equals
    /// [`Isa::selected`].
    fn eq(&self, other: &View) -> bool {
        self.region == other.region
            && (self.width, self.height, self.max_iter)
                == (other.width, other.height, other.max_iter)
            && self.grid == other.grid
            && self.isa() == other.isa()
            && self.shortcuts == other.shortcuts
    }
}

impl View {
    fn new(region: Region, width: usize, height: usize, max_iter: u32, grid: Grid) -> Result<View> {
        validate::at_least("width", width, 1)?;
        validate::at_least("height", height, 1)?;
        let pixels = validate::grid_len::<u32>("width × height", height, width)?;
        validate::at_least("max_iter", max_iter, 1)?;
        // Make sure the work accounting (pixels × max_iter × flops) cannot overflow.
        u64::try_from(pixels)
            .ok()
            .and_then(|p| p.checked_mul(u64::from(max_iter)))
            .and_then(|i| i.checked_mul(FLOPS_PER_ITERATION))
            .ok_or_else(|| Error::TooLarge {
                name: "width × height × max_iter",
                value: format!("{width} × {height} × {max_iter}"),
            })?;
        Ok(View {
            region,
            width,
            height,
            max_iter,
            grid,
            isa: Some(Isa::selected()),
            shortcuts: true,
        })
    }

    fn isa(&self) -> Isa {
        self.isa.unwrap_or_else(Isa::selected)
    }

    /// Fills a `(height, width)` array with escape counts, one chunk of whole
    /// rows at a time, each chunk by the SIMD hot loop for the kernel's
    /// [`Isa`] (dispatched once per chunk).
    fn escape<B: Backend>(&self, family: Family, schedule: Schedule) -> Array2<u32> {
        let (width, max_iter, isa) = (self.width, self.max_iter, self.isa());
        let xs = self.region.x_axis(width, self.grid);
        let ys = self.region.y_axis(self.height, self.grid);
        let check = match (family, self.shortcuts) {
            (_, false) => Check::None,
            (Family::Mandelbrot, true) => Check::Periodic,
            (Family::Julia(c), true) => match julia_trap(c) {
                Some(trap) => Check::Trap {
                    re: trap.centre.re,
                    im: trap.centre.im,
                    threshold: trap.threshold,
                },
                None => Check::Periodic,
            },
        };
        let julia = match family {
            Family::Julia(c) => Some((c.re, c.im)),
            Family::Mandelbrot => None,
        };
        let rows = rows_per_chunk(width);
        let mut counts = Array2::<u32>::zeros((self.height, width));
        let Some(pixels) = counts.as_slice_mut() else {
            unreachable!("Array2::zeros is in standard layout")
        };
        // Zeroed fresh memory is not written until the chunks write it.
        advise_huge_pages(pixels);
        B::for_each_chunk(
            pixels,
            rows * width,
            schedule,
            |chunk_index, chunk: &mut [u32]| {
                let first_row = chunk_index * rows;
                let job = Job {
                    xs: &xs,
                    ys: &ys[first_row..(first_row + rows).min(ys.len())],
                    julia,
                    max_iter,
                    check,
                };
                escape_rows(isa, &job, chunk);
            },
        );
        counts
    }

    fn work(&self, counts: &Array2<u32>) -> Work {
        let iterations = checksum(counts);
        let pixels = (self.width as u64).saturating_mul(self.height as u64);
        Work::new(iterations, "escape iterations")
            .with_flops(iterations.saturating_mul(FLOPS_PER_ITERATION))
            .with_bytes(pixels.saturating_mul(4))
    }
}

/// The filled Julia set of `z ↦ z² + c`: for every pixel `z0 = x + y·i`, the
/// number of iterations before `|z| ≥ 2` (at most `max_iter`).
///
/// Runs as a [`Kernel`] producing an `Array2<u32>` of shape `(height, width)`
/// (row 0 = `y_max`). [`Kernel::work`] reports the escape iterations (the
/// [`checksum`]), [`FLOPS_PER_ITERATION`] flops each, and 4 bytes written per
/// pixel. The default schedule is [`Schedule::Guided`]: rows through the set
/// cost far more than rows near the edge.
///
/// ```
/// use fractal::{Grid, Julia, Region, checksum};
/// use kernels_core::{Kernel, Parallel, Serial};
/// use num_complex::Complex64;
///
/// let julia = Julia::new(Complex64::new(-0.8, 0.156), Region::JULIA_PUBLISHED, 64, 48, 100, Grid::ClosedForm)?;
/// let counts = julia.run::<Parallel>();
/// assert_eq!(counts.dim(), (48, 64));
/// assert_eq!(counts, julia.run::<Serial>());
/// assert_eq!(julia.work(&counts).items, checksum(&counts));
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Julia {
    c: Complex64,
    view: View,
}

impl Julia {
    /// A Julia-set image of `region` at `width × height` pixels.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for a NaN or infinite `"c"`;
    /// [`Error::OutOfRange`] for `"width"`, `"height"` or `"max_iter"` = 0;
    /// [`Error::TooLarge`] when `"width × height"` pixels (or the work count
    /// `"width × height × max_iter"`) overflow.
    ///
    /// ```
    /// use fractal::{Grid, Julia, Region};
    /// use num_complex::Complex64;
    /// let c = Complex64::new(-0.62772, -0.42193);
    /// assert!(Julia::new(c, Region::JULIA_PUBLISHED, 10, 10, 50, Grid::ClosedForm).is_ok());
    /// let err = Julia::new(c, Region::JULIA_PUBLISHED, 10, 10, 0, Grid::ClosedForm).unwrap_err();
    /// assert_eq!(err.parameter(), "max_iter");
    /// ```
    pub fn new(
        c: Complex64,
        region: Region,
        width: usize,
        height: usize,
        max_iter: u32,
        grid: Grid,
    ) -> Result<Julia> {
        validate::finite("c", c.re)?;
        validate::finite("c", c.im)?;
        Ok(Julia {
            c,
            view: View::new(region, width, height, max_iter, grid)?,
        })
    }

    /// The published case: `c = -0.62772 - 0.42193i`, region
    /// [`Region::JULIA_PUBLISHED`], 1000 × 1000 pixels, 300 iterations,
    /// [`Grid::RepeatedAddition`]. Its counts sum to 33 219 980.
    ///
    /// ```
    /// use fractal::{Grid, Julia};
    /// let julia = Julia::published();
    /// assert_eq!((julia.width(), julia.height(), julia.max_iter()), (1000, 1000, 300));
    /// assert_eq!(julia.grid(), Grid::RepeatedAddition);
    /// ```
    #[must_use]
    pub const fn published() -> Julia {
        Julia {
            c: Complex64::new(-0.62772, -0.42193),
            view: View {
                region: Region::JULIA_PUBLISHED,
                width: 1000,
                height: 1000,
                max_iter: 300,
                grid: Grid::RepeatedAddition,
                isa: None,
                shortcuts: true,
            },
        }
    }

    /// The constant `c` in `z ↦ z² + c`.
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().c(), num_complex::Complex64::new(-0.62772, -0.42193));
    /// ```
    #[must_use]
    pub const fn c(&self) -> Complex64 {
        self.c
    }

    /// The region of the plane the image covers.
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().region(), fractal::Region::JULIA_PUBLISHED);
    /// ```
    #[must_use]
    pub const fn region(&self) -> Region {
        self.view.region
    }

    /// Pixels per row (columns of the output).
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().width(), 1000);
    /// ```
    #[must_use]
    pub const fn width(&self) -> usize {
        self.view.width
    }

    /// Rows of the output.
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().height(), 1000);
    /// ```
    #[must_use]
    pub const fn height(&self) -> usize {
        self.view.height
    }

    /// The iteration cap: pixels that reach it are taken to be in the set.
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().max_iter(), 300);
    /// ```
    #[must_use]
    pub const fn max_iter(&self) -> u32 {
        self.view.max_iter
    }

    /// How pixel coordinates are built.
    ///
    /// ```
    /// assert_eq!(fractal::Julia::published().grid(), fractal::Grid::RepeatedAddition);
    /// ```
    #[must_use]
    pub const fn grid(&self) -> Grid {
        self.view.grid
    }

    /// The same image with another pixel-coordinate [`Grid`].
    ///
    /// ```
    /// use fractal::{Grid, Julia};
    /// assert_eq!(Julia::published().with_grid(Grid::ClosedForm).grid(), Grid::ClosedForm);
    /// ```
    #[must_use]
    pub const fn with_grid(mut self, grid: Grid) -> Julia {
        self.view.grid = grid;
        self
    }

    /// Whether the exact interior shortcut is used (on by default): a proven trapping disk around the attracting cycle of `c` (see the crate docs), or periodicity checking when there is none.
    /// Either way the counts are identical; off runs the plain published
    /// loop, e.g. to measure what the shortcut saves.
    ///
    /// ```
    /// use fractal::{Julia};
    /// use kernels_core::{Kernel, Serial};
    /// let fast = Julia::published();
    /// let plain = fast.with_shortcuts(false);
    /// assert!(fast.shortcuts() && !plain.shortcuts());
    /// assert_eq!(fast.run::<Serial>(), plain.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn with_shortcuts(mut self, on: bool) -> Julia {
        self.view.shortcuts = on;
        self
    }

    /// Whether the exact interior shortcut is used (see [`Julia::with_shortcuts`]).
    ///
    /// ```
    /// assert!(fractal::Julia::published().shortcuts());
    /// ```
    #[must_use]
    pub const fn shortcuts(&self) -> bool {
        self.view.shortcuts
    }
}

impl Vectorized for Julia {
    /// The instruction set of the hot loop ([`Isa::selected`] by default).
    ///
    /// ```
    /// use kernels_core::{Isa, Vectorized};
    /// let kernel = fractal::Julia::published();
    /// assert_eq!(kernel.isa(), Isa::selected());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn isa(&self) -> Isa {
        self.view.isa()
    }

    /// The same image computed with the hot loop for `isa`; every `isa`
    /// gives the identical counts.
    ///
    /// ```
    /// use kernels_core::{Isa, Kernel, Serial, Vectorized};
    /// let kernel = fractal::Julia::published();
    /// let scalar = kernel.with_isa(Isa::Scalar)?;
    /// assert_eq!(scalar.isa(), Isa::Scalar);
    /// assert_eq!(scalar.run::<Serial>(), kernel.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn with_isa(mut self, isa: Isa) -> Result<Julia> {
        self.view.isa = Some(isa.require()?);
        Ok(self)
    }
}

impl Kernel for Julia {
    type Output = Array2<u32>;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array2<u32> {
        self.view.escape::<B>(Family::Julia(self.c), schedule)
    }

    fn default_schedule(&self) -> Schedule {
        Schedule::Guided
    }

    fn work(&self, counts: &Array2<u32>) -> Work {
        self.view.work(counts)
    }
}

/// The Mandelbrot set: the same loop as [`Julia`] but starting from
/// `z0 = 0` with `c` = the pixel `x + y·i`.
///
/// Output, work accounting and schedule as for [`Julia`].
///
/// ```
/// use fractal::{Mandelbrot, saturated};
/// use kernels_core::{Kernel, Serial};
///
/// let m = Mandelbrot::default_view(60, 40, 200)?;
/// let counts = m.run::<Serial>();
/// assert_eq!(counts.dim(), (40, 60));
/// // Pixel (row 20, column 40) is c = 0 + 0i, inside the set.
/// assert_eq!(counts[(20, 40)], 200);
/// assert!(saturated(&counts, 200) > 0);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mandelbrot {
    view: View,
}

impl Mandelbrot {
    /// A Mandelbrot-set image of `region` at `width × height` pixels.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for `"width"`, `"height"` or `"max_iter"` = 0;
    /// [`Error::TooLarge`] when `"width × height"` pixels (or the work count
    /// `"width × height × max_iter"`) overflow.
    ///
    /// ```
    /// use fractal::{Grid, Mandelbrot, Region};
    /// let region = Region::new(-0.75, -0.74, 0.1, 0.11)?;
    /// assert!(Mandelbrot::new(region, 100, 100, 1000, Grid::ClosedForm).is_ok());
    /// let err = Mandelbrot::new(region, 0, 100, 1000, Grid::ClosedForm).unwrap_err();
    /// assert_eq!(err.parameter(), "width");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn new(
        region: Region,
        width: usize,
        height: usize,
        max_iter: u32,
        grid: Grid,
    ) -> Result<Mandelbrot> {
        Ok(Mandelbrot {
            view: View::new(region, width, height, max_iter, grid)?,
        })
    }

    /// The whole set: [`Region::MANDELBROT_DEFAULT`] (x -2..1, y -1.5..1.5)
    /// with the [`Grid::ClosedForm`] grid.
    ///
    /// # Errors
    /// As [`Mandelbrot::new`].
    ///
    /// ```
    /// use fractal::{Grid, Mandelbrot, Region};
    /// let m = Mandelbrot::default_view(300, 300, 100)?;
    /// assert_eq!(m.region(), Region::MANDELBROT_DEFAULT);
    /// assert_eq!(m.grid(), Grid::ClosedForm);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn default_view(width: usize, height: usize, max_iter: u32) -> Result<Mandelbrot> {
        Mandelbrot::new(
            Region::MANDELBROT_DEFAULT,
            width,
            height,
            max_iter,
            Grid::ClosedForm,
        )
    }

    /// The region of the plane the image covers.
    ///
    /// ```
    /// let m = fractal::Mandelbrot::default_view(3, 3, 10)?;
    /// assert_eq!(m.region(), fractal::Region::MANDELBROT_DEFAULT);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn region(&self) -> Region {
        self.view.region
    }

    /// Pixels per row (columns of the output).
    ///
    /// ```
    /// assert_eq!(fractal::Mandelbrot::default_view(3, 2, 10)?.width(), 3);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn width(&self) -> usize {
        self.view.width
    }

    /// Rows of the output.
    ///
    /// ```
    /// assert_eq!(fractal::Mandelbrot::default_view(3, 2, 10)?.height(), 2);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn height(&self) -> usize {
        self.view.height
    }

    /// The iteration cap: pixels that reach it are taken to be in the set.
    ///
    /// ```
    /// assert_eq!(fractal::Mandelbrot::default_view(3, 2, 10)?.max_iter(), 10);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn max_iter(&self) -> u32 {
        self.view.max_iter
    }

    /// How pixel coordinates are built.
    ///
    /// ```
    /// let m = fractal::Mandelbrot::default_view(3, 2, 10)?;
    /// assert_eq!(m.grid(), fractal::Grid::ClosedForm);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn grid(&self) -> Grid {
        self.view.grid
    }

    /// The same image with another pixel-coordinate [`Grid`].
    ///
    /// ```
    /// use fractal::{Grid, Mandelbrot};
    /// let m = Mandelbrot::default_view(3, 2, 10)?.with_grid(Grid::RepeatedAddition);
    /// assert_eq!(m.grid(), Grid::RepeatedAddition);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn with_grid(mut self, grid: Grid) -> Mandelbrot {
        self.view.grid = grid;
        self
    }

    /// Whether the exact interior shortcut is used (on by default): periodicity checking: an orbit that exactly (bitwise) repeats a saved point is periodic and never escapes.
    /// Either way the counts are identical; off runs the plain published
    /// loop, e.g. to measure what the shortcut saves.
    ///
    /// ```
    /// use fractal::{Mandelbrot};
    /// use kernels_core::{Kernel, Serial};
    /// let fast = Mandelbrot::default_view(80, 60, 200)?;
    /// let plain = fast.with_shortcuts(false);
    /// assert!(fast.shortcuts() && !plain.shortcuts());
    /// assert_eq!(fast.run::<Serial>(), plain.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn with_shortcuts(mut self, on: bool) -> Mandelbrot {
        self.view.shortcuts = on;
        self
    }

    /// Whether the exact interior shortcut is used (see [`Mandelbrot::with_shortcuts`]).
    ///
    /// ```
    /// assert!(fractal::Mandelbrot::default_view(8, 6, 20).unwrap().shortcuts());
    /// ```
    #[must_use]
    pub const fn shortcuts(&self) -> bool {
        self.view.shortcuts
    }
}

impl Vectorized for Mandelbrot {
    /// The instruction set of the hot loop ([`Isa::selected`] by default).
    ///
    /// ```
    /// use kernels_core::{Isa, Vectorized};
    /// let kernel = fractal::Mandelbrot::default_view(64, 64, 100)?;
    /// assert_eq!(kernel.isa(), Isa::selected());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn isa(&self) -> Isa {
        self.view.isa()
    }

    /// The same image computed with the hot loop for `isa`; every `isa`
    /// gives the identical counts.
    ///
    /// ```
    /// use kernels_core::{Isa, Kernel, Serial, Vectorized};
    /// let kernel = fractal::Mandelbrot::default_view(64, 64, 100)?;
    /// let scalar = kernel.with_isa(Isa::Scalar)?;
    /// assert_eq!(scalar.isa(), Isa::Scalar);
    /// assert_eq!(scalar.run::<Serial>(), kernel.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn with_isa(mut self, isa: Isa) -> Result<Mandelbrot> {
        self.view.isa = Some(isa.require()?);
        Ok(self)
    }
}

impl Kernel for Mandelbrot {
    type Output = Array2<u32>;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array2<u32> {
        self.view.escape::<B>(Family::Mandelbrot, schedule)
    }

    fn default_schedule(&self) -> Schedule {
        Schedule::Guided
    }

    fn work(&self, counts: &Array2<u32>) -> Work {
        self.view.work(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::{Parallel, Serial};

    #[test]
    fn chunk_rows_depend_on_width_only() {
        assert_eq!(rows_per_chunk(1000), 1);
        assert_eq!(rows_per_chunk(256), 1);
        assert_eq!(rows_per_chunk(255), 2);
        assert_eq!(rows_per_chunk(1), 256);
    }

    #[test]
    fn narrow_tall_images_fill_every_row() {
        // Several rows per chunk and a short last chunk.
        let m = Mandelbrot::default_view(3, 1000, 20).unwrap();
        let counts = m.run::<Parallel>();
        assert_eq!(counts, m.run::<Serial>());
        assert_eq!(counts, crate::reference::mandelbrot(&m));
    }

    #[test]
    fn work_counts_iterations_flops_and_bytes() {
        let m = Mandelbrot::default_view(30, 20, 50).unwrap();
        let counts = m.run::<Serial>();
        let work = m.work(&counts);
        assert_eq!(work.items, checksum(&counts));
        assert!(work.items > 0);
        assert_eq!(work.flops, 8 * work.items);
        assert_eq!(work.bytes, 4 * 600);
        assert_eq!(work.unit, "escape iterations");
        assert_eq!(m.default_schedule(), Schedule::Guided);
    }
}
