//! The report: every published case on both backends, its reference check,
//! the published Python times for context, optionally NumPy/Numba measured in
//! the same run (each case's Python right before its Rust), and pictures.
//!
//! ```
//! use bench::report::{bytes, seconds, si};
//! assert_eq!(seconds(0.000_25), "250 µs");
//! assert_eq!(si(1.5e6), "1.50 M");
//! assert_eq!(bytes(2048), "2.0 KiB");
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kernels_core::{Kernel, Parallel, Schedule, testing::in_pool};

use crate::cases::{
    BackendChoice, Case, DiffusionCase, DistanceCase, JuliaCase, MandelbrotCase, MonteCarloCase,
    ParticlesCase, PlateCase, Record, RunOptions,
};
use crate::image;
use crate::measure::{Calibration, Hardware};
use crate::python::{self, PythonRun};

/// One reference check: what was expected, what came out, and whether they agree.
///
/// ```
/// use bench::report::Check;
/// let check = Check {
///     what: "sum of counts".into(),
///     expected: "33219980".into(),
///     got: "33219980".into(),
///     pass: true,
/// };
/// assert!(check.pass && check.expected == check.got);
/// ```
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
///
/// ```
/// use bench::report::Row;
/// let quoted = Row {
///     label: "NumPy (quoted)".into(),
///     median_s: 1.5,
///     min_s: None,
///     cpu_s: None,
///     throughput: None,
///     peak_bytes: None,
/// };
/// assert!(quoted.min_s.is_none());
/// assert_eq!(bench::report::seconds(quoted.median_s), "1.50 s");
/// ```
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
///
/// ```
/// # use bench::measure::{Calibration, Hardware};
/// # use bench::report::{Check, Report, Row, Section};
/// # fn small_report(pass: bool) -> Report {
/// #     let check = Check { what: "sum".into(), expected: "42".into(), got: "42".into(), pass };
/// #     let row = Row {
/// #         label: "Rust serial".into(),
/// #         median_s: 0.02,
/// #         min_s: Some(0.019),
/// #         cpu_s: Some(0.02),
/// #         throughput: Some(5e7),
/// #         peak_bytes: Some(1 << 20),
/// #     };
/// #     let section = Section {
/// #         title: "Toy case".into(),
/// #         unit: "items".into(),
/// #         rows: vec![row],
/// #         checks: vec![check],
/// #         extra: String::new(),
/// #     };
/// #     Report {
/// #         machine: "test machine".into(),
/// #         calibration: Calibration { seconds: 0.1 },
/// #         hardware: Hardware {
/// #             threads: 2,
/// #             isa: kernels_core::Isa::Scalar,
/// #             peak_flops: 1e10,
/// #             one_thread_flops: 5e9,
/// #             bandwidth: 1e10,
/// #         },
/// #         targets: Vec::new(),
/// #         threads: 2,
/// #         sections: vec![section],
/// #         pictures: Vec::new(),
/// #         python_note: None,
/// #     }
/// # }
/// let report = small_report(true);
/// let section = &report.sections[0];
/// assert_eq!(section.rows[0].label, "Rust serial");
/// assert!(report.markdown().contains("## Toy case"));
/// ```
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
///
/// ```
/// # use bench::measure::{Calibration, Hardware};
/// # use bench::report::{Check, Report, Row, Section};
/// # fn small_report(pass: bool) -> Report {
/// #     let check = Check { what: "sum".into(), expected: "42".into(), got: "42".into(), pass };
/// #     let row = Row {
/// #         label: "Rust serial".into(),
/// #         median_s: 0.02,
/// #         min_s: Some(0.019),
/// #         cpu_s: Some(0.02),
/// #         throughput: Some(5e7),
/// #         peak_bytes: Some(1 << 20),
/// #     };
/// #     let section = Section {
/// #         title: "Toy case".into(),
/// #         unit: "items".into(),
/// #         rows: vec![row],
/// #         checks: vec![check],
/// #         extra: String::new(),
/// #     };
/// #     Report {
/// #         machine: "test machine".into(),
/// #         calibration: Calibration { seconds: 0.1 },
/// #         hardware: Hardware {
/// #             threads: 2,
/// #             isa: kernels_core::Isa::Scalar,
/// #             peak_flops: 1e10,
/// #             one_thread_flops: 5e9,
/// #             bandwidth: 1e10,
/// #         },
/// #         targets: Vec::new(),
/// #         threads: 2,
/// #         sections: vec![section],
/// #         pictures: Vec::new(),
/// #         python_note: None,
/// #     }
/// # }
/// let report = small_report(true);
/// let markdown = report.markdown();
/// assert!(markdown.starts_with("# Benchmark report"));
/// assert!(markdown.contains("Machine: test machine; parallel runs use 2 threads."));
/// // The threads reached twice one thread's flop rate: two real cores.
/// assert!(markdown.contains("2.00× as fast on 2 threads as on one: each thread had a core"));
/// assert!(markdown.contains("| sum | 42 | 42 | ✓ |"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// CPU model and thread count.
    pub machine: String,
    /// The calibration measured at the start.
    pub calibration: Calibration,
    /// The hardware limits measured at the start.
    pub hardware: Hardware,
    /// Speed targets against the best Python tool.
    pub targets: Vec<Target>,
    /// Threads of the parallel runs.
    pub threads: usize,
    /// One section per published case.
    pub sections: Vec<Section>,
    /// Pictures written.
    pub pictures: Vec<PathBuf>,
    /// Why the Python comparison was skipped, if it was asked for and a case
    /// failed (that case and the later ones have no Python times).
    pub python_note: Option<String>,
}

