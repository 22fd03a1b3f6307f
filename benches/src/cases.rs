//! Every kernel as a command-line case: its flags (defaulting to the
//! published case), how to build the kernel from them, and which answer
//! fields its JSON record carries.
//!
//! ```
//! use bench::cases::{BackendChoice, Case, JuliaCase, RunOptions};
//! assert_eq!(JuliaCase::default().case_name(), "published");
//! let small = JuliaCase { width: 16, height: 16, max_iter: 20, ..JuliaCase::default() };
//! let (record, counts) = small.run(RunOptions::new(BackendChoice::Serial, 1))?;
//! assert_eq!((record.kernel, record.case.as_str()), ("julia", "custom"));
//! assert_eq!(counts.dim(), (16, 16));
//! # Ok::<(), kernels_core::Error>(())
//! ```

use clap::{Args, ValueEnum};
use kernels_core::rayon::ThreadPoolBuilder;
use kernels_core::{Backend, Isa, Kernel, Parallel, Schedule, Serial, Vectorized, Work};
use num_complex::Complex64;
use serde::Serialize;

use crate::measure::{Timing, time_runs};

/// Which backend a run uses.
///
/// ```
/// use bench::cases::BackendChoice;
/// use clap::ValueEnum;
/// assert_eq!(BackendChoice::from_str("parallel", true), Ok(BackendChoice::Parallel));
/// assert_eq!(serde_json::to_value(BackendChoice::Serial).unwrap(), "serial");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// [`kernels_core::Serial`]: one thread.
    Serial,
    /// [`kernels_core::Parallel`]: rayon, `--threads` threads.
    Parallel,
}

impl BackendChoice {
    /// The backend's report name.
    ///
    /// ```
    /// assert_eq!(bench::cases::BackendChoice::Serial.name(), "serial");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            BackendChoice::Serial => Serial::NAME,
            BackendChoice::Parallel => Parallel::NAME,
        }
    }
}

/// How to run a kernel: backend, threads, schedule and repeats.
///
/// ```
/// use bench::cases::{BackendChoice, RunOptions};
/// use kernels_core::{Isa, Schedule};
/// let mut options = RunOptions::new(BackendChoice::Parallel, 5);
/// options.threads = 2;
/// options.schedule = Some(Schedule::Static);
/// options.isa = Some(Isa::Scalar);
/// assert_eq!(options.repeat, 5);
/// assert_eq!(options.backend, BackendChoice::Parallel);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Serial or parallel.
    pub backend: BackendChoice,
    /// Threads of the rayon pool the run is installed in (1 for serial).
    pub threads: usize,
    /// Schedule; `None` means the kernel's default.
    pub schedule: Option<Schedule>,
    /// Instruction set of the hot loop; `None` means [`Isa::selected`].
    pub isa: Option<Isa>,
    /// Timed repeats after one warm-up run.
    pub repeat: usize,
}

impl RunOptions {
    /// Options for `backend` with all available cores, the kernel's default
    /// schedule and `repeat` repeats.
    ///
    /// ```
    /// use bench::cases::{BackendChoice, RunOptions};
    /// let options = RunOptions::new(BackendChoice::Serial, 3);
    /// assert_eq!(options.threads, 1);
    /// ```
    #[must_use]
    pub fn new(backend: BackendChoice, repeat: usize) -> Self {
        let threads = match backend {
            BackendChoice::Serial => 1,
            BackendChoice::Parallel => available_threads(),
        };
        RunOptions {
            backend,
            threads,
            schedule: None,
            isa: None,
            repeat,
        }
    }
}

