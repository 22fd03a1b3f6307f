//! The `bench` binary at small sizes: JSON fields and answers, and one-line
//! errors for invalid input.

use std::process::{Command, Output};

use kernels_core::{Kernel, Serial};
use num_complex::Complex64;
use serde_json::Value;

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(args)
        .output()
        .expect("run bench")
}

fn json_run(args: &[&str]) -> Value {
    let mut all = vec!["--json", "--repeat", "1"];
    all.extend_from_slice(args);
    let output = bench(&all);
    assert!(
        output.status.success(),
        "bench {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let record: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    for field in [
        "kernel",
        "case",
        "backend",
        "threads",
        "schedule",
        "median_s",
        "min_s",
        "cpu_s",
        "peak_bytes",
        "throughput",
        "unit",
    ] {
        assert!(record.get(field).is_some(), "missing `{field}` in {record}");
    }
    record
}

fn f(record: &Value, field: &str) -> f64 {
    record[field]
        .as_f64()
        .unwrap_or_else(|| panic!("`{field}` is not a number in {record}"))
}

#[test]
fn julia_json_matches_the_library() {
    let record = json_run(&[
        "julia",
        "--width",
        "64",
        "--height",
        "48",
        "--max-iter",
        "50",
    ]);
    let region = fractal::Region::new(-1.8, 1.8, -1.8, 1.8).unwrap();
    let c = Complex64::new(-0.62772, -0.42193);
    let kernel =
        fractal::Julia::new(c, region, 64, 48, 50, fractal::Grid::RepeatedAddition).unwrap();
    let counts = kernel.run::<Serial>();
    assert_eq!(record["kernel"], "julia");
    assert_eq!(record["case"], "custom");
    assert_eq!(record["sum"].as_u64(), Some(fractal::checksum(&counts)));
    assert_eq!(
        record["max_count"].as_u64(),
        Some(fractal::saturated(&counts, 50))
    );
}

#[test]
fn mandelbrot_json_matches_the_library() {
    let record = json_run(&[
        "--backend",
        "serial",
        "mandelbrot",
        "--width",
        "40",
        "--height",
        "30",
    ]);
    let kernel = fractal::Mandelbrot::new(
        fractal::Region::new(-2.0, 1.0, -1.5, 1.5).unwrap(),
        40,
        30,
        300,
        fractal::Grid::ClosedForm,
    )
    .unwrap();
    let counts = kernel.run::<Serial>();
    assert_eq!(record["backend"], "serial");
    assert_eq!(record["threads"], 1);
    assert_eq!(record["sum"].as_u64(), Some(fractal::checksum(&counts)));
}

#[test]
fn plate_json_matches_the_library() {
    let record = json_run(&[
        "plate",
        "--points-x",
        "11",
        "--points-y",
        "9",
        "--terms-m",
        "5",
    ]);
    let plate = plate::Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let load = plate::PointLoad::new(10e3, 0.5, 0.5);
    let deflection = plate::Navier::new(plate, load, 5, 15, 11, 9)
        .unwrap()
        .run::<Serial>();
    assert_eq!(f(&record, "w_max_mm"), deflection.w_max() * 1e3);
    assert_eq!(f(&record, "alpha"), deflection.alpha());
    assert_eq!(f(&record, "sum"), deflection.w().sum());
}

#[test]
fn published_plate_is_labelled_published() {
    let record = json_run(&["plate"]);
    assert_eq!(record["case"], "published");
    assert!((f(&record, "w_max_mm") - 0.141_317_840_389).abs() < 5e-13);
}

#[test]
fn particles_json_matches_the_library() {
    let record = json_run(&[
        "particles",
        "--count",
        "20",
        "--dt",
        "0.001",
        "--method",
        "hoisted",
    ]);
    let system = particles::Particles::random(20, 42).unwrap();
    let evolved = particles::Evolve::new(system, 0.001, particles::Method::Hoisted)
        .unwrap()
        .run::<Serial>();
    assert_eq!(f(&record, "sum_x"), evolved.x().iter().sum::<f64>());
    assert_eq!(f(&record, "sum_y"), evolved.y().iter().sum::<f64>());
    assert_eq!(record["unit"], "particle-steps");
}

