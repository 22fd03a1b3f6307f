//! The report: every published case on both backends, its reference check,
//! the published Python times for context, optionally NumPy/Numba measured in
//! the same run, and pictures.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kernels_core::{Kernel, Parallel, Schedule, testing::in_pool};

use crate::cases::{
    BackendChoice, Case, DiffusionCase, DistanceCase, JuliaCase, MandelbrotCase, MonteCarloCase,
    ParticlesCase, PlateCase, Record, RunOptions,
};
use crate::image;
use crate::measure::Calibration;
use crate::python::{self, PythonRun};

/// One reference check: what was expected, what came out, and whether they agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What is checked.
    pub what: String,
    /// The expected value, formatted.
    pub expected: String,
    /// The value obtained, formatted.
    pub got: String,
    /// Whether the check passed.
    pub pass: bool,
}

impl Check {
    fn new(
        what: impl Into<String>,
        expected: impl ToString,
        got: impl ToString,
        pass: bool,
    ) -> Self {
        Check {
            what: what.into(),
            expected: expected.to_string(),
            got: got.to_string(),
            pass,
        }
    }
}

/// One line of a case's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What ran, e.g. `Rust parallel (2 threads, guided)`.
    pub label: String,
    /// Median wall time, seconds.
    pub median_s: f64,
    /// Best wall time, seconds, when measured here.
    pub min_s: Option<f64>,
    /// CPU seconds per run, when measured here.
    pub cpu_s: Option<f64>,
    /// Throughput in the case's unit per second, when measured here.
    pub throughput: Option<f64>,
    /// Peak heap bytes of one run, when measured here.
    pub peak_bytes: Option<usize>,
}

impl Row {
    fn from_record(label: String, record: &Record) -> Self {
        Row {
            label,
            median_s: record.median_s,
            min_s: Some(record.min_s),
            cpu_s: Some(record.cpu_s),
            throughput: Some(record.throughput),
            peak_bytes: Some(record.peak_bytes),
        }
    }

    fn quoted(label: impl Into<String>, seconds: f64) -> Self {
        Row {
            label: label.into(),
            median_s: seconds,
            min_s: None,
            cpu_s: None,
            throughput: None,
            peak_bytes: None,
        }
    }
}

/// One published case in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// The work unit of the throughput column.
    pub unit: String,
    /// Timed rows; the first two are Rust serial and Rust parallel.
    pub rows: Vec<Row>,
    /// Reference checks.
    pub checks: Vec<Check>,
    /// Extra markdown (e.g. the schedule comparison).
    pub extra: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// CPU model and thread count.
    pub machine: String,
    /// The calibration measured at the start.
    pub calibration: Calibration,
    /// Threads of the parallel runs.
    pub threads: usize,
    /// One section per published case.
    pub sections: Vec<Section>,
    /// Pictures written.
    pub pictures: Vec<PathBuf>,
    /// Why the Python comparison was skipped, if it was asked for and skipped.
    pub python_note: Option<String>,
}

impl Report {
    /// Whether every reference check passed.
    #[must_use]
    pub fn all_passed(&self) -> bool {
        self.sections.iter().flat_map(|s| &s.checks).all(|c| c.pass)
    }