/// The number of hardware threads this process may use.
///
/// ```
/// assert!(bench::cases::available_threads() >= 1);
/// ```
#[must_use]
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The answer fields of a run, as the JSON record carries them.
///
/// ```
/// use bench::cases::Answer;
/// let answer = Answer::Fractal { sum: 120, max_count: 3 };
/// let json = serde_json::to_value(&answer).unwrap();
/// assert_eq!(json, serde_json::json!({ "sum": 120, "max_count": 3 }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// Julia and Mandelbrot: sum of escape counts and pixels that reached max-iter.
    Fractal {
        /// Sum of all escape counts (= escape iterations performed).
        sum: u64,
        /// Pixels whose count reached max-iter (taken to be in the set).
        max_count: u64,
    },
    /// Navier plate.
    Plate {
        /// Largest |w| on the grid, millimetres.
        w_max_mm: f64,
        /// Timoshenko's coefficient w_max / (P a² / D).
        alpha: f64,
        /// Sum of w over the grid, metres.
        sum: f64,
    },
    /// Rotating particles.
    Particles {
        /// Sum of the final x coordinates.
        sum_x: f64,
        /// Sum of the final y coordinates.
        sum_y: f64,
    },
    /// All-pairs distance matrix.
    Distance {
        /// Sum of all N² distances.
        sum: f64,
        /// `D[0][N-1]`.
        d_0_last: f64,
    },
    /// Diffusion.
    Diffusion {
        /// Sum of the final grid.
        sum: f64,
        /// Largest value of the final grid.
        max: f64,
        /// Value at `[nx/2][ny/2]`.
        center: f64,
    },
    /// Monte Carlo π.
    MonteCarlo {
        /// The estimate of π.
        estimate: f64,
        /// Its standard error.
        stderr: f64,
    },
}

/// One run's JSON record. Field names are stable; see the crate docs.
///
/// ```
/// use bench::cases::{Answer, BackendChoice, Case, MonteCarloCase, RunOptions};
/// let case = MonteCarloCase { samples: 10_000, seed: 3 };
/// let (record, _) = case.run(RunOptions::new(BackendChoice::Serial, 2))?;
/// assert_eq!((record.kernel, record.backend, record.threads), ("montecarlo", "serial", 1));
/// assert_eq!(record.items, 10_000);
/// assert!(record.min_s <= record.median_s);
/// assert!(matches!(record.answer, Answer::MonteCarlo { .. }));
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Kernel name, e.g. `"julia"`.
    pub kernel: &'static str,
    /// `"published"` when every flag has its default, else `"custom"`.
    pub case: String,
    /// `"serial"` or `"parallel"`.
    pub backend: &'static str,
    /// Threads used (1 for serial).
    pub threads: usize,
    /// Schedule name.
    pub schedule: &'static str,
    /// Instruction set of the hot loop: `scalar`, `avx2` or `avx512`.
    pub isa: &'static str,
    /// Median wall time of the repeats, seconds.
    pub median_s: f64,
    /// Fastest repeat, seconds.
    pub min_s: f64,
    /// CPU time (user + system) per repeat, seconds.
    pub cpu_s: f64,
    /// Peak heap bytes of one run above the starting level.
    pub peak_bytes: usize,
    /// Heap bytes allocated by one run in total.
    pub allocated_bytes: usize,
    /// Work items of one run, in `unit`.
    pub items: u64,
    /// Items per second at the median time.
    pub throughput: f64,
    /// The work unit, e.g. `"escape iterations"`.
    pub unit: &'static str,
    /// Floating-point operations per second at the median time.
    pub flops_per_s: f64,
    /// Bytes moved per second at the median time.
    pub bytes_per_s: f64,
    /// The answer fields.
    #[serde(flatten)]
    pub answer: Answer,
}