impl Report {
    /// Whether every reference check passed.
    ///
    /// ```
    /// # use bench::measure::{Calibration, Hardware};
    /// # use bench::report::{Check, Report, Row, Section};
    /// # fn small_report(pass: bool) -> Report {
    /// #     let check = Check { what: "sum".into(), expected: "42".into(), got: "42".into(), pass };
    /// #     let row = Row {
    /// #         label: "Rust serial".into(),
    /// #         median_s: 0.02,
    /// #         min_s: Some(0.019),
    /// #         cpu_s: Some(0.02),
    /// #         throughput: Some(5e7),
    /// #         peak_bytes: Some(1 << 20),
    /// #     };
    /// #     let section = Section {
    /// #         title: "Toy case".into(),
    /// #         unit: "items".into(),
    /// #         rows: vec![row],
    /// #         checks: vec![check],
    /// #         extra: String::new(),
    /// #     };
    /// #     Report {
    /// #         machine: "test machine".into(),
    /// #         calibration: Calibration { seconds: 0.1 },
    /// #         hardware: Hardware {
    /// #             threads: 2,
    /// #             isa: kernels_core::Isa::Scalar,
    /// #             peak_flops: 1e10,
    /// #             one_thread_flops: 5e9,
    /// #             bandwidth: 1e10,
    /// #         },
    /// #         targets: Vec::new(),
    /// #         threads: 2,
    /// #         sections: vec![section],
    /// #         pictures: Vec::new(),
    /// #         python_note: None,
    /// #     }
    /// # }
    /// assert!(small_report(true).all_passed());
    /// assert!(!small_report(false).all_passed());
    /// ```
    #[must_use]
    pub fn all_passed(&self) -> bool {
        self.sections.iter().flat_map(|s| &s.checks).all(|c| c.pass)
    }