    /// The report as markdown.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmark report\n");
        let _ = writeln!(
            out,
            "Machine: {}; parallel runs use {} threads.",
            self.machine, self.threads
        );
        let _ = writeln!(
            out,
            "Calibration: {:.0} M dependent flops/s (one calibration unit = {:.1} ms); \
             times in units are time / unit, comparable across machines.\n",
            self.calibration.mops(),
            self.calibration.seconds * 1e3
        );
        if let Some(note) = &self.python_note {
            let _ = writeln!(out, "Python comparison skipped: {note}\n");
        }
        for section in &self.sections {
            let _ = writeln!(out, "## {}\n", section.title);
            let _ = writeln!(
                out,
                "| run | median | best | CPU | units | throughput ({}/s) | peak heap | time vs Rust parallel |",
                section.unit
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
            let parallel = section.rows.get(1).map_or(f64::NAN, |row| row.median_s);
            for row in &section.rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {:.3} | {} | {} | {:.2}× |",
                    row.label,
                    seconds(row.median_s),
                    row.min_s.map_or("–".into(), seconds),
                    row.cpu_s.map_or("–".into(), seconds),
                    self.calibration.units(row.median_s),
                    row.throughput.map_or("–".into(), si),
                    row.peak_bytes.map_or("–".into(), bytes),
                    row.median_s / parallel,
                );
            }
            if let [serial, parallel, ..] = &section.rows[..] {
                let speedup = serial.median_s / parallel.median_s;
                let _ = writeln!(
                    out,
                    "\nParallel speed-up {speedup:.2}× on {} threads (efficiency {:.0}%).",
                    self.threads,
                    100.0 * speedup / self.threads as f64
                );
            }
            out.push_str(&section.extra);
            let _ = writeln!(out, "\n| check | expected | got | |\n|---|---|---|---|");
            for check in &section.checks {
                let mark = if check.pass { "✓" } else { "✗" };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {mark} |",
                    check.what, check.expected, check.got
                );
            }
            out.push('\n');
        }
        let total = self.sections.iter().map(|s| s.checks.len()).sum::<usize>();
        let failed = self
            .sections
            .iter()
            .flat_map(|s| &s.checks)
            .filter(|c| !c.pass)
            .count();
        if failed == 0 {
            let _ = writeln!(out, "All {total} reference checks passed ✓");
        } else {
            let _ = writeln!(out, "{failed} of {total} reference checks FAILED ✗");
        }
        if !self.pictures.is_empty() {
            let _ = writeln!(out, "\nPictures:");
            for picture in &self.pictures {
                let _ = writeln!(out, "- {}", picture.display());
            }
        }
        out
    }
}

/// Formats seconds with a unit that keeps three significant digits.
///
/// ```
/// assert_eq!(bench::report::seconds(0.0123), "12.3 ms");
/// assert_eq!(bench::report::seconds(2.5), "2.50 s");
/// ```
#[must_use]
pub fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{} s", three_digits(s))
    } else if s >= 1e-3 {
        format!("{} ms", three_digits(s * 1e3))
    } else {
        format!("{} µs", three_digits(s * 1e6))
    }
}

