//! The result-set manifest: every file `run` and `compare` write is named in the exporter
//! registry and in the `files` list of the describing JSON, every name listed there is
//! written, and `--force` (which removes by the registry's names) leaves none of another
//! set's files behind.

use bordersim::report::exporter::{self, CHARTS, COMPARE, RUN, is_chart_file, result_files};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bordersim(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .args(["-q", "--days", "10", "-r", "2", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Every file below `dir`, relative (`charts/NAME` for charts).
fn on_disk(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            for c in std::fs::read_dir(e.path()).unwrap().flatten() {
                out.insert(format!("{name}/{}", c.file_name().to_string_lossy()));
            }
        } else {
            out.insert(name);
        }
    }
    out
}

/// Checks the set in `dir` described by `describing` against the disk and the registry;
/// returns its files.
fn check_set(dir: &Path, describing: &str, data: &[&str]) -> BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(describing)).unwrap()).unwrap();
    let listed: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let mut want: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(want.len(), listed.len(), "{describing} lists a file twice: {listed:?}");
    want.insert(describing.to_string());
    let disk = on_disk(dir);
    assert_eq!(disk, want, "{describing}: files on disk vs files listed");
    for f in &disk {
        match f.split_once('/') {
            Some((folder, chart)) => assert!(folder == CHARTS && is_chart_file(chart), "{f}"),
            None => assert!(result_files().any(|r| r == f), "{f} is not in the registry"),
        }
    }
    // Every data file of the registry's set is written, in the registry's order.
    let top: Vec<&str> = listed
        .iter()
        .map(String::as_str)
        .filter(|f| !f.contains('/') && *f != exporter::REPORT)
        .collect();
    assert_eq!(top, data, "{describing}");
    assert_eq!(
        listed.last().map(String::as_str),
        Some(exporter::REPORT),
        "{describing}: the page comes last"
    );
    assert!(disk.iter().any(|f| f.starts_with("charts/")), "{describing}: no charts");
    disk
}

#[test]
fn run_and_compare_write_exactly_the_files_the_manifest_names() {
    let run_dir = fresh("manifest-run");
    bordersim(&["run", "scenarios/baktu.toml"], &run_dir);
    let run_data: Vec<&str> = RUN.data.iter().map(|d| d.name).collect();
    let run_files = check_set(&run_dir, RUN.describing, &run_data);

    let cmp_dir = fresh("manifest-compare");
    bordersim(&["compare", "scenarios/baktu.toml"], &cmp_dir);
    let cmp_data: Vec<&str> = COMPARE.data.iter().map(|d| d.name).collect();
    let cmp_files = check_set(&cmp_dir, COMPARE.describing, &cmp_data);

    let sweep_dir = fresh("manifest-sweep");
    let sweep_file = sweep_dir.with_extension("toml");
    let baktu = std::fs::canonicalize("scenarios/baktu.toml").unwrap();
    std::fs::write(
        &sweep_file,
        format!(
            "[sweep]\nscenario = {:?}\n[design]\nkind = \"latin_hypercube\"\npoints = 4\nseed = 1\n[[factors]]\nkey = \"ports.baktu.stages.inspection.schedule.0.servers\"\nrange = {{ min = 1, max = 4 }}\n",
            baktu.display().to_string()
        ),
    )
    .unwrap();
    bordersim(&["sweep", sweep_file.to_str().unwrap()], &sweep_dir);
    let sweep_files = check_set(
        &sweep_dir,
        exporter::SWEEP_JSON,
        &[exporter::SWEEP_CSV, exporter::SENSITIVITY_CSV],
    );

    // The registry names nothing that no set writes, bar the checkpoints of interrupted runs
    // and sweeps (tests/output_safety.rs, the sweep runner's tests), the TRS report of a
    // trace (tests/trs.rs), a sweep's shard file (tests/sweep.rs) and the optimiser's files
    // (tests/optimise.rs checks them).
    for f in result_files() {
        assert!(
            run_files.contains(f)
                || cmp_files.contains(f)
                || sweep_files.contains(f)
                || [
                    exporter::CHECKPOINT,
                    exporter::TRS_CSV,
                    exporter::SWEEP_SHARD,
                    exporter::SWEEP_CHECKPOINT,
                    exporter::OPTIMISE_JSON,
                    exporter::OPTIMISE_CSV
                ]
                .contains(&f),
            "{f} is in the registry but no set writes it"
        );
    }
    // --force replaces a sweep with a run, and a run with a sweep.
    bordersim(&["run", "scenarios/baktu.toml", "--force"], &sweep_dir);
    assert_eq!(on_disk(&sweep_dir), run_files);
    bordersim(&["sweep", sweep_file.to_str().unwrap(), "--force"], &sweep_dir);
    assert_eq!(on_disk(&sweep_dir), sweep_files);

    // --force removes every file of the other set: after a comparison over a run (and a run
    // over a comparison) only the new set is there.
    bordersim(&["compare", "scenarios/baktu.toml", "--force"], &run_dir);
    assert_eq!(on_disk(&run_dir), cmp_files);
    bordersim(&["run", "scenarios/baktu.toml", "--force"], &cmp_dir);
    assert_eq!(on_disk(&cmp_dir), run_files);
}