    /// The report as markdown.
    ///
    /// ```
    /// # use bench::measure::{Calibration, Hardware};
    /// # use bench::report::{Check, Report, Row, Section};
    /// # fn small_report(pass: bool) -> Report {
    /// #     let check = Check { what: "sum".into(), expected: "42".into(), got: "42".into(), pass };
    /// #     let row = Row {
    /// #         label: "Rust serial".into(),
    /// #         median_s: 0.02,
    /// #         min_s: Some(0.019),
    /// #         cpu_s: Some(0.02),
    /// #         throughput: Some(5e7),
    /// #         peak_bytes: Some(1 << 20),
    /// #     };
    /// #     let section = Section {
    /// #         title: "Toy case".into(),
    /// #         unit: "items".into(),
    /// #         rows: vec![row],
    /// #         checks: vec![check],
    /// #         extra: String::new(),
    /// #     };
    /// #     Report {
    /// #         machine: "test machine".into(),
    /// #         calibration: Calibration { seconds: 0.1 },
    /// #         hardware: Hardware {
    /// #             threads: 2,
    /// #             isa: kernels_core::Isa::Scalar,
    /// #             peak_flops: 1e10,
    /// #             one_thread_flops: 5e9,
    /// #             bandwidth: 1e10,
    /// #         },
    /// #         targets: Vec::new(),
    /// #         threads: 2,
    /// #         sections: vec![section],
    /// #         pictures: Vec::new(),
    /// #         python_note: None,
    /// #     }
    /// # }
    /// let markdown = small_report(true).markdown();
    /// assert!(markdown.contains("| sum | 42 | 42 | ✓ |"));
    /// assert!(markdown.contains("All 1 reference checks passed ✓"));
    /// let markdown = small_report(false).markdown();
    /// assert!(markdown.contains("1 of 1 reference checks FAILED ✗"));
    /// ```
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmark report\n");
        let _ = writeln!(
            out,
            "Machine: {}; parallel runs use {} threads. Independent vector arithmetic ran \
             {:.2}× as fast on {} threads as on one: {}.",
            self.machine,
            self.threads,
            self.hardware.thread_scaling(),
            self.hardware.threads,
            self.hardware.cores_note()
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
            let pair = section.rows.len() >= 2 && section.rows[0].label == SERIAL_LABEL;
            let _ = writeln!(
                out,
                "| run | median | best | CPU | units | throughput ({}/s) | peak heap | time vs Rust parallel |",
                section.unit
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
            let parallel = if pair {
                section.rows[1].median_s
            } else {
                f64::NAN
            };
            for row in &section.rows {
                let relative = row.median_s / parallel;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    row.label,
                    seconds(row.median_s),
                    row.min_s.map_or("–".into(), seconds),
                    row.cpu_s.map_or("–".into(), seconds),
                    calibration_units(self.calibration.units(row.median_s)),
                    row.throughput.map_or("–".into(), si),
                    row.peak_bytes.map_or("–".into(), bytes),
                    if relative.is_finite() {
                        format!("{relative:.2}×")
                    } else {
                        "–".into()
                    },
                );
            }
            if pair {
                let speedup = section.rows[0].median_s / section.rows[1].median_s;
                let _ = writeln!(
                    out,
                    "\nParallel speed-up {speedup:.2}× on {} threads (efficiency {:.0}%).",
                    self.threads,
                    100.0 * speedup / self.threads as f64
                );
            }
            out.push_str(&section.extra);
            if !section.checks.is_empty() {
                let _ = writeln!(out, "\n| check | expected | got | |\n|---|---|---|---|");
            }
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
        if !self.targets.is_empty() {
            let _ = writeln!(
                out,
                "## Speed targets: Rust parallel against the best Python tool\n\n\
                 Ratios against the Python time measured in this run (each case's \
                 Python right before its Rust) and against the (lower) time the \
                 speed issue quoted for this machine type.\n\n\
                 | case | best Python tool | its time | quoted | Rust parallel | vs this run | vs quoted | target | |\n\
                 |---|---|---:|---:|---:|---:|---:|---:|---|"
            );
            for target in &self.targets {
                let (ratio, quoted_ratio) = (target.ratio(), target.quoted_ratio());
                let mark = match (ratio >= target.goal, quoted_ratio >= target.goal) {
                    (true, true) => "✓",
                    (true, false) => "✓ this run, ✗ quoted",
                    (false, true) => "✗ this run, ✓ quoted",
                    (false, false) => "✗",
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {ratio:.1}× | {quoted_ratio:.1}× | ≥ {:.0}× | {mark} |",
                    target.case,
                    target.python_tool,
                    seconds(target.python_s),
                    seconds(target.quoted_s),
                    seconds(target.rust_s),
                    target.goal
                );
            }
            let _ = writeln!(
                out,
                "\nMachine: {}. Peak measured here: {}flop/s ({}, no FMA), copy bandwidth {}B/s, {} threads.\n",
                self.machine,
                si(self.hardware.peak_flops),
                self.hardware.isa,
                si(self.hardware.bandwidth),
                self.hardware.threads
            );
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

/// Formats a time in calibration units with three significant digits.
///
/// ```
/// assert_eq!(bench::report::calibration_units(0.151), "0.151");
/// assert_eq!(bench::report::calibration_units(0.000_264), "2.64e-4");
/// ```
#[must_use]
pub fn calibration_units(units: f64) -> String {
    if units >= 0.01 {
        format!("{units:.3}")
    } else {
        format!("{units:.2e}")
    }
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
///
/// ```
/// let machine = bench::report::machine_description();
/// let threads = bench::cases::available_threads();
/// assert!(machine.ends_with(&format!(", {threads} hardware threads")));
/// ```
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

/// Runs `case` on Parallel with `threads` threads, then on Serial. Parallel
/// goes first because the speed targets compare it with the Python times
/// measured just before.
fn run_both<C: Case>(
    case: &C,
    repeat: usize,
    threads: usize,
) -> kernels_core::Result<[(Record, Output<C>); 2]>
where
    Output<C>: Send,
{
    progress(&format!("{}: parallel", C::NAME));
    let mut options = RunOptions::new(BackendChoice::Parallel, repeat);
    options.threads = threads;
    let parallel = case.run(options)?;
    progress(&format!("{}: serial", C::NAME));
    let serial = case.run(RunOptions::new(BackendChoice::Serial, repeat))?;
    Ok([serial, parallel])
}

/// A case run on both backends, with its table rows: Rust serial, Rust
/// parallel, parallel on each narrower instruction set, and the Python runs
/// of the same case measured in this report (matched by the case's name).
struct Comparison<C: Case> {
    serial: Record,
    serial_output: Output<C>,
    parallel: Record,
    output: Output<C>,
    rows: Vec<Row>,
}

fn compare<C: Case>(
    cx: &mut Context<'_>,
    case: &C,
    repeat: usize,
) -> kernels_core::Result<Comparison<C>>
where
    Output<C>: Send,
{
    cx.measure_python(C::NAME);
    let threads = cx.options.threads;
    let [(serial, serial_output), (parallel, output)] = run_both(case, repeat, threads)?;
    let mut rows = rust_rows(&serial, &parallel, threads);
    rows.extend(isa_rows(case, repeat, threads)?);
    rows.extend(python_rows(&cx.python, C::NAME));
    Ok(Comparison {
        serial,
        serial_output,
        parallel,
        output,
        rows,
    })
}

/// Rust parallel rows for the narrower instruction sets this CPU supports
/// (the default run uses the widest), showing what SIMD is worth.
fn isa_rows<C: Case>(case: &C, repeat: usize, threads: usize) -> kernels_core::Result<Vec<Row>>
where
    Output<C>: Send,
{
    let selected = kernels_core::Isa::selected();
    let mut rows = Vec::new();
    for isa in kernels_core::Isa::supported()
        .into_iter()
        .rev()
        .filter(|&isa| isa < selected)
    {
        progress(&format!("{}: parallel, {isa}", C::NAME));
        let mut options = RunOptions::new(BackendChoice::Parallel, repeat);
        options.threads = threads;
        options.isa = Some(isa);
        let (record, _) = case.run(options)?;
        rows.push(Row::from_record(
            format!("Rust parallel, {isa} only"),
            &record,
        ));
    }
    Ok(rows)
}

/// The label of the Rust serial row, which starts every backend comparison.
const SERIAL_LABEL: &str = "Rust serial";

fn rust_rows(serial: &Record, parallel: &Record, threads: usize) -> Vec<Row> {
    vec![
        Row::from_record(SERIAL_LABEL.into(), serial),
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
///
/// ```
/// use bench::report::ReportOptions;
/// let options = ReportOptions {
///     repeat: 3,
///     threads: bench::cases::available_threads(),
///     python: false,
///     large: false,
///     out: "target/report".into(),
/// };
/// assert!(options.threads >= 1);
/// assert!(options.out.ends_with("report"));
/// ```
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Timed repeats per run.
    pub repeat: usize,
    /// Threads of the parallel runs.
    pub threads: usize,
    /// Run the Python comparison: each case's NumPy/Numba versions right
    /// before the report times the same case in Rust.
    pub python: bool,
    /// Also run the larger speed-target cases.
    pub large: bool,
    /// Where the pictures go.
    pub out: PathBuf,
}

/// What limits a kernel's speed, and so which hardware figure its throughput
/// is compared with.
///
/// ```
/// use bench::report::Bound;
/// let bound = Bound::Memory;
/// assert_ne!(bound, Bound::Compute);
/// assert_eq!(format!("{bound:?}"), "Memory");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Floating-point rate.
    Compute,
    /// Memory bandwidth.
    Memory,
}

/// One speed target: Rust parallel against the best Python tool for a case.
///
/// ```
/// use bench::report::Target;
/// let target = Target {
///     case: "Julia 1000², 300 iterations".into(),
///     python_tool: "Numba parallel (this run)".into(),
///     python_s: 0.6,
///     quoted_s: 0.074,
///     rust_s: 0.05,
///     goal: 10.0,
/// };
/// assert!(target.ratio() >= target.goal);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The case, e.g. `Julia 1000², 300 iterations`.
    pub case: String,
    /// The Python tool and where its time comes from.
    pub python_tool: String,
    /// The best Python tool's median time, seconds.
    pub python_s: f64,
    /// The lower end of the time the speed issue quoted for the best Python
    /// tool on this machine type, seconds.
    pub quoted_s: f64,
    /// Rust parallel median time, seconds.
    pub rust_s: f64,
    /// Required speed-up (10 or 3).
    pub goal: f64,
}

impl Target {
    /// How many times faster Rust is.
    ///
    /// ```
    /// use bench::report::Target;
    /// let target = Target {
    ///     case: "π, 1e8 samples".into(),
    ///     python_tool: "NumPy".into(),
    ///     python_s: 3.0,
    ///     quoted_s: 3.0,
    ///     rust_s: 0.5,
    ///     goal: 3.0,
    /// };
    /// assert_eq!(target.ratio(), 6.0);
    /// ```
    #[must_use]
    pub fn ratio(&self) -> f64 {
        self.python_s / self.rust_s
    }

    /// How many times faster Rust is than the quoted Python time.
    ///
    /// ```
    /// use bench::report::Target;
    /// let target = Target {
    ///     case: "π, 1e8 samples".into(),
    ///     python_tool: "Numba parallel (this run)".into(),
    ///     python_s: 2.0,
    ///     quoted_s: 1.5,
    ///     rust_s: 0.1,
    ///     goal: 10.0,
    /// };
    /// assert_eq!(target.quoted_ratio(), 15.0);
    /// assert!(target.ratio() > target.quoted_ratio());
    /// ```
    #[must_use]
    pub fn quoted_ratio(&self) -> f64 {
        self.quoted_s / self.rust_s
    }
}

/// Shared state of a report run.
struct Context<'a> {
    options: &'a ReportOptions,
    /// The Python runs measured so far.
    python: Vec<PythonRun>,
    /// Why the Python comparison stopped (after its first failure).
    python_note: Option<String>,
    hardware: Hardware,
    pictures: Vec<PathBuf>,
    targets: Vec<Target>,
}

impl Context<'_> {
    /// With `--python`, runs the NumPy/Numba versions of the case `key` now,
    /// right before the report times it in Rust: on a shared machine whose
    /// speed drifts from minute to minute, a ratio is only fair between two
    /// times taken close together. Cases the script does not have (the
    /// Mandelbrot set) are skipped; after a failure, so is every later case.
    fn measure_python(&mut self, key: &str) {
        if !self.options.python || self.python_note.is_some() || !python::has_case(key) {
            return;
        }
        progress(&format!("{key}: NumPy/Numba"));
        match python::run(&[key], PYTHON_REPEAT) {
            Ok(runs) => self.python.extend(runs),
            Err(why) => self.python_note = Some(why),
        }
    }

    /// Records a speed target for `case` (the key the Python script uses),
    /// preferring the Python time measured in this run over the time the
    /// speed issue quoted for this machine type.
    fn target(&mut self, title: &str, key: &str, quoted: (&str, f64), rust_s: f64, goal: f64) {
        let measured = self
            .python
            .iter()
            .filter(|run| run.case == key)
            .min_by(|a, b| a.median_s.total_cmp(&b.median_s));
        let (python_tool, python_s) = match measured {
            Some(run) => (
                format!("{} (this run)", tool_label(&run.tool)),
                run.median_s,
            ),
            None => (
                format!("{} (quoted for this machine type)", quoted.0),
                quoted.1,
            ),
        };
        self.targets.push(Target {
            case: title.into(),
            python_tool,
            python_s,
            quoted_s: quoted.1,
            rust_s,
            goal,
        });
    }

    /// The throughput of `record` as a fraction of the hardware limit that
    /// `bound` names, followed by `note` (what really limits the kernel).
    /// Writes a picture into the output directory and lists it in the report.
    fn picture(&mut self, name: &str, width: usize, height: usize, rgb: &[u8]) {
        let path = write_picture(&self.options.out, name, width, height, rgb);
        self.pictures.push(path);
    }

    fn hardware_line(&self, record: &Record, bound: Bound, note: &str) -> String {
        let hw = &self.hardware;
        let flops = format!("{}flop/s", si(record.flops_per_s));
        let bytes = format!("{}B/s", si(record.bytes_per_s));
        match bound {
            Bound::Compute => format!(
                "\nHardware (compute-bound): {flops} = {:.0}% of the measured peak \
                 ({}flop/s, {} × {} threads, no FMA); memory traffic {bytes}. {note}\n",
                100.0 * record.flops_per_s / hw.peak_flops,
                si(hw.peak_flops),
                hw.isa,
                hw.threads
            ),
            Bound::Memory => format!(
                "\nHardware (memory-bound): {bytes} = {:.0}% of the measured copy bandwidth \
                 ({}B/s, {} threads); {flops}. {note}\n",
                100.0 * record.bytes_per_s / hw.bandwidth,
                si(hw.bandwidth),
                hw.threads
            ),
        }
    }
}

/// Runs every published case (and with `large`, the speed-target cases) and
/// builds the report.
///
/// # Errors
/// An error if a case cannot be built (a bug) or the picture directory
/// cannot be created.
///
/// ```no_run
/// use bench::report::{ReportOptions, run};
/// let options = ReportOptions {
///     repeat: 3,
///     threads: 2,
///     python: false,
///     large: false,
///     out: "target/report".into(),
/// };
/// let report = run(&options)?;
/// assert!(report.all_passed(), "{}", report.markdown());
/// assert_eq!(report.threads, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(options: &ReportOptions) -> Result<Report, Box<dyn std::error::Error>> {
    let started = Instant::now();
    std::fs::create_dir_all(&options.out)?;
    progress("calibrating");
    let calibration = Calibration::measure();
    progress("measuring the hardware limits");
    let hardware = Hardware::measure(options.threads);
    let mut context = Context {
        options,
        python: Vec::new(),
        python_note: None,
        hardware,
        pictures: Vec::new(),
        targets: Vec::new(),
    };
    let mut sections = vec![
        julia_section(&mut context)?,
        mandelbrot_section(&mut context)?,
        plate_section(&mut context)?,
        particles_section(&mut context)?,
        distance_section(&mut context)?,
        diffusion_section(&mut context)?,
        montecarlo_section(&mut context)?,
    ];
    if options.large {
        sections.push(large_section(&mut context)?);
    }
    progress(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(Report {
        machine: machine_description(),
        calibration,
        hardware,
        threads: options.threads,
        sections,
        pictures: context.pictures,
        targets: context.targets,
        python_note: context.python_note,
    })
}

fn julia_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    const PUBLISHED_SUM: u64 = 33_219_980;
    let (repeat, threads) = (cx.options.repeat, cx.options.threads);
    let case = JuliaCase::default();
    let Comparison {
        serial,
        serial_output: serial_counts,
        parallel,
        output: counts,
        mut rows,
    } = compare(cx, &case, repeat)?;
    rows.push(Row::quoted("published: pure Python (2014 laptop)", 11.0));
    rows.push(Row::quoted(
        "published: Cython + OpenMP guided (2014 laptop)",
        0.07,
    ));
    rows.push(Row::quoted("published: Numba (2014 laptop)", 0.23));