/// `value` with three significant digits (for values from 1 to 999).
fn three_digits(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A one-line human summary of a record (the non-JSON output of a case subcommand).
///
/// ```
/// use bench::cases::{BackendChoice, Case, MonteCarloCase, RunOptions};
/// let (record, _) = MonteCarloCase { samples: 1000, seed: 1 }
///     .run(RunOptions::new(BackendChoice::Serial, 1))?;
/// assert!(bench::report::record_summary(&record).starts_with("montecarlo (custom) serial"));
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn record_summary(record: &Record) -> String {
    let answer = serde_json::to_value(&record.answer)
        .ok()
        .and_then(|value| value.as_object().cloned())
        .map(|fields| {
            fields
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    format!(
        "{} ({}) {} on {} thread(s), {} schedule: median {}, best {}, CPU {}, {} {}/s; {answer}",
        record.kernel,
        record.case,
        record.backend,
        record.threads,
        record.schedule,
        seconds(record.median_s),
        seconds(record.min_s),
        seconds(record.cpu_s),
        si(record.throughput),
        record.unit,
    )
}

/// Formats a rate with an SI prefix.
///
/// ```
/// assert_eq!(bench::report::si(2.5e9), "2.50 G");
/// ```
#[must_use]
pub fn si(value: f64) -> String {
    let (scaled, prefix) = if value >= 1e9 {
        (value / 1e9, "G")
    } else if value >= 1e6 {
        (value / 1e6, "M")
    } else if value >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    format!("{scaled:.2} {prefix}")
}

/// Formats a byte count in MiB or KiB.
///
/// ```
/// assert_eq!(bench::report::bytes(3 << 20), "3.0 MiB");
/// ```
#[must_use]
pub fn bytes(count: usize) -> String {
    if count >= 1 << 20 {
        format!("{:.1} MiB", count as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", count as f64 / 1024.0)
    }
}

/// The CPU model name, from `/proc/cpuinfo` where there is one.
#[must_use]
pub fn machine_description() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    format!(
        "{model}, {} hardware threads",
        crate::cases::available_threads()
    )
}

fn same_bits(a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) -> bool {
    let mut a = a.into_iter();
    let mut b = b.into_iter();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.to_bits() == y.to_bits() => {}
            _ => return false,
        }
    }
}

fn progress(message: &str) {
    eprintln!("[report] {message}");
}

type Output<C> = <<C as Case>::Kernel as Kernel>::Output;

/// Runs `case` on Serial and on Parallel with `threads` threads.
fn run_both<C: Case>(
    case: &C,
    repeat: usize,
    threads: usize,
) -> kernels_core::Result<[(Record, Output<C>); 2]>
where
    Output<C>: Send,
{
    progress(&format!("{}: serial", C::NAME));
    let serial = case.run(RunOptions::new(BackendChoice::Serial, repeat))?;
    progress(&format!("{}: parallel", C::NAME));
    let mut options = RunOptions::new(BackendChoice::Parallel, repeat);
    options.threads = threads;
    let parallel = case.run(options)?;
    Ok([serial, parallel])
}

fn rust_rows(serial: &Record, parallel: &Record, threads: usize) -> Vec<Row> {
    vec![
        Row::from_record("Rust serial".into(), serial),
        Row::from_record(
            format!("Rust parallel ({threads} threads, {})", parallel.schedule),
            parallel,
        ),
    ]
}

fn python_rows(runs: &[PythonRun], case: &str) -> Vec<Row> {
    runs.iter()
        .filter(|run| run.case == case)
        .map(|run| {
            let mut row = Row::quoted(
                format!("{} (this machine)", tool_label(&run.tool)),
                run.median_s,
            );
            row.min_s = Some(run.min_s);
            row
        })
        .collect()
}

fn tool_label(tool: &str) -> &str {
    match tool {
        "numpy" => "NumPy",
        "numba" => "Numba parallel",
        other => other,
    }
}

fn write_picture(out: &Path, name: &str, width: usize, height: usize, rgb: &[u8]) -> PathBuf {
    let path = out.join(name);
    if let Err(err) = image::write_png(&path, width, height, rgb) {
        progress(&format!("could not write {}: {err}", path.display()));
    }
    path
}

/// Options of a report run.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Timed repeats per run.
    pub repeat: usize,
    /// Threads of the parallel runs.
    pub threads: usize,
    /// Run the Python comparison.
    pub python: bool,
    /// Where the pictures go.
    pub out: PathBuf,
}

