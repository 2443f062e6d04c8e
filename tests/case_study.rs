//! The README's case study must be what the committed scenarios produce: the headline
//! tables printed in README.md are recomputed here and must appear there verbatim.

use bordersim::experiment::compare;
use bordersim::report::headline::headline;
use bordersim::scenario::{Overrides, load_set};
use std::path::Path;

fn headline_of(file: &str) -> String {
    let set = load_set(Path::new(file), Overrides::default()).unwrap();
    let all: Vec<_> = std::iter::once(&set.baseline).chain(&set.variants).collect();
    let c = compare(&all, set.baseline.replications, set.baseline.seed, false).unwrap();
    // Drop the leading blank line, and for one port the title line too: README shows that
    // table under its own heading.
    let skip = if set.baseline.spec.ports.len() == 1 { 2 } else { 1 };
    headline(&c).lines().skip(skip).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_readme_case_study_tables_are_reproduced_exactly() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for file in [
        "scenarios/horgos-reform.toml",
        "scenarios/horgos-2025.toml",
        "scenarios/two-ports.toml",
    ] {
        let table = headline_of(file);
        assert!(
            readme.contains(&table),
            "README.md does not show what {file} gives now; rerun the case-study commands and paste:\n{table}"
        );
    }
}