    progress("julia: parallel, plain loop");
    let plain_case = JuliaCase {
        plain: true,
        ..JuliaCase::default()
    };
    let mut options = RunOptions::new(BackendChoice::Parallel, repeat);
    options.threads = threads;
    let (plain, _) = plain_case.run(options)?;
    rows.insert(
        2,
        Row::from_record(
            "Rust parallel, plain loop (no interior shortcut)".into(),
            &plain,
        ),
    );
    let mut extra = cx.hardware_line(
        &plain,
        Bound::Compute,
        "Measured on the plain loop, which executes every escape iteration; the \
         interior shortcut skips about 80% of them, so its effective rate is higher.",
    );
    extra.push_str(
        "\nSchedules (Rust parallel): rows through the set cost more than edge rows.\n\n\
         | schedule | median | speed-up over serial | efficiency |\n|---|---:|---:|---:|\n",
    );
    for schedule in Schedule::ALL {
        progress(&format!("julia: parallel, {schedule} schedule"));
        let options = RunOptions {
            backend: BackendChoice::Parallel,
            threads,
            schedule: Some(schedule),
            isa: None,
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
    cx.picture("julia.png", width, height, &rgb);
    let title = "Julia set, 1000 × 1000, 300 iterations (published)";
    cx.target(
        title,
        "julia",
        ("Numba parallel", 0.074),
        parallel.median_s,
        10.0,
    );
    Ok(Section {
        title: title.into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra,
    })
}

fn mandelbrot_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    let repeat = cx.options.repeat;
    let case = MandelbrotCase::default();
    let Comparison {
        serial_output: serial_counts,
        parallel,
        output: counts,
        rows,
        ..
    } = compare(cx, &case, repeat)?;
    let (height, width) = counts.dim();
    let rgb = fractal::colour::to_rgb(&counts, case.max_iter, fractal::colour::ColourMap::Fire);
    cx.picture("mandelbrot.png", width, height, &rgb);
    Ok(Section {
        title: "Mandelbrot set, 1000 × 1000, 300 iterations".into(),
        unit: parallel.unit.into(),
        rows,
        checks: vec![Check::new(
            "serial = parallel",
            "identical",
            serial_counts == counts,
            serial_counts == counts,
        )],
        extra: cx.hardware_line(
            &parallel,
            Bound::Compute,
            "Escape iterations skipped by the exact periodicity check count as done.",
        ),
    })
}

fn plate_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    const PUBLISHED_W_MAX_MM: f64 = 0.141_317_840_389;
    const PUBLISHED_ALPHA: f64 = 0.011_575_179;
    let repeat = cx.options.repeat;
    let case = PlateCase::default();
    // The published case takes well under a millisecond: more repeats.
    let Comparison {
        serial_output: serial_w,
        parallel,
        output: deflection,
        mut rows,
        ..
    } = compare(cx, &case, repeat * 20)?;
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
    let (rgb, width, height) = image::upscale(&image::heatmap(w.view()), w.ncols(), w.nrows(), 5);
    cx.picture("plate.png", width, height, &rgb);
    let title = "Navier plate, 101 × 101 points, 15 × 15 terms (published)";
    cx.target(
        title,
        "plate",
        ("NumPy separable", 0.000_35),
        parallel.median_s,
        10.0,
    );
    Ok(Section {
        title: title.into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra: cx.hardware_line(&parallel, Bound::Compute, ""),
    })
}

