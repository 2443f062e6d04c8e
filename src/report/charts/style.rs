//! Colours, fonts and sizes shared by every chart.

use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// Size of every chart, pixels.
pub const SIZE: (u32, u32) = (1280, 720);

/// The Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow (last: weak on white)
];

/// The `i`-th series colour.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Font family name under which the bundled font is registered.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans, bundled so charts render on machines with no system fonts (licence in
/// assets/fonts/DejaVu-LICENSE.txt).
static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font with plotters, once per process.
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to be valid; a failure would only mean no text.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS);
    });
}

/// Width and height in pixels of `text` at plotters font size `size` in the bundled font, as
/// the bitmap backend lays it out: what bar-chart labels are measured with so they fit by
/// construction (SVG viewers draw the same text at `size / 1.24` px per em, a little narrower).
pub fn text_size(text: &str, size: f64) -> (f64, f64) {
    use plotters::style::IntoFont;
    register_font();
    match (FONT, size).into_font().box_size(text) {
        Ok((w, h)) => (f64::from(w), f64::from(h)),
        // No font (cannot happen with the bundled one): a generous estimate.
        Err(_) => (0.7 * size * text.chars().count() as f64, size),
    }
}

/// What drawing returns: the backend's error in words.
pub(super) type Res = Result<(), String>;

pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// An axis number with as many decimals as the axis range needs.
pub(super) fn number(v: f64, range: f64) -> String {
    let r = range.abs().max(1e-12);
    // About two significant digits across the axis: 0-20 -> "5", 0-0.05 -> "0.010".
    let decimals = (1.0 - (r / 2.0).log10().floor()).clamp(0.0, 6.0) as usize;
    let decimals = if r >= 20.0 { 0 } else { decimals };
    format!("{v:.decimals$}")
}