#[test]
fn distance_json_matches_the_library() {
    let record = json_run(&["distance", "--n", "30", "--seed", "3"]);
    let d = particles::DistanceMatrix::random(30, 3)
        .unwrap()
        .run::<Serial>();
    assert_eq!(f(&record, "sum"), d.sum());
    assert_eq!(f(&record, "d_0_last"), d[[0, 29]]);
}

#[test]
fn diffusion_json_matches_the_library() {
    let record = json_run(&[
        "diffusion",
        "--nx",
        "20",
        "--ny",
        "24",
        "--steps",
        "7",
        "--boundary",
        "fixed",
    ]);
    let initial = diffusion::published_initial(20, 24);
    let grid = diffusion::Case2d::new(initial, 1.0, 0.1, diffusion::Boundary::Fixed, 7)
        .unwrap()
        .run::<Serial>();
    assert_eq!(f(&record, "sum"), grid.sum());
    assert_eq!(f(&record, "center"), grid[[10, 12]]);
    assert_eq!(
        f(&record, "max"),
        grid.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    );
}

#[test]
fn montecarlo_json_matches_the_library() {
    let record = json_run(&[
        "--threads",
        "3",
        "montecarlo",
        "--samples",
        "50000",
        "--seed",
        "9",
    ]);
    let estimate = montecarlo::Pi::new(50_000, 9).unwrap().run::<Serial>();
    assert_eq!(f(&record, "estimate"), estimate.mean());
    assert_eq!(f(&record, "stderr"), estimate.std_error());
    assert_eq!(record["threads"], 3);
}

fn assert_one_line_error(args: &[&str], flag: &str) {
    let output = bench(args);
    assert!(!output.status.success(), "bench {args:?} should fail");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr:?}"
    );
    assert!(stderr.contains(flag), "{stderr:?} does not name {flag}");
    assert!(!stderr.contains("panicked"), "{stderr:?}");
}

#[test]
fn invalid_flags_print_one_line_naming_the_flag() {
    assert_one_line_error(&["--backend", "gpu", "julia"], "--backend");
    assert_one_line_error(&["--schedule", "sometimes", "julia"], "--schedule");
    assert_one_line_error(&["--threads", "0", "julia"], "--threads");
    assert_one_line_error(&["julia", "--width", "0"], "--width");
    assert_one_line_error(&["julia", "--width", "-5"], "--width");
    assert_one_line_error(&["julia", "--max-iter", "0"], "--max-iter");
    assert_one_line_error(&["julia", "--width", "ten"], "--width");
    assert_one_line_error(&["plate", "--points-x", "0"], "--points-x");
    assert_one_line_error(&["plate", "--nu", "0.7"], "--nu");
    assert_one_line_error(&["particles", "--count", "0"], "--count");
    assert_one_line_error(&["particles", "--dt", "-1"], "--dt");
    assert_one_line_error(&["distance", "--n", "0"], "--n");
    assert_one_line_error(&["diffusion", "--dt", "0.3"], "--dt");
    assert_one_line_error(&["diffusion", "--nx", "0"], "--nx");
    assert_one_line_error(&["montecarlo", "--samples", "0"], "--samples");
    assert_one_line_error(&["montecarlo", "--samples", "1e6x"], "--samples");
}

#[test]
fn every_isa_gives_the_same_answer_and_is_recorded() {
    let mut sums = Vec::new();
    for isa in kernels_core::Isa::supported() {
        let record = json_run(&[
            "--isa",
            isa.name(),
            "julia",
            "--width",
            "40",
            "--height",
            "30",
        ]);
        assert_eq!(record["isa"], isa.name());
        sums.push(record["sum"].as_u64().unwrap());
    }
    assert!(sums.windows(2).all(|pair| pair[0] == pair[1]), "{sums:?}");
}

#[test]
fn unknown_isa_is_a_one_line_error() {
    assert_one_line_error(&["--isa", "sse9", "julia"], "--isa");
}

#[test]
fn help_lists_the_commands_without_rustdoc_examples() {
    for flag in ["-h", "--help"] {
        let output = bench(&[flag]);
        assert!(output.status.success());
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("Reruns the published"), "{help}");
        assert!(
            help.contains("report") && help.contains("diffusion"),
            "{help}"
        );
        assert!(!help.contains("```") && !help.contains("assert"), "{help}");
    }
}
