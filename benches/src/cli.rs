//! The command line: `bench [common flags] <case|report> [case flags]`.
//!
//! ```
//! use bench::cli::{Cli, Command};
//! use clap::Parser;
//! let cli = Cli::try_parse_from(["bench", "distance", "--n", "100", "--json"])?;
//! assert!(cli.json);
//! assert!(matches!(cli.command, Command::Distance(ref case) if case.n == 100));
//! assert!(Cli::try_parse_from(["bench", "no-such-case"]).is_err());
//! # Ok::<(), clap::Error>(())
//! ```

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kernels_core::{Isa, Schedule};

use crate::cases::{
    BackendChoice, Case, DiffusionCase, DistanceCase, JuliaCase, MandelbrotCase, MonteCarloCase,
    ParticlesCase, PlateCase, Record, RunOptions, available_threads,
};

/// Reruns the published "make Python fast" cases in Rust, checks their
/// answers and reports times, throughput and speed-ups.
///
/// ```
/// use bench::cases::BackendChoice;
/// use bench::cli::{Cli, Command};
/// use clap::Parser;
/// let cli = Cli::try_parse_from([
///     "bench", "--backend", "serial", "--repeat", "2", "--schedule", "dynamic", "julia",
///     "--width", "200",
/// ])?;
/// assert_eq!(cli.backend, BackendChoice::Serial);
/// assert_eq!(cli.repeat.get(), 2);
/// assert_eq!(cli.schedule, Some(kernels_core::Schedule::Dynamic));
/// assert!(!cli.json && cli.isa.is_none());
/// assert!(matches!(cli.command, Command::Julia(ref case) if case.width == 200));
/// assert!(Cli::try_parse_from(["bench", "--repeat", "0", "julia"]).is_err());
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Parser)]
// `long_about = None`: without it clap would print this doc comment,
// example included, as the long help.
#[command(
    name = "bench",
    version,
    about = "Reruns the published \"make Python fast\" cases in Rust, checks their answers and reports times, throughput and speed-ups.",
    long_about = None
)]
pub struct Cli {
    /// Backend for single-case runs.
    #[arg(long, value_enum, global = true, default_value_t = BackendChoice::Parallel)]
    pub backend: BackendChoice,
    /// Threads for the parallel backend (default: every available core).
    #[arg(long, global = true)]
    pub threads: Option<NonZeroUsize>,
    /// Parallel schedule: static, dynamic or guided (default: the kernel's own).
    #[arg(long, global = true, value_parser = parse_schedule)]
    pub schedule: Option<Schedule>,
    /// Instruction set of the hot loops: scalar, avx2 or avx512 (default: the
    /// widest this CPU has, capped by the KERNELS_ISA environment variable).
    #[arg(long, global = true, value_parser = parse_isa)]
    pub isa: Option<Isa>,
    /// Timed repeats after one warm-up run.
    #[arg(long, global = true, default_value_t = NonZeroUsize::new(5).expect("5 is non-zero"))]
    pub repeat: NonZeroUsize,
    /// Print one JSON object per run instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

fn parse_isa(text: &str) -> Result<Isa, String> {
    let isa: Isa = text
        .parse()
        .map_err(|_| "expected one of scalar, avx2, avx512".to_string())?;
    isa.require().map_err(|err| err.to_string())
}

fn parse_schedule(text: &str) -> Result<Schedule, String> {
    text.parse()
        .map_err(|_| "expected one of static, dynamic, guided".to_string())
}

/// The subcommands.
///
/// ```
/// use bench::cases::MonteCarloCase;
/// use bench::cli::{Cli, Command};
/// use clap::Parser;
/// let cli = Cli::try_parse_from(["bench", "montecarlo", "--samples", "1000"])?;
/// match cli.command {
///     Command::Montecarlo(case) => assert_eq!(case, MonteCarloCase { samples: 1000, seed: 42 }),
///     other => panic!("unexpected {other:?}"),
/// }
/// let cli = Cli::try_parse_from(["bench", "plate"])?;
/// assert!(matches!(cli.command, Command::Plate(case) if case == Default::default()));
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every published case on every backend, with reference checks and pictures.
    Report(ReportArgs),
    /// The Julia set.
    Julia(JuliaCase),
    /// The Mandelbrot set.
    Mandelbrot(MandelbrotCase),
    /// The Navier plate.
    Plate(PlateCase),
    /// Rotating particles.
    Particles(ParticlesCase),
    /// The all-pairs distance matrix.
    Distance(DistanceCase),
    /// 2-D diffusion.
    Diffusion(DiffusionCase),
    /// Monte Carlo π.
    Montecarlo(MonteCarloCase),
}