/// Runs `kernel` as `options` say and returns its output, timing and work.
/// The run is installed in a rayon pool of `options.threads` threads (the
/// bench binary is an application, so it may own a pool; libraries never do).
///
/// # Panics
/// Panics if the operating system refuses to start the pool's threads.
///
/// ```
/// use bench::cases::{BackendChoice, RunOptions, run_kernel};
/// let pi = montecarlo::Pi::new(10_000, 1)?;
/// let (estimate, timing, work, _) = run_kernel(&pi, RunOptions::new(BackendChoice::Parallel, 1));
/// assert!((estimate.mean() - 3.14).abs() < 0.1);
/// assert_eq!(timing.wall_s.len(), 1);
/// assert_eq!(work.items, 10_000);
/// # Ok::<(), kernels_core::Error>(())
/// ```
pub fn run_kernel<K>(kernel: &K, options: RunOptions) -> (K::Output, Timing, Work, Schedule)
where
    K: Kernel + Sync,
    K::Output: Send,
{
    let schedule = options
        .schedule
        .unwrap_or_else(|| kernel.default_schedule());
    let threads = options.threads.max(1);
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("start thread pool");
    let (output, timing) = pool.install(|| match options.backend {
        BackendChoice::Serial => time_runs(options.repeat, || kernel.run_with::<Serial>(schedule)),
        BackendChoice::Parallel => {
            time_runs(options.repeat, || kernel.run_with::<Parallel>(schedule))
        }
    });
    let work = kernel.work(&output);
    (output, timing, work, schedule)
}

/// A command-line case: flags that build a kernel, and the answer fields of
/// its output.
///
/// ```
/// use bench::cases::{Case, DiffusionCase, JuliaCase, MonteCarloCase};
/// fn describe<C: Case>(case: &C) -> String {
///     format!("{} ({})", C::NAME, case.case_name())
/// }
/// assert_eq!(describe(&JuliaCase::default()), "julia (published)");
/// let case = MonteCarloCase { samples: 0, seed: 1 };
/// assert_eq!(describe(&case), "montecarlo (custom)");
/// assert!(case.kernel().is_err());
/// assert!(DiffusionCase::FLAGS.contains(&("rows", "--nx")));
/// ```
pub trait Case: Args + Default + PartialEq {
    /// The kernel the flags describe.
    type Kernel: Kernel + Vectorized + Sync;
    /// The kernel's name in records and reports.
    const NAME: &'static str;
    /// Kernel parameter names whose flag is not simply `--parameter-name`.
    const FLAGS: &'static [(&'static str, &'static str)] = &[];

    /// Builds (and so validates) the kernel.
    ///
    /// # Errors
    /// The kernel constructor's error for an invalid flag value.
    fn kernel(&self) -> kernels_core::Result<Self::Kernel>;

    /// The answer fields of an output.
    fn answer(&self, output: &<Self::Kernel as Kernel>::Output) -> Answer;

    /// `"published"` for the default flags, `"custom"` otherwise.
    fn case_name(&self) -> String {
        if *self == Self::default() {
            "published".into()
        } else {
            "custom".into()
        }
    }

    /// Builds the kernel, runs it and returns the JSON record with the output.
    ///
    /// # Errors
    /// The kernel constructor's error for an invalid flag value.
    fn run(
        &self,
        options: RunOptions,
    ) -> kernels_core::Result<(Record, <Self::Kernel as Kernel>::Output)>
    where
        <Self::Kernel as Kernel>::Output: Send,
    {
        let kernel = match options.isa {
            Some(isa) => self.kernel()?.with_isa(isa)?,
            None => self.kernel()?,
        };
        let (output, timing, work, schedule) = run_kernel(&kernel, options);
        let median_s = timing.median_s();
        let record = Record {
            kernel: Self::NAME,
            case: self.case_name(),
            backend: options.backend.name(),
            threads: match options.backend {
                BackendChoice::Serial => 1,
                BackendChoice::Parallel => options.threads.max(1),
            },
            schedule: schedule.name(),
            isa: kernel.isa().name(),
            median_s,
            min_s: timing.min_s(),
            cpu_s: timing.cpu_s,
            peak_bytes: timing.memory.peak_bytes,
            allocated_bytes: timing.memory.allocated_bytes,
            items: work.items,
            throughput: work.items_per_second(median_s),
            unit: work.unit,
            flops_per_s: work.flops_per_second(median_s),
            bytes_per_s: work.bytes_per_second(median_s),
            answer: self.answer(&output),
        };
        Ok((record, output))
    }
}