fn particles_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    const PUBLISHED: [(f64, f64); 3] = [
        (0.210_269_845_035_682_5, 0.543_863_578_729_699_7),
        (-0.099_334_766_056_735_8, -0.490_034_288_853_804_9),
        (0.191_358_503_825_264_1, -0.365_227_221_074_436),
    ];
    let repeat = cx.options.repeat;
    let case = ParticlesCase::default();
    let Comparison {
        serial_output: serial_end,
        parallel,
        output: end,
        mut rows,
        ..
    } = compare(cx, &case, repeat)?;
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
            format!("three-particle test, {method}"),
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

    // A few particles' paths, sampled every 1000 steps.
    let mut system = particles::Particles::random(12, 7)?;
    let mut paths = vec![Vec::new(); system.len()];
    for _ in 0..600 {
        for (i, path) in paths.iter_mut().enumerate() {
            path.push((system.x()[i], system.y()[i]));
        }
        system.evolve::<Parallel>(0.01, particles::Method::Textbook)?;
    }
    let rgb = image::particle_paths(&paths, 1.5, 600);
    cx.picture("particles.png", 600, 600, &rgb);
    let title = "Rotating particles, 1000 particles × 10 000 steps (published)";
    cx.target(
        title,
        "particles",
        ("Numba parallel", 0.083),
        parallel.median_s,
        10.0,
    );
    Ok(Section {
        title: title.into(),
        unit: parallel.unit.into(),
        rows,
        checks,
        extra: cx.hardware_line(&parallel, Bound::Compute, "Flops are the nominal 10 per step. With AVX-512 the two divisions run on the FMA units, correctly rounded (about 40 vector instructions per 8 particle-steps), beside the square root on the divide/square-root unit; AVX2 and SSE2 leave all three on that unit, which bounds them."),
    })
}

