//! Runs the NumPy/Numba versions in `benches/python/cases.py` so the report
//! can put them beside the Rust times, measured in the same run.
//!
//! ```
//! let out = r#"{"tools": ["numpy", "numba"]}
//! {"case": "plate", "tool": "numpy", "median_s": 0.5, "min_s": 0.4}
//! {"case": "plate", "tool": "numba", "median_s": 0.1, "min_s": 0.09}"#;
//! let runs = bench::python::parse_output(out);
//! let best = runs.iter().min_by(|a, b| a.median_s.total_cmp(&b.median_s)).unwrap();
//! assert_eq!(best.tool, "numba");
//! ```

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The one-line command that installs the Python side.
///
/// ```
/// let command = bench::python::INSTALL_COMMAND;
/// assert!(command.starts_with("python3 -m pip install"));
/// assert!(command.contains("numpy") && command.contains("numba"));
/// ```
pub const INSTALL_COMMAND: &str = "python3 -m pip install numpy numba";

/// One timed Python run.
///
/// ```
/// use bench::python::{PythonRun, parse_output};
/// let runs = parse_output(r#"{"case": "julia", "tool": "numba", "median_s": 0.2, "min_s": 0.1}"#);
/// let expected = PythonRun {
///     case: "julia".into(),
///     tool: "numba".into(),
///     median_s: 0.2,
///     min_s: 0.1,
/// };
/// assert_eq!(runs, [expected]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PythonRun {
    /// Case key: `julia`, `plate`, `particles`, `distance`, `diffusion`,
    /// `montecarlo`, or one of those with `_large` (the speed issue's larger
    /// cases).
    pub case: String,
    /// `numpy` or `numba`.
    pub tool: String,
    /// Median wall time, seconds.
    pub median_s: f64,
    /// Fastest repeat, seconds.
    pub min_s: f64,
}

/// The published cases the script has a Python version of; each also has a
/// larger speed-target case, its key followed by `_large`.
const PUBLISHED_CASES: [&str; 6] = [
    "julia",
    "plate",
    "particles",
    "distance",
    "diffusion",
    "montecarlo",
];

/// Whether the script knows the case `key` (see [`PythonRun::case`]).
///
/// ```
/// use bench::python::has_case;
/// assert!(has_case("diffusion") && has_case("distance_large"));
/// assert!(!has_case("mandelbrot") && !has_case("_large") && !has_case("julia_large_large"));
/// ```
#[must_use]
pub fn has_case(key: &str) -> bool {
    let published = key.strip_suffix("_large").unwrap_or(key);
    PUBLISHED_CASES.contains(&published)
}

/// The path of the Python script shipped with this crate.
///
/// ```
/// assert!(bench::python::script_path().ends_with("python/cases.py"));
/// ```
#[must_use]
pub fn script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join("cases.py")
}

/// Parses the script's JSON lines (the first line lists the tools found).
///
/// ```
/// let out = r#"{"tools": ["numpy"]}
/// {"case": "julia", "tool": "numpy", "median_s": 0.8, "min_s": 0.7, "answer": {}}"#;
/// let runs = bench::python::parse_output(out);
/// assert_eq!(runs.len(), 1);
/// assert_eq!(runs[0].tool, "numpy");
/// ```
#[must_use]
pub fn parse_output(stdout: &str) -> Vec<PythonRun> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| {
            Some(PythonRun {
                case: value.get("case")?.as_str()?.to_string(),
                tool: value.get("tool")?.as_str()?.to_string(),
                median_s: value.get("median_s")?.as_f64()?,
                min_s: value.get("min_s")?.as_f64()?,
            })
        })
        .collect()
}

/// Runs the script on the cases `cases` (keys such as `diffusion` or
/// `diffusion_large`, see [`PythonRun::case`]) with `repeat` repeats each.
/// The report calls it once per case, right before timing the same case in
/// Rust, so that both are measured in the same state of a shared machine.
///
/// # Errors
/// A message saying why the comparison is skipped (no python3, no NumPy, the
/// script failed) and how to install what is missing.
///
/// ```no_run
/// match bench::python::run(&["plate", "plate_large"], 1) {
///     Ok(runs) => assert!(runs.iter().all(|run| run.min_s <= run.median_s)),
///     Err(why) => assert!(!why.is_empty()),
/// }
/// ```
pub fn run(cases: &[&str], repeat: usize) -> Result<Vec<PythonRun>, String> {
    let mut command = Command::new("python3");
    command
        .arg(script_path())
        .arg("--repeat")
        .arg(repeat.to_string())
        .arg("--cases")
        .arg(cases.join(","));
    let output = command
        .output()
        .map_err(|err| format!("python3 could not be started ({err}); install Python 3"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .last()
            .unwrap_or("no message")
            .trim()
            .to_string();
        return Err(format!(
            "the Python comparison failed: {last}; install with `{INSTALL_COMMAND}`"
        ));
    }
    Ok(parse_output(&String::from_utf8_lossy(&output.stdout)))
}