/// Flags of `report`.
///
/// ```
/// use bench::cli::{Cli, Command};
/// use clap::Parser;
/// let cli = Cli::try_parse_from(["bench", "report", "--python", "--out", "/tmp/pictures"])?;
/// let Command::Report(args) = cli.command else { panic!("expected report") };
/// assert!(args.python && !args.large);
/// assert_eq!(args.out, std::path::Path::new("/tmp/pictures"));
/// let Command::Report(args) = Cli::try_parse_from(["bench", "report"])?.command else {
///     panic!("expected report")
/// };
/// assert_eq!(args.out, std::path::Path::new("target/report"));
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Also run the NumPy (and, if installed, Numba) versions shipped in
    /// `benches/python/`, each case right before the same case in Rust, and
    /// show them side by side.
    #[arg(long)]
    pub python: bool,
    /// Also run the larger speed-target cases (Julia 4001², 100 000 particles,
    /// plate 1001², diffusion 2048², π with 1e8 samples, distances N = 5000)
    /// and, with `--python`, their Numba/NumPy versions.
    #[arg(long)]
    pub large: bool,
    /// Directory for the PNG pictures.
    #[arg(long, default_value = "target/report")]
    pub out: PathBuf,
}

impl Cli {
    /// The run options the common flags describe.
    ///
    /// ```
    /// use clap::Parser;
    /// let cli = bench::cli::Cli::try_parse_from(["bench", "--threads", "3", "julia"])?;
    /// assert_eq!(cli.run_options().threads, 3);
    /// # Ok::<(), clap::Error>(())
    /// ```
    #[must_use]
    pub fn run_options(&self) -> RunOptions {
        let mut options = RunOptions::new(self.backend, self.repeat.get());
        if self.backend == BackendChoice::Parallel {
            options.threads = self
                .threads
                .map_or_else(available_threads, NonZeroUsize::get);
        }
        options.schedule = self.schedule;
        options.isa = self.isa;
        options
    }
}

/// Runs one case subcommand and returns its record (the output is dropped).
///
/// # Errors
/// A one-line message naming the flag whose value the kernel rejected.
///
/// ```
/// use bench::cases::{BackendChoice, MonteCarloCase, RunOptions};
/// let case = MonteCarloCase { samples: 0, seed: 1 };
/// let err = bench::cli::run_case(&case, RunOptions::new(BackendChoice::Serial, 1)).unwrap_err();
/// assert!(err.contains("--samples"));
/// ```
pub fn run_case<C: Case>(case: &C, options: RunOptions) -> Result<Record, String>
where
    <C::Kernel as kernels_core::Kernel>::Output: Send,
{
    case.run(options)
        .map(|(record, _)| record)
        .map_err(|err| flag_error::<C>(&err))
}

/// Renders a kernel error as one line naming the command-line flag.
///
/// ```
/// use bench::cases::{DiffusionCase, JuliaCase};
/// let err = kernels_core::validate::at_least("max_iter", 0, 1).unwrap_err();
/// assert_eq!(
///     bench::cli::flag_error::<JuliaCase>(&err),
///     "error: --max-iter: invalid `max_iter` = 0: allowed is at least 1"
/// );
/// let err = kernels_core::validate::at_least("rows", 0, 1).unwrap_err();
/// assert!(bench::cli::flag_error::<DiffusionCase>(&err).starts_with("error: --nx:"));
/// ```
#[must_use]
pub fn flag_error<C: Case>(err: &kernels_core::Error) -> String {
    format!("error: {}: {err}", flag_for(C::FLAGS, err.parameter()))
}

/// The flag that sets a kernel parameter: from the case's table, else the
/// parameter name with `_` turned into `-`.
fn flag_for(flags: &[(&str, &str)], parameter: &str) -> String {
    if let Some((_, flag)) = flags.iter().find(|(name, _)| *name == parameter) {
        return (*flag).to_string();
    }
    let words: String = parameter
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("--{}", words.trim_matches('-'))
}