/// How fractal pixel coordinates are built.
///
/// ```
/// use bench::cases::GridChoice;
/// assert_eq!(fractal::Grid::from(GridChoice::Closed), fractal::Grid::ClosedForm);
/// assert_eq!(fractal::Grid::from(GridChoice::Repeated), fractal::Grid::RepeatedAddition);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GridChoice {
    /// x_min + i·step: the closed form.
    Closed,
    /// Repeated addition, as the published Python built its lists.
    Repeated,
}

impl From<GridChoice> for fractal::Grid {
    fn from(grid: GridChoice) -> Self {
        match grid {
            GridChoice::Closed => fractal::Grid::ClosedForm,
            GridChoice::Repeated => fractal::Grid::RepeatedAddition,
        }
    }
}

/// `julia`: the published Julia set case.
///
/// ```
/// use bench::cases::{Answer, Case, JuliaCase};
/// use kernels_core::{Kernel, Serial};
/// let case = JuliaCase { width: 20, height: 10, max_iter: 50, ..JuliaCase::default() };
/// let counts = case.kernel()?.run::<Serial>();
/// assert_eq!(counts.dim(), (10, 20));
/// let Answer::Fractal { sum, max_count } = case.answer(&counts) else { unreachable!() };
/// assert!(sum > 0 && max_count <= 200);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct JuliaCase {
    /// Left edge of the region.
    #[arg(long, default_value_t = -1.8, allow_negative_numbers = true)]
    pub x_min: f64,
    /// Right edge of the region.
    #[arg(long, default_value_t = 1.8, allow_negative_numbers = true)]
    pub x_max: f64,
    /// Bottom edge of the region.
    #[arg(long, default_value_t = -1.8, allow_negative_numbers = true)]
    pub y_min: f64,
    /// Top edge of the region.
    #[arg(long, default_value_t = 1.8, allow_negative_numbers = true)]
    pub y_max: f64,
    /// Pixels per row.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub width: usize,
    /// Rows.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub height: usize,
    /// Iteration limit.
    #[arg(long, default_value_t = 300, allow_negative_numbers = true)]
    pub max_iter: u32,
    /// Real part of the constant c.
    #[arg(long, default_value_t = -0.62772, allow_negative_numbers = true)]
    pub c_re: f64,
    /// Imaginary part of the constant c.
    #[arg(long, default_value_t = -0.42193, allow_negative_numbers = true)]
    pub c_im: f64,
    /// Coordinate construction.
    #[arg(long, value_enum, default_value_t = GridChoice::Repeated)]
    pub grid: GridChoice,
    /// Run the plain escape loop, without the exact interior shortcut
    /// (same counts, every iteration executed).
    #[arg(long)]
    pub plain: bool,
}

impl Default for JuliaCase {
    fn default() -> Self {
        JuliaCase {
            x_min: -1.8,
            x_max: 1.8,
            y_min: -1.8,
            y_max: 1.8,
            width: 1000,
            height: 1000,
            max_iter: 300,
            c_re: -0.62772,
            c_im: -0.42193,
            grid: GridChoice::Repeated,
            plain: false,
        }
    }
}

fn fractal_answer(counts: &ndarray::Array2<u32>, max_iter: u32) -> Answer {
    Answer::Fractal {
        sum: fractal::checksum(counts),
        max_count: fractal::saturated(counts, max_iter),
    }
}

impl Case for JuliaCase {
    type Kernel = fractal::Julia;
    const NAME: &'static str = "julia";
    const FLAGS: &'static [(&'static str, &'static str)] = &[
        ("c", "--c-re/--c-im"),
        ("width × height", "--width/--height"),
    ];

    fn kernel(&self) -> kernels_core::Result<fractal::Julia> {
        let region = fractal::Region::new(self.x_min, self.x_max, self.y_min, self.y_max)?;
        fractal::Julia::new(
            Complex64::new(self.c_re, self.c_im),
            region,
            self.width,
            self.height,
            self.max_iter,
            self.grid.into(),
        )
        .map(|julia| julia.with_shortcuts(!self.plain))
    }

    fn answer(&self, counts: &ndarray::Array2<u32>) -> Answer {
        fractal_answer(counts, self.max_iter)
    }
}

