//! # bench: measure, don't guess
//!
//! The case studies' central lesson is to measure. This crate reruns every
//! published case on both backends, checks each answer against its published
//! value, and prints the tables the books printed, with Rust added:
//!
//! ```text
//! cargo run --release -p bench -- report            # every published case, pictures in target/report/
//! cargo run --release -p bench -- report --python   # plus NumPy/Numba measured in the same run
//! cargo run --release -p bench -- julia --width 2000 --json
//! cargo bench -p bench                              # criterion benches per kernel and backend
//! ```
//!
//! ## Measuring
//! Each run is warmed up once, then repeated `--repeat` times; the report
//! gives the median and the best wall time, CPU time (user + system, so a
//! two-thread run shows about twice its wall time), the peak heap the kernel
//! needed (a counting global allocator), throughput in the problem's own unit,
//! and parallel speed-up and efficiency. A calibration workload (a dependent
//! chain of scalar floating-point operations, the "pystone" idea) is timed at
//! the start, and every time is also shown in calibration units, so numbers
//! from different machines compare.
//!
//! ## JSON records
//! With `--json`, each case subcommand prints one object per run with these
//! fields (kept stable):
//!
//! | field | meaning |
//! |---|---|
//! | `kernel` | `julia`, `mandelbrot`, `plate`, `particles`, `distance`, `diffusion`, `montecarlo` |
//! | `case` | `published` when every flag has its default, else `custom` |
//! | `backend`, `threads`, `schedule`, `isa` | how it ran (`isa`: `scalar`, `avx2` or `avx512`) |
//! | `median_s`, `min_s` | median and best wall time of the repeats, seconds |
//! | `cpu_s` | CPU seconds (user + system) per repeat |
//! | `peak_bytes`, `allocated_bytes` | peak live heap above the start, and total allocated, for one run |
//! | `items`, `throughput`, `unit` | work items, items per second, and their unit |
//! | `flops_per_s`, `bytes_per_s` | floating-point and memory rates at the median time |
//! | julia, mandelbrot: `sum`, `max_count` | sum of escape counts; pixels that reached max-iter |
//! | plate: `w_max_mm`, `alpha`, `sum` | largest deflection (mm), Timoshenko's alpha, sum of w (m) |
//! | particles: `sum_x`, `sum_y` | sums of the final coordinates |
//! | distance: `sum`, `d_0_last` | sum of all distances; `D[0][N−1]` |
//! | diffusion: `sum`, `max`, `center` | sum, maximum and the value at `[nx/2][ny/2]` of the final grid |
//! | montecarlo: `estimate`, `stderr` | the estimate of π and its standard error |
//!
//! ```
//! use bench::cases::{BackendChoice, Case, MonteCarloCase, RunOptions};
//! let case = MonteCarloCase { samples: 100_000, seed: 7 };
//! let (record, _) = case.run(RunOptions::new(BackendChoice::Parallel, 1))?;
//! let json = serde_json::to_value(&record).unwrap();
//! assert_eq!(json["kernel"], "montecarlo");
//! assert_eq!(json["case"], "custom");
//! assert!((json["estimate"].as_f64().unwrap() - std::f64::consts::PI).abs() < 0.05);
//! # Ok::<(), kernels_core::Error>(())
//! ```

pub mod cases;
pub mod cli;
pub mod image;
pub mod measure;
pub mod python;
pub mod report;

/// The workspace README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