/// Runs every published case and builds the report.
///
/// # Errors
/// An error if a published case cannot be built (a bug) or the picture
/// directory cannot be created.
pub fn run(options: &ReportOptions) -> Result<Report, Box<dyn std::error::Error>> {
    let started = Instant::now();
    std::fs::create_dir_all(&options.out)?;
    progress("calibrating");
    let calibration = Calibration::measure();
    let python_runs = if options.python {
        progress("running the NumPy/Numba versions (this takes a while)");
        python::run(3)
    } else {
        Ok(Vec::new())
    };
    let python_note = python_runs.as_ref().err().cloned();
    let python_runs = python_runs.unwrap_or_default();
    let (repeat, threads, out) = (options.repeat, options.threads, options.out.as_path());
    let mut pictures = Vec::new();
    let sections = vec![
        julia_section(repeat, threads, &python_runs, out, &mut pictures)?,
        mandelbrot_section(repeat, threads, out, &mut pictures)?,
        plate_section(repeat, threads, &python_runs, out, &mut pictures)?,
        particles_section(repeat, threads, &python_runs, out, &mut pictures)?,
        distance_section(repeat.min(3), threads, &python_runs)?,
        diffusion_section(repeat, threads, &python_runs, out, &mut pictures)?,
        montecarlo_section(repeat, threads, &python_runs)?,
    ];
    progress(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(Report {
        machine: machine_description(),
        calibration,
        threads,
        sections,
        pictures,
        python_note,
    })
}

fn julia_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
    out: &Path,
    pictures: &mut Vec<PathBuf>,
) -> kernels_core::Result<Section> {
    const PUBLISHED_SUM: u64 = 33_219_980;
    let case = JuliaCase::default();
    let [(serial, serial_counts), (parallel, counts)] = run_both(&case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "julia"));
    rows.push(Row::quoted("published: pure Python (2014 laptop)", 11.0));
    rows.push(Row::quoted(
        "published: Cython + OpenMP guided (2014 laptop)",
        0.07,
    ));
    rows.push(Row::quoted("published: Numba (2014 laptop)", 0.23));

    let mut extra = String::from(
        "\nSchedules (Rust parallel): rows through the set cost more than edge rows.\n\n\
         | schedule | median | speed-up over serial | efficiency |\n|---|---:|---:|---:|\n",
    );
    for schedule in Schedule::ALL {
        progress(&format!("julia: parallel, {schedule} schedule"));
        let options = RunOptions {
            backend: BackendChoice::Parallel,
            threads,
            schedule: Some(schedule),
            repeat,
        };
        let (record, _) = case.run(options)?;
        let speedup = serial.median_s / record.median_s;
        let _ = writeln!(
            extra,
            "| {schedule} | {} | {speedup:.2}× | {:.0}% |",
            seconds(record.median_s),
            100.0 * speedup / threads as f64
        );
    }
    let sum = fractal::checksum(&counts);
    let checks = vec![
        Check::new("sum of counts", PUBLISHED_SUM, sum, sum == PUBLISHED_SUM),
        Check::new(
            "serial = parallel",
            "identical",
            serial_counts == counts,
            serial_counts == counts,
        ),
    ];
    let (height, width) = counts.dim();
    let rgb = fractal::colour::to_rgb(&counts, case.max_iter, fractal::colour::ColourMap::Fire);
    pictures.push(write_picture(out, "julia.png", width, height, &rgb));
    Ok(Section {
        title: "Julia set, 1000 × 1000, 300 iterations (published)".into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra,
    })
}

fn mandelbrot_section(
    repeat: usize,
    threads: usize,
    out: &Path,
    pictures: &mut Vec<PathBuf>,
) -> kernels_core::Result<Section> {
    let case = MandelbrotCase::default();
    let [(serial, serial_counts), (parallel, counts)] = run_both(&case, repeat, threads)?;
    let (height, width) = counts.dim();
    let rgb = fractal::colour::to_rgb(&counts, case.max_iter, fractal::colour::ColourMap::Fire);
    pictures.push(write_picture(out, "mandelbrot.png", width, height, &rgb));
    Ok(Section {
        title: "Mandelbrot set, 1000 × 1000, 300 iterations".into(),
        unit: parallel.unit.into(),
        rows: rust_rows(&serial, &parallel, threads),
        checks: vec![Check::new(
            "serial = parallel",
            "identical",
            serial_counts == counts,
            serial_counts == counts,
        )],
        extra: String::new(),
    })
}