fn distance_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    let repeat = cx.options.repeat.min(3);
    let case = DistanceCase::default();
    let Comparison {
        serial_output: serial_d,
        parallel,
        output: d,
        mut rows,
        ..
    } = compare(cx, &case, repeat)?;
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
        extra: cx.hardware_line(&parallel, Bound::Memory, "Bytes count the 8-byte output per pair; the fresh 800 MB output costs first-touch page faults. With AVX-512 half the square roots run on the FMA units, correctly rounded, beside the divider."),
    })
}

fn diffusion_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    const TOTAL: f64 = 13.52;
    let repeat = cx.options.repeat;
    let case = DiffusionCase::default();
    let Comparison {
        serial_output: serial_grid,
        parallel,
        output: grid,
        mut rows,
        ..
    } = compare(cx, &case, repeat)?;
    rows.push(Row::quoted("published: NumPy in place (3.5 ms/step)", 1.75));
    rows.push(Row::quoted("published: pure Python (0.49 s/step)", 245.0));
    let sum = grid.sum();
    let identical = same_bits(serial_grid.iter().copied(), grid.iter().copied());
    let rgb = image::heatmap(grid.view());
    cx.picture("diffusion.png", grid.ncols(), grid.nrows(), &rgb);
    let title = "Diffusion, 512 × 512, 500 steps, periodic (published)";
    cx.target(
        title,
        "diffusion",
        ("Numba parallel", 0.074),
        parallel.median_s,
        3.0,
    );
    Ok(Section {
        title: title.into(),
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
        extra: cx.hardware_line(&parallel, Bound::Memory, "Bytes are counted as 16 per update; temporal blocking keeps most of that traffic in cache, so the figure can exceed the copy bandwidth."),
    })
}