/// `mandelbrot`: the Mandelbrot set over a region.
///
/// ```
/// use bench::cases::{Answer, Case, MandelbrotCase};
/// use kernels_core::{Kernel, Serial};
/// let case = MandelbrotCase { width: 21, height: 21, max_iter: 50, ..MandelbrotCase::default() };
/// let counts = case.kernel()?.run::<Serial>();
/// let Answer::Fractal { max_count, .. } = case.answer(&counts) else { unreachable!() };
/// assert!(max_count > 0); // some pixels lie in the set
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct MandelbrotCase {
    /// Left edge of the region.
    #[arg(long, default_value_t = -2.0, allow_negative_numbers = true)]
    pub x_min: f64,
    /// Right edge of the region.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub x_max: f64,
    /// Bottom edge of the region.
    #[arg(long, default_value_t = -1.5, allow_negative_numbers = true)]
    pub y_min: f64,
    /// Top edge of the region.
    #[arg(long, default_value_t = 1.5, allow_negative_numbers = true)]
    pub y_max: f64,
    /// Pixels per row.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub width: usize,
    /// Rows.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub height: usize,
    /// Iteration limit.
    #[arg(long, default_value_t = 300, allow_negative_numbers = true)]
    pub max_iter: u32,
    /// Coordinate construction.
    #[arg(long, value_enum, default_value_t = GridChoice::Closed)]
    pub grid: GridChoice,
    /// Run the plain escape loop, without the exact periodicity check
    /// (same counts, every iteration executed).
    #[arg(long)]
    pub plain: bool,
}

impl Default for MandelbrotCase {
    fn default() -> Self {
        MandelbrotCase {
            x_min: -2.0,
            x_max: 1.0,
            y_min: -1.5,
            y_max: 1.5,
            width: 1000,
            height: 1000,
            max_iter: 300,
            grid: GridChoice::Closed,
            plain: false,
        }
    }
}

impl Case for MandelbrotCase {
    type Kernel = fractal::Mandelbrot;
    const NAME: &'static str = "mandelbrot";
    const FLAGS: &'static [(&'static str, &'static str)] =
        &[("width × height", "--width/--height")];

    fn kernel(&self) -> kernels_core::Result<fractal::Mandelbrot> {
        let region = fractal::Region::new(self.x_min, self.x_max, self.y_min, self.y_max)?;
        fractal::Mandelbrot::new(
            region,
            self.width,
            self.height,
            self.max_iter,
            self.grid.into(),
        )
        .map(|julia| julia.with_shortcuts(!self.plain))
    }

    fn answer(&self, counts: &ndarray::Array2<u32>) -> Answer {
        fractal_answer(counts, self.max_iter)
    }
}

/// `plate`: the Navier plate.
///
/// ```
/// use bench::cases::{Answer, Case, PlateCase};
/// use kernels_core::{Kernel, Serial};
/// let case = PlateCase { terms_m: 5, terms_n: 5, points_x: 11, points_y: 11, ..PlateCase::default() };
/// let deflection = case.kernel()?.run::<Serial>();
/// let Answer::Plate { w_max_mm, alpha, .. } = case.answer(&deflection) else { unreachable!() };
/// assert!(w_max_mm > 0.0 && alpha > 0.0);
/// assert!(PlateCase { nu: 0.7, ..PlateCase::default() }.kernel().is_err());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct PlateCase {
    /// Plate length in x, metres.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub a: f64,
    /// Plate length in y, metres.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub b: f64,
    /// Thickness, metres.
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true)]
    pub h: f64,
    /// Young's modulus, pascals.
    #[arg(long = "E", default_value_t = 69e9, allow_negative_numbers = true)]
    pub e: f64,
    /// Poisson ratio.
    #[arg(long, default_value_t = 0.35, allow_negative_numbers = true)]
    pub nu: f64,
    /// Point load, newtons.
    #[arg(long = "P", default_value_t = 10e3, allow_negative_numbers = true)]
    pub p: f64,
    /// Load position in x, metres.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub xi: f64,
    /// Load position in y, metres.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub eta: f64,
    /// Series terms in m.
    #[arg(long, default_value_t = 15, allow_negative_numbers = true)]
    pub terms_m: usize,
    /// Series terms in n.
    #[arg(long, default_value_t = 15, allow_negative_numbers = true)]
    pub terms_n: usize,
    /// Grid points in x.
    #[arg(long, default_value_t = 101, allow_negative_numbers = true)]
    pub points_x: usize,
    /// Grid points in y.
    #[arg(long, default_value_t = 101, allow_negative_numbers = true)]
    pub points_y: usize,
}

