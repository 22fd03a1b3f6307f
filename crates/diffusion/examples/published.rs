//! The published diffusion case: a 512 × 512 grid of zeros with a block of
//! 0.005 on rows and columns `[204, 256)`, `D = 1`, `dt = 0.1`, 500 explicit
//! Euler steps, with periodic and with fixed boundaries.
//!
//! Run it with
//!
//! ```text
//! cargo run --release -p diffusion --example published
//! ```
//!
//! For each boundary it prints the total (13.52 is conserved by periodic
//! boundaries; fixed edges lose nothing either until the heat reaches them),
//! the largest value, the centre value and the best of three wall-clock
//! times on the serial and parallel backends, then the same run with
//! temporal blocking switched off (`with_time_block(1)`: one pass over
//! memory per step) to show what fusing the default `time_block()` steps
//! per pass buys. Every run of a boundary gives the same bits; the program
//! checks that too.

use diffusion::{Boundary, Case2d};
use kernels_core::timing::best_of;
use kernels_core::{Isa, Kernel, Parallel, Result, Serial};
use ndarray::Array2;

fn max(grid: &Array2<f64>) -> f64 {
    grid.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn main() -> Result<()> {
    let steps = Case2d::published(Boundary::Periodic).steps();
    println!("diffusion, published case: 512 x 512, D = 1, dt = 0.1, {steps} steps");
    println!("row loops compiled for {:?}", Isa::selected());
    println!();
    println!(
        "{:<9} {:<26} {:>10} {:>12} {:>14} {:>14}",
        "boundary", "run", "best ms", "ms/step", "total", "max"
    );
    for boundary in Boundary::ALL {
        let case = Case2d::published(boundary);
        let unblocked = case.clone().with_time_block(1)?;
        let initial_total = case.initial().sum();
        let runs: [(&str, &dyn Fn() -> Array2<f64>); 4] = [
            ("serial", &|| case.run::<Serial>()),
            ("parallel", &|| case.run::<Parallel>()),
            ("serial, 1 step per pass", &|| unblocked.run::<Serial>()),
            ("parallel, 1 step per pass", &|| unblocked.run::<Parallel>()),
        ];
        let mut first: Option<Array2<f64>> = None;
        for (name, run) in runs {
            let (time, grid) = best_of(3, run);
            let ms = time.as_secs_f64() * 1e3;
            println!(
                "{:<9} {:<26} {:>10.1} {:>12.4} {:>14.10} {:>14.6e}",
                boundary.name(),
                name,
                ms,
                ms / steps as f64,
                grid.sum(),
                max(&grid),
            );
            match &first {
                Some(expected) => assert_eq!(&grid, expected, "every run gives the same bits"),
                None => first = Some(grid),
            }
        }
        let grid = first.expect("four runs");
        println!(
            "{:<9} initial total {:.10}, final total {:.10}, centre {:.6e}",
            boundary.name(),
            initial_total,
            grid.sum(),
            grid[[256, 256]],
        );
        println!();
    }
    Ok(())
}