fn plate_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
    out: &Path,
    pictures: &mut Vec<PathBuf>,
) -> kernels_core::Result<Section> {
    const PUBLISHED_W_MAX_MM: f64 = 0.141_317_840_389;
    const PUBLISHED_ALPHA: f64 = 0.011_575_179;
    let case = PlateCase::default();
    let [(serial, serial_w), (parallel, deflection)] = run_both(&case, repeat * 20, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "plate"));
    rows.push(Row::quoted("published: pure Python quadruple loop", 61.0));
    let w_max_mm = deflection.w_max() * 1e3;
    let alpha = deflection.alpha();
    let identical = same_bits(serial_w.w().iter().copied(), deflection.w().iter().copied());
    let checks = vec![
        Check::new(
            "w_max (mm), 12 decimals",
            format!("{PUBLISHED_W_MAX_MM:.12}"),
            format!("{w_max_mm:.12}"),
            (w_max_mm - PUBLISHED_W_MAX_MM).abs() < 5e-13,
        ),
        Check::new(
            "alpha",
            format!("{PUBLISHED_ALPHA:.9} (published 0.01158)"),
            format!("{alpha:.9}"),
            (alpha - PUBLISHED_ALPHA).abs() < 1e-9,
        ),
        Check::new("serial = parallel", "bit-identical", identical, identical),
    ];
    let w = deflection.w();
    pictures.push(write_picture(
        out,
        "plate.png",
        w.ncols(),
        w.nrows(),
        &image::heatmap(w.view()),
    ));
    Ok(Section {
        title: "Navier plate, 101 × 101 points, 15 × 15 terms (published)".into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra: String::new(),
    })
}

fn particles_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
    out: &Path,
    pictures: &mut Vec<PathBuf>,
) -> kernels_core::Result<Section> {
    const PUBLISHED: [(f64, f64); 3] = [
        (0.210_269_845_035_682_5, 0.543_863_578_729_699_7),
        (-0.099_334_766_056_735_8, -0.490_034_288_853_804_9),
        (0.191_358_503_825_264_1, -0.365_227_221_074_436),
    ];
    let case = ParticlesCase::default();
    let [(serial, serial_end), (parallel, end)] = run_both(&case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "particles"));
    rows.push(Row::quoted("published: pure Python (600 ns/step)", 6.0));
    rows.push(Row::quoted(
        "published: Cython + OpenMP, 4 threads (6 ns/step)",
        0.06,
    ));

    let mut checks = Vec::new();
    for method in [particles::Method::Textbook, particles::Method::Hoisted] {
        let evolve = particles::Evolve::new(particles::Particles::published_test(), 0.1, method)?;
        let evolved = evolve.run::<Parallel>();
        let error = PUBLISHED
            .iter()
            .enumerate()
            .map(|(i, (x, y))| (evolved.x()[i] - x).abs().max((evolved.y()[i] - y).abs()))
            .fold(0.0, f64::max);
        checks.push(Check::new(
            format!("three-particle test, {method:?}"),
            "within 1e-5",
            format!("max error {error:.1e}"),
            error < 1e-5,
        ));
    }
    let identical = same_bits(serial_end.x().iter().copied(), end.x().iter().copied())
        && same_bits(serial_end.y().iter().copied(), end.y().iter().copied());
    checks.push(Check::new(
        "serial = parallel",
        "bit-identical",
        identical,
        identical,
    ));

    // Paths of a few particles, sampled every 1000 steps over one turn or so.
    let mut system = particles::Particles::random(12, 7)?;
    let mut paths = vec![Vec::new(); system.len()];
    for _ in 0..600 {
        for (i, path) in paths.iter_mut().enumerate() {
            path.push((system.x()[i], system.y()[i]));
        }
        system =
            particles::Evolve::new(system, 0.01, particles::Method::Textbook)?.run::<Parallel>();
    }
    let rgb = image::particle_paths(&paths, 1.5, 600);
    pictures.push(write_picture(out, "particles.png", 600, 600, &rgb));
    Ok(Section {
        title: "Rotating particles, 1000 particles × 10 000 steps (published)".into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra: String::new(),
    })
}