impl Default for PlateCase {
    fn default() -> Self {
        PlateCase {
            a: 1.0,
            b: 1.0,
            h: 0.05,
            e: 69e9,
            nu: 0.35,
            p: 10e3,
            xi: 0.5,
            eta: 0.5,
            terms_m: 15,
            terms_n: 15,
            points_x: 101,
            points_y: 101,
        }
    }
}

impl Case for PlateCase {
    type Kernel = plate::Navier;
    const NAME: &'static str = "plate";
    const FLAGS: &'static [(&'static str, &'static str)] = &[
        ("e", "--E"),
        ("p", "--P"),
        ("rigidity", "--h/--E/--nu"),
        ("scale", "--a/--b/--h/--E/--P"),
    ];

    fn kernel(&self) -> kernels_core::Result<plate::Navier> {
        let plate = plate::Plate::new(self.a, self.b, self.h, self.e, self.nu)?;
        let load = plate::PointLoad::new(self.p, self.xi, self.eta);
        plate::Navier::new(
            plate,
            load,
            self.terms_m,
            self.terms_n,
            self.points_x,
            self.points_y,
        )
    }

    fn answer(&self, deflection: &plate::Deflection) -> Answer {
        Answer::Plate {
            w_max_mm: deflection.w_max() * 1e3,
            alpha: deflection.alpha(),
            sum: deflection.w().sum(),
        }
    }
}

/// The particle stepping method.
///
/// ```
/// use bench::cases::MethodChoice;
/// assert_eq!(particles::Method::from(MethodChoice::Exact), particles::Method::Exact);
/// assert_eq!(particles::Method::from(MethodChoice::Hoisted).name(), "hoisted");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodChoice {
    /// The book's Euler step.
    Textbook,
    /// The Euler step with the per-particle factor hoisted.
    Hoisted,
    /// The exact rotation.
    Exact,
}

impl From<MethodChoice> for particles::Method {
    fn from(method: MethodChoice) -> Self {
        match method {
            MethodChoice::Textbook => particles::Method::Textbook,
            MethodChoice::Hoisted => particles::Method::Hoisted,
            MethodChoice::Exact => particles::Method::Exact,
        }
    }
}

/// `particles`: the published 1000-particle benchmark.
///
/// ```
/// use bench::cases::{Answer, Case, MethodChoice, ParticlesCase};
/// use kernels_core::{Kernel, Serial};
/// let case = ParticlesCase { count: 8, dt: 0.001, seed: 1, method: MethodChoice::Exact };
/// let evolved = case.kernel()?.run::<Serial>();
/// assert_eq!(evolved.x().len(), 8);
/// assert!(matches!(case.answer(&evolved), Answer::Particles { .. }));
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ParticlesCase {
    /// Number of particles (x, y, angular speed uniform in [-1, 1]).
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub count: usize,
    /// Simulated time; steps = ⌊dt / 1e-5⌋.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub dt: f64,
    /// Seed of the particle generator.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
    /// Stepping method.
    #[arg(long, value_enum, default_value_t = MethodChoice::Textbook)]
    pub method: MethodChoice,
}

impl Default for ParticlesCase {
    fn default() -> Self {
        ParticlesCase {
            count: 1000,
            dt: 0.1,
            seed: 42,
            method: MethodChoice::Textbook,
        }
    }
}

