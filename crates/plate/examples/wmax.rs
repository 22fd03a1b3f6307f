//! The Navier plate case study in one run: the published case (rigidity,
//! maximum deflection, Timoshenko's alpha), the convergence of alpha at the
//! centre with more series terms, and timings of the textbook quadruple
//! loop against the separable algorithm on both backends.
//!
//! ```text
//! cargo run --release -p plate --example wmax
//! ```
//!
//! Set `KERNELS_ISA=scalar` (or `avx2`) to cap the instruction set of the
//! matrix products, and `RAYON_NUM_THREADS` to choose the thread count of
//! the parallel backend. The answers do not change, only the times.

use std::time::Duration;

use kernels_core::timing::best_of;
use kernels_core::{Isa, Kernel, Parallel, Serial, Vectorized};
use plate::reference::quadruple_loop;
use plate::{Navier, Plate, PointLoad};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> Result<(), kernels_core::Error> {
    let published = Navier::published();
    println!(
        "instruction set: {}, threads: {}",
        published.isa(),
        kernels_core::rayon::current_num_threads()
    );

    // The published case.
    let deflection = published.run::<Parallel>();
    assert_eq!(deflection, published.run::<Serial>());
    println!(
        "\npublished case: 1 m × 1 m, h = 0.05 m, E = 69 GPa, ν = 0.35, P = 10 kN at the centre"
    );
    println!("  D       = {} N·m", published.plate().rigidity());
    println!(
        "  w_max   = {:.12} mm  (published 0.141317840389)",
        deflection.w_max() * 1e3
    );
    println!(
        "  alpha   = {:.9}     (published 0.01158)",
        deflection.alpha()
    );

    // Convergence at the centre: one point, many terms.
    println!("\nalpha at the centre vs terms per direction (Timoshenko: 0.01160)");
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35)?;
    let load = PointLoad::new(10e3, 0.5, 0.5);
    for terms in [15, 63, 255, 1023] {
        let navier = Navier::new(plate, load, terms, terms, 2, 2)?;
        let alpha = navier.deflection_at(0.5, 0.5) / navier.scale();
        println!(
            "  {terms:>5} × {terms:<5} alpha = {alpha:.10}   alpha − 0.01160 = {:+.1e}",
            alpha - 0.011_60
        );
    }

    // Timings.
    println!("\ntimes (best of several runs, wall clock)");
    let textbook = best_of(3, || quadruple_loop(&published)).0;
    let textbook_w_max = quadruple_loop(&published)
        .iter()
        .fold(0.0_f64, |max, w| max.max(w.abs()));
    println!(
        "  textbook loop's w_max bit-identical to the separable one: {}",
        textbook_w_max.to_bits() == deflection.w_max().to_bits()
    );
    println!(
        "  published, textbook quadruple loop (Rust, 1 thread)  {:>9.3} ms",
        ms(textbook)
    );
    let serial = best_of(200, || published.run::<Serial>()).0;
    let parallel = best_of(200, || published.run::<Parallel>()).0;
    let scalar = published.with_isa(Isa::Scalar)?;
    let scalar_serial = best_of(200, || scalar.run::<Serial>()).0;
    println!(
        "  published, separable, scalar, 1 thread              {:>9.3} ms",
        ms(scalar_serial)
    );
    println!(
        "  published, separable, {:<7} 1 thread              {:>9.3} ms",
        format!("{},", published.isa()),
        ms(serial)
    );
    println!(
        "  published, separable, {:<7} parallel (one chunk)  {:>9.3} ms",
        format!("{},", published.isa()),
        ms(parallel)
    );
    println!(
        "  speed-up of the separable algorithm over the textbook loop: {:.0}×",
        textbook.as_secs_f64() / serial.as_secs_f64()
    );

    let large = Navier::new(plate, load, 100, 100, 1001, 1001)?;
    let work = large.work(&large.run::<Serial>());
    let flops = work.flops as f64;
    for (name, time) in [
        ("1 thread ", best_of(5, || large.run::<Serial>()).0),
        ("parallel ", best_of(5, || large.run::<Parallel>()).0),
    ] {
        println!(
            "  1001 × 1001 points, 100 × 100 terms, {name}    {:>9.3} ms  ({:.1} GFlop/s)",
            ms(time),
            flops / time.as_secs_f64() / 1e9
        );
    }
    Ok(())
}