fn distance_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
) -> kernels_core::Result<Section> {
    let case = DistanceCase::default();
    let [(serial, serial_d), (parallel, d)] = run_both(&case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "distance"));
    rows.push(Row::quoted("published: NumPy broadcasting", 3.56));
    rows.push(Row::quoted("published: numexpr", 0.86));
    let identical = same_bits(serial_d.iter().copied(), d.iter().copied());
    let diagonal_zero = (0..d.nrows()).all(|i| d[[i, i]] == 0.0);
    let symmetric = (0..d.nrows())
        .step_by(97)
        .all(|i| (0..d.ncols()).all(|j| d[[i, j]] == d[[j, i]]));
    Ok(Section {
        title: "Distance matrix, N = 10 000 (published; 800 MB of output)".into(),
        unit: parallel.unit.into(),
        rows,
        checks: vec![
            Check::new("serial = parallel", "bit-identical", identical, identical),
            Check::new("zero diagonal", true, diagonal_zero, diagonal_zero),
            Check::new("symmetric (every 97th row)", true, symmetric, symmetric),
        ],
        extra: String::new(),
    })
}

fn diffusion_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
    out: &Path,
    pictures: &mut Vec<PathBuf>,
) -> kernels_core::Result<Section> {
    const TOTAL: f64 = 13.52;
    let case = DiffusionCase::default();
    let [(serial, serial_grid), (parallel, grid)] = run_both(&case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "diffusion"));
    rows.push(Row::quoted("published: NumPy in place (3.5 ms/step)", 1.75));
    rows.push(Row::quoted("published: pure Python (0.49 s/step)", 245.0));
    let sum = grid.sum();
    let identical = same_bits(serial_grid.iter().copied(), grid.iter().copied());
    pictures.push(write_picture(
        out,
        "diffusion.png",
        grid.ncols(),
        grid.nrows(),
        &image::heatmap(grid.view()),
    ));
    Ok(Section {
        title: "Diffusion, 512 × 512, 500 steps, periodic (published)".into(),
        unit: parallel.unit.into(),
        rows,
        checks: vec![
            Check::new(
                "total conserved (1e-12 relative)",
                TOTAL,
                format!("{sum:.15}"),
                ((sum - TOTAL) / TOTAL).abs() <= 1e-12,
            ),
            Check::new("serial = parallel", "bit-identical", identical, identical),
        ],
        extra: String::new(),
    })
}

fn montecarlo_section(
    repeat: usize,
    threads: usize,
    python_runs: &[PythonRun],
) -> kernels_core::Result<Section> {
    let case = MonteCarloCase::default();
    let [(serial, _), (parallel, estimate)] = run_both(&case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(python_rows(python_runs, "montecarlo"));
    rows.push(Row::quoted("published: serial pure Python", 0.73));
    rows.push(Row::quoted("published: pool, 10 chunks of 100 000", 0.33));
    rows.push(Row::quoted("published: pool, one task per sample", 97.0));
    let error = (estimate.mean() - std::f64::consts::PI).abs();
    let kernel = case.kernel()?;
    let same_everywhere = kernels_core::testing::THREAD_COUNTS.iter().all(|&n| {
        let other = in_pool(n, || kernel.run::<Parallel>());
        other.mean().to_bits() == estimate.mean().to_bits()
    });
    Ok(Section {
        title: "Monte Carlo π, 1 000 000 samples (published)".into(),
        unit: parallel.unit.into(),
        rows,
        checks: vec![
            Check::new(
                "|estimate − π| ≤ 5 standard errors",
                format!("≤ {:.5}", 5.0 * estimate.std_error()),
                format!("{error:.5} (estimate {:.6})", estimate.mean()),
                error <= 5.0 * estimate.std_error(),
            ),
            Check::new(
                "same estimate on 1, 2, 3, 8 threads",
                true,
                same_everywhere,
                same_everywhere,
            ),
        ],
        extra: String::new(),
    })
}