impl Case for ParticlesCase {
    type Kernel = particles::Evolve;
    const NAME: &'static str = "particles";
    const FLAGS: &'static [(&'static str, &'static str)] = &[
        ("n", "--count"),
        ("particles", "--count"),
        ("steps", "--dt"),
    ];

    fn kernel(&self) -> kernels_core::Result<particles::Evolve> {
        let system = particles::Particles::random(self.count, self.seed)?;
        particles::Evolve::new(system, self.dt, self.method.into())
    }

    fn answer(&self, evolved: &particles::Particles) -> Answer {
        Answer::Particles {
            sum_x: evolved.x().iter().sum(),
            sum_y: evolved.y().iter().sum(),
        }
    }
}

/// `distance`: the all-pairs distance matrix.
///
/// ```
/// use bench::cases::{Answer, Case, DistanceCase};
/// use kernels_core::{Kernel, Serial};
/// let case = DistanceCase { n: 10, seed: 1 };
/// let distances = case.kernel()?.run::<Serial>();
/// assert_eq!(distances.dim(), (10, 10));
/// let Answer::Distance { sum, d_0_last } = case.answer(&distances) else { unreachable!() };
/// assert!(sum > 0.0 && d_0_last == distances[[0, 9]]);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct DistanceCase {
    /// Number of points (uniform in the unit square).
    #[arg(long = "n", default_value_t = 10_000, allow_negative_numbers = true)]
    pub n: usize,
    /// Seed of the point generator.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
}

impl Default for DistanceCase {
    fn default() -> Self {
        DistanceCase {
            n: 10_000,
            seed: 42,
        }
    }
}

impl Case for DistanceCase {
    type Kernel = particles::DistanceMatrix;
    const NAME: &'static str = "distance";
    const FLAGS: &'static [(&'static str, &'static str)] = &[("points", "--n")];

    fn kernel(&self) -> kernels_core::Result<particles::DistanceMatrix> {
        particles::DistanceMatrix::random(self.n, self.seed)
    }

    fn answer(&self, distances: &ndarray::Array2<f64>) -> Answer {
        Answer::Distance {
            sum: distances.sum(),
            d_0_last: distances[[0, distances.ncols() - 1]],
        }
    }
}

/// Diffusion boundary condition.
///
/// ```
/// use bench::cases::BoundaryChoice;
/// assert_eq!(diffusion::Boundary::from(BoundaryChoice::Periodic), diffusion::Boundary::Periodic);
/// assert_eq!(diffusion::Boundary::from(BoundaryChoice::Fixed), diffusion::Boundary::Fixed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BoundaryChoice {
    /// Indices wrap around.
    Periodic,
    /// Edge cells keep their values.
    Fixed,
}

impl From<BoundaryChoice> for diffusion::Boundary {
    fn from(boundary: BoundaryChoice) -> Self {
        match boundary {
            BoundaryChoice::Periodic => diffusion::Boundary::Periodic,
            BoundaryChoice::Fixed => diffusion::Boundary::Fixed,
        }
    }
}

/// `diffusion`: the published 512² block.
///
/// ```
/// use bench::cases::{Answer, Case, DiffusionCase};
/// use kernels_core::{Kernel, Serial};
/// let case = DiffusionCase { nx: 16, ny: 16, steps: 5, block: false, ..DiffusionCase::default() };
/// let grid = case.kernel()?.run::<Serial>();
/// let Answer::Diffusion { sum, max, .. } = case.answer(&grid) else { unreachable!() };
/// assert!((sum - 1.0).abs() < 1e-9); // periodic diffusion keeps the total
/// assert!(max < 1.0);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct DiffusionCase {
    /// Rows.
    #[arg(long, default_value_t = 512, allow_negative_numbers = true)]
    pub nx: usize,
    /// Columns.
    #[arg(long, default_value_t = 512, allow_negative_numbers = true)]
    pub ny: usize,
    /// Time steps.
    #[arg(long, default_value_t = 500, allow_negative_numbers = true)]
    pub steps: u64,
    /// Diffusion coefficient.
    #[arg(long = "D", default_value_t = 1.0, allow_negative_numbers = true)]
    pub d: f64,
    /// Time step (stable when D·dt ≤ 0.25).
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub dt: f64,
    /// Boundary condition.
    #[arg(long, value_enum, default_value_t = BoundaryChoice::Periodic)]
    pub boundary: BoundaryChoice,
    /// Start from the published block of 0.005 (rows and columns
    /// [⌊0.4·N⌋, ⌊0.5·N⌋)); `--block false` starts from a single hot cell.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub block: bool,
}

