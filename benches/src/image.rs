//! Pictures for the report: PNG writing, a heat map for real-valued grids and
//! a plot of particle paths.
//!
//! ```
//! let grid = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
//! let rgb = bench::image::heatmap(grid.view());
//! let (big, width, height) = bench::image::upscale(&rgb, 4, 3, 2);
//! assert_eq!((width, height, big.len()), (8, 6, 8 * 6 * 3));
//! let path = std::env::temp_dir().join("bench-doc-module-heatmap.png");
//! bench::image::write_png(&path, width, height, &big)?;
//! assert!(std::fs::metadata(&path)?.len() > 0);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use ndarray::ArrayView2;

/// Writes an 8-bit RGB image (`rgb.len() == 3 · width · height`, row-major,
/// top row first) as a PNG file.
///
/// # Errors
/// An I/O or encoding error, or `InvalidInput` when the buffer length does not match.
///
/// ```
/// let dir = std::env::temp_dir().join("bench-doc-png");
/// std::fs::create_dir_all(&dir)?;
/// bench::image::write_png(&dir.join("red.png"), 2, 1, &[255, 0, 0, 255, 0, 0])?;
/// assert!(dir.join("red.png").exists());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_png(path: &Path, width: usize, height: usize, rgb: &[u8]) -> std::io::Result<()> {
    let invalid = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
    if rgb.len() != 3 * width * height {
        return Err(invalid(format!(
            "{} bytes for a {width}×{height} RGB image",
            rgb.len()
        )));
    }
    let to_u32 = |v: usize| u32::try_from(v).map_err(|_| invalid(format!("{v} pixels")));
    let mut encoder = png::Encoder::new(
        BufWriter::new(File::create(path)?),
        to_u32(width)?,
        to_u32(height)?,
    );
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(rgb)
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

/// Maps `t` in [0, 1] to a blue → cyan → yellow → red ramp.
fn ramp(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [0.05, 0.05, 0.35],
        [0.0, 0.55, 0.85],
        [0.3, 0.85, 0.45],
        [0.98, 0.85, 0.2],
        [0.8, 0.1, 0.1],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let position = t * (STOPS.len() - 1) as f64;
    let index = (position.floor() as usize).min(STOPS.len() - 2);
    let fraction = position - index as f64;
    let mut colour = [0_u8; 3];
    for (channel, value) in colour.iter_mut().enumerate() {
        let low = STOPS[index][channel];
        let high = STOPS[index + 1][channel];
        *value = ((low + (high - low) * fraction) * 255.0).round() as u8;
    }
    colour
}

/// A heat map of a real-valued grid: its smallest value blue, its largest
/// red. Returns RGB bytes, row-major, row 0 on top.
///
/// ```
/// let grid = ndarray::array![[0.0, 1.0], [0.5, 0.25]];
/// let rgb = bench::image::heatmap(grid.view());
/// assert_eq!(rgb.len(), 12);
/// assert_ne!(rgb[0..3], rgb[3..6]);
/// ```
#[must_use]
pub fn heatmap(grid: ArrayView2<'_, f64>) -> Vec<u8> {
    let (low, high) = grid
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = if high > low { high - low } else { 1.0 };
    grid.iter().flat_map(|&v| ramp((v - low) / span)).collect()
}

/// A square canvas showing particle paths: each path is a list of (x, y)
/// positions inside [-extent, extent]², drawn as dots in its own colour on a
/// dark background, with the origin marked.
///
/// ```
/// let path = vec![(0.5, 0.0), (0.0, 0.5), (-0.5, 0.0)];
/// let rgb = bench::image::particle_paths(&[path], 1.0, 64);
/// assert_eq!(rgb.len(), 64 * 64 * 3);
/// assert!(rgb.iter().any(|&c| c > 100));
/// ```
#[must_use]
pub fn particle_paths(paths: &[Vec<(f64, f64)>], extent: f64, size: usize) -> Vec<u8> {
    let mut rgb = vec![16_u8; 3 * size * size];
    let mut plot = |x: f64, y: f64, colour: [u8; 3]| {
        let to_pixel = |v: f64| ((v / extent + 1.0) * 0.5 * (size as f64 - 1.0)).round();
        let (column, row) = (to_pixel(x), to_pixel(-y));
        if (0.0..size as f64).contains(&column) && (0.0..size as f64).contains(&row) {
            let offset = 3 * (row as usize * size + column as usize);
            rgb[offset..offset + 3].copy_from_slice(&colour);
        }
    };
    plot(0.0, 0.0, [255, 255, 255]);
    for (index, path) in paths.iter().enumerate() {
        let colour = ramp(index as f64 / paths.len().max(2).saturating_sub(1) as f64);
        for &(x, y) in path {
            plot(x, y, colour);
        }
    }
    rgb
}

/// Enlarges an RGB image by an integer `factor` (nearest neighbour), so a
/// coarse grid such as the plate's 101 × 101 points is big enough to look
/// at. Returns the pixels with the new width and height.
///
/// ```
/// let (rgb, width, height) = bench::image::upscale(&[1, 2, 3], 1, 1, 2);
/// assert_eq!((width, height), (2, 2));
/// assert_eq!(rgb, [1, 2, 3].repeat(4));
/// ```
#[must_use]
pub fn upscale(rgb: &[u8], width: usize, height: usize, factor: usize) -> (Vec<u8>, usize, usize) {
    let factor = factor.max(1);
    let (new_width, new_height) = (width * factor, height * factor);
    let mut out = Vec::with_capacity(3 * new_width * new_height);
    for row in 0..new_height {
        for column in 0..new_width {
            let offset = 3 * ((row / factor) * width + column / factor);
            out.extend_from_slice(&rgb[offset..offset + 3]);
        }
    }
    (out, new_width, new_height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends_differ_and_clamps() {
        assert_ne!(ramp(0.0), ramp(1.0));
        assert_eq!(ramp(-3.0), ramp(0.0));
        assert_eq!(ramp(7.0), ramp(1.0));
        assert_eq!(ramp(f64::NAN), ramp(0.0));
    }

    #[test]
    fn png_round_trips_its_size() {
        let dir = std::env::temp_dir().join("bench-image-test");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("grid.png");
        let grid = ndarray::Array2::from_shape_fn((3, 5), |(i, j)| (i * j) as f64);
        write_png(&path, 5, 3, &heatmap(grid.view())).unwrap();
        let decoder = png::Decoder::new(std::io::BufReader::new(File::open(&path).unwrap()));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (5, 3));
    }

    #[test]
    fn wrong_buffer_length_is_an_error() {
        let path = std::env::temp_dir().join("bench-never-written.png");
        assert!(write_png(&path, 2, 2, &[0; 5]).is_err());
    }
}
