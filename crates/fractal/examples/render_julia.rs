//! Renders the published Julia set to a PPM image and times the ways of
//! computing it.
//!
//! ```text
//! cargo run --release -p fractal --example render_julia
//! cargo run --release -p fractal --example render_julia -- julia.ppm ice
//! ```
//!
//! Arguments: the output file (default `julia.ppm`) and the colour map
//! (`grey`, `fire` or `ice`; default `fire`). The image is the published
//! case, `c = -0.62772 - 0.42193i` on `[-1.8, 1.8]²` at 1000 × 1000 pixels
//! with 300 iterations, and the program checks its checksum (33 219 980)
//! before writing. PPM (`P6`) is the simplest colour image format: a short
//! text header, then the RGB bytes of [`fractal::colour::to_rgb`]; most image
//! viewers open it, and `convert julia.ppm julia.png` turns it into a PNG.
//!
//! It then prints the best of seven runs for the default kernel (shortcut on,
//! widest instruction set, parallel), the plain published loop
//! ([`fractal::Julia::with_shortcuts`]`(false)`), one thread, and each
//! instruction set the CPU supports. Every variant is checked to give the
//! identical counts.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Duration;

use fractal::colour::{ColourMap, to_rgb};
use fractal::{Julia, checksum, saturated};
use kernels_core::timing::best_of;
use kernels_core::{Backend, Isa, Kernel, Parallel, Serial, Vectorized};
use ndarray::Array2;

/// The published sum of all escape counts.
const PUBLISHED_CHECKSUM: u64 = 33_219_980;

/// The best of seven runs of `run` (after one warm-up), checking that the
/// variant gives the identical counts.
fn best_of_seven(expected: &Array2<u32>, run: impl Fn() -> Array2<u32>) -> Duration {
    let (time, counts) = best_of(7, run);
    assert_eq!(
        &counts, expected,
        "every variant gives the identical counts"
    );
    assert_eq!(checksum(&counts), PUBLISHED_CHECKSUM);
    time
}

/// Writes `rgb` (row-major, three bytes per pixel) as a binary PPM file.
fn write_ppm(path: &str, width: usize, height: usize, rgb: &[u8]) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    write!(out, "P6\n{width} {height}\n255\n")?;
    out.write_all(rgb)?;
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "julia.ppm".to_owned());
    let map: ColourMap = args.next().as_deref().unwrap_or("fire").parse()?;

    let julia = Julia::published();
    let counts = julia.run::<Parallel>();
    let sum = checksum(&counts);
    assert_eq!(sum, PUBLISHED_CHECKSUM, "the published checksum");
    println!(
        "Julia set c = {}, {} × {} pixels, {} iterations",
        julia.c(),
        julia.width(),
        julia.height(),
        julia.max_iter()
    );
    println!(
        "checksum {sum} (published 33 219 980), {} pixels in the set",
        saturated(&counts, julia.max_iter())
    );

    let rgb = to_rgb(&counts, julia.max_iter(), map);
    write_ppm(&path, julia.width(), julia.height(), &rgb)?;
    println!("wrote {path} ({map} colour map)");

    let threads = Parallel::threads();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("\nbest of 7 runs ({threads} threads available):");
    let plain = julia.with_shortcuts(false);
    let mut rows: Vec<(String, Duration)> = vec![
        (
            format!("parallel, {}, shortcut", julia.isa()),
            best_of_seven(&counts, || julia.run::<Parallel>()),
        ),
        (
            format!("parallel, {}, plain loop", julia.isa()),
            best_of_seven(&counts, || plain.run::<Parallel>()),
        ),
    ];
    for isa in Isa::supported() {
        let fast = julia.with_isa(isa)?;
        let slow = plain.with_isa(isa)?;
        rows.push((
            format!("serial, {isa}, shortcut"),
            best_of_seven(&counts, || fast.run::<Serial>()),
        ));
        rows.push((
            format!("serial, {isa}, plain loop"),
            best_of_seven(&counts, || slow.run::<Serial>()),
        ));
    }
    for (name, time) in rows {
        println!("  {name:<28} {:7.2} ms", ms(time));
    }
    Ok(())
}