fn montecarlo_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    let repeat = cx.options.repeat;
    let case = MonteCarloCase::default();
    let Comparison {
        parallel,
        output: estimate,
        mut rows,
        ..
    } = compare(cx, &case, repeat)?;
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
                "error within 5 standard errors",
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
        extra: cx.hardware_line(&parallel, Bound::Compute, "The kernel is bound by integer work (the xoshiro256++ generator), not by floating point."),
    })
}

/// Timed repeats of each Python version (after its warm-up run).
const PYTHON_REPEAT: usize = 3;

/// Larger cases faster than this (seconds) run the report's full repeat
/// count instead of three.
const QUICK_CASE_S: f64 = 0.05;

/// Runs `case` on Parallel only and records its speed target.
fn large_row<C: Case>(
    cx: &mut Context<'_>,
    case: &C,
    title: &str,
    key: &str,
    quoted: (&str, f64),
    goal: f64,
) -> kernels_core::Result<Row>
where
    Output<C>: Send,
{
    cx.measure_python(key);
    progress(&format!("{title}: parallel"));
    // Three repeats bound the time of the slow cases; a millisecond case
    // needs the full count for a stable median, and costs little to rerun.
    let mut options = RunOptions::new(BackendChoice::Parallel, cx.options.repeat.min(3));
    options.threads = cx.options.threads;
    let (mut record, _) = case.run(options)?;
    if record.median_s < QUICK_CASE_S && cx.options.repeat > options.repeat {
        options.repeat = cx.options.repeat;
        record = case.run(options)?.0;
    }
    cx.target(title, key, quoted, record.median_s, goal);
    let mut row = Row::from_record(
        format!("{title} ({} {}/s)", si(record.throughput), record.unit),
        &record,
    );
    row.throughput = Some(record.throughput);
    Ok(row)
}