impl Default for DiffusionCase {
    fn default() -> Self {
        DiffusionCase {
            nx: 512,
            ny: 512,
            steps: 500,
            d: 1.0,
            dt: 0.1,
            boundary: BoundaryChoice::Periodic,
            block: true,
        }
    }
}

impl DiffusionCase {
    /// The initial grid the flags describe.
    ///
    /// ```
    /// let case = bench::cases::DiffusionCase::default();
    /// assert!((case.initial().sum() - 13.52).abs() < 1e-12);
    /// ```
    #[must_use]
    pub fn initial(&self) -> ndarray::Array2<f64> {
        if self.block {
            diffusion::published_initial(self.nx, self.ny)
        } else {
            let mut grid = ndarray::Array2::zeros((self.nx, self.ny));
            grid[[self.nx / 2, self.ny / 2]] = 1.0;
            grid
        }
    }
}

impl Case for DiffusionCase {
    type Kernel = diffusion::Case2d;
    const NAME: &'static str = "diffusion";
    const FLAGS: &'static [(&'static str, &'static str)] = &[
        ("rows", "--nx"),
        ("cols", "--ny"),
        ("d", "--D"),
        ("D·dt", "--D/--dt"),
        ("nx × ny", "--nx/--ny"),
        ("initial", "--block"),
    ];

    fn kernel(&self) -> kernels_core::Result<diffusion::Case2d> {
        kernels_core::validate::grid_len::<f64>("nx × ny", self.nx, self.ny)?;
        diffusion::Case2d::new(
            self.initial(),
            self.d,
            self.dt,
            self.boundary.into(),
            self.steps,
        )
    }

    fn answer(&self, grid: &ndarray::Array2<f64>) -> Answer {
        Answer::Diffusion {
            sum: grid.sum(),
            max: grid.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            center: grid[[self.nx / 2, self.ny / 2]],
        }
    }
}

/// `montecarlo`: Monte Carlo π.
///
/// ```
/// use bench::cases::{Answer, Case, MonteCarloCase};
/// use kernels_core::{Kernel, Serial};
/// let case = MonteCarloCase { samples: 10_000, seed: 5 };
/// let estimate = case.kernel()?.run::<Serial>();
/// let Answer::MonteCarlo { estimate, stderr } = case.answer(&estimate) else { unreachable!() };
/// assert!((estimate - std::f64::consts::PI).abs() < 5.0 * stderr);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Args)]
pub struct MonteCarloCase {
    /// Number of samples.
    #[arg(long, default_value_t = 1_000_000, allow_negative_numbers = true)]
    pub samples: u64,
    /// Seed of the random streams.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
}

impl Default for MonteCarloCase {
    fn default() -> Self {
        MonteCarloCase {
            samples: 1_000_000,
            seed: 42,
        }
    }
}

impl Case for MonteCarloCase {
    type Kernel = montecarlo::Pi;
    const NAME: &'static str = "montecarlo";

    fn kernel(&self) -> kernels_core::Result<montecarlo::Pi> {
        montecarlo::Pi::new(self.samples, self.seed)
    }

    fn answer(&self, estimate: &montecarlo::Estimate) -> Answer {
        Answer::MonteCarlo {
            estimate: estimate.mean(),
            stderr: estimate.std_error(),
        }
    }
}