fn large_section(cx: &mut Context<'_>) -> kernels_core::Result<Section> {
    let julia = JuliaCase {
        width: 4001,
        height: 4001,
        max_iter: 1000,
        ..JuliaCase::default()
    };
    let particles = ParticlesCase {
        count: 100_000,
        dt: 0.01,
        ..ParticlesCase::default()
    };
    let plate = PlateCase {
        points_x: 1001,
        points_y: 1001,
        terms_m: 100,
        terms_n: 100,
        ..PlateCase::default()
    };
    let diffusion = DiffusionCase {
        nx: 2048,
        ny: 2048,
        steps: 200,
        ..DiffusionCase::default()
    };
    let montecarlo = MonteCarloCase {
        samples: 100_000_000,
        seed: 42,
    };
    let distance = DistanceCase { n: 5000, seed: 42 };
    let rows = vec![
        large_row(
            cx,
            &julia,
            "Julia 4001², 1000 iterations",
            "julia_large",
            ("Cython + OpenMP", 3.8),
            10.0,
        )?,
        large_row(
            cx,
            &particles,
            "particles 100 000 × 999 steps",
            "particles_large",
            ("Numba parallel", 0.83),
            10.0,
        )?,
        large_row(
            cx,
            &plate,
            "plate 1001², 100 × 100 terms",
            "plate_large",
            ("NumPy separable", 0.017),
            3.0,
        )?,
        large_row(
            cx,
            &diffusion,
            "diffusion 2048², 200 steps",
            "diffusion_large",
            ("Numba parallel", 0.80),
            3.0,
        )?,
        large_row(
            cx,
            &montecarlo,
            "Monte Carlo π, 1e8 samples",
            "montecarlo_large",
            ("Numba parallel", 1.5),
            10.0,
        )?,
        large_row(
            cx,
            &distance,
            "distance matrix N = 5000",
            "distance_large",
            ("Numba parallel", 0.080),
            3.0,
        )?,
    ];
    Ok(Section {
        title: format!(
            "Larger cases (Rust parallel, {} threads)",
            cx.options.threads
        ),
        unit: "items".into(),
        rows,
        checks: Vec::new(),
        extra: String::new(),
    })
}
