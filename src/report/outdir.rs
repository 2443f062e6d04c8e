//! What bordersim may touch in an output directory: the exact names of the files it writes,
//! the temporary files its atomic writer leaves when killed, and the checks made before a
//! run writes there. Everything else in the directory is the user's and is left alone.

use crate::error::Error;
use std::path::{Path, PathBuf};

use super::exporter::{CHARTS, CHECKPOINT, TRS_CSV, is_chart_file, result_files};

/// True for `.NAME.tmp-PID` where NAME is one of `names`: a temporary file of bordersim's
/// atomic writer, left behind when a run was killed.
fn is_temp_of(file: &str, names: impl Fn(&str) -> bool) -> bool {
    let Some(rest) = file.strip_prefix('.') else {
        return false;
    };
    let Some((name, pid)) = rest.rsplit_once(".tmp-") else {
        return false;
    };
    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && names(name)
}

/// True for a temporary file of a result file (`.comparison.csv.tmp-12345`).
pub fn is_result_temp(file: &str) -> bool {
    is_temp_of(file, |n| result_files().any(|f| f == n))
}

/// True for a temporary file of a chart (`.queue_baktu.tmp-12345.png`).
pub fn is_chart_temp(file: &str) -> bool {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    (ext == "png" || ext == "svg") && is_temp_of(stem, |n| is_chart_file(&format!("{n}.{ext}")))
}

/// What is found where a result file would go.
enum Found {
    Absent,
    File,
    InTheWay,
}

fn look(p: &Path) -> Found {
    match std::fs::symlink_metadata(p) {
        Err(_) => Found::Absent,
        Ok(m) if m.file_type().is_file() => Found::File,
        Ok(_) => Found::InTheWay,
    }
}

fn in_the_way(p: &Path) -> Error {
    Error::Usage(format!(
        "--out: {} is not a file bordersim wrote; move it away",
        p.display()
    ))
}

/// Which of bordersim's files a command counts as results in its output directory: the
/// files at the top (exact names) and the charts.
struct Owned<'a> {
    files: &'a [&'a str],
    chart: &'a dyn Fn(&str) -> bool,
}

/// The result files in `dir` (relative names; charts as `charts/NAME`), refusing anything
/// that is not a regular file where a result file would go: a directory, a symlink, a FIFO.
fn results_in(dir: &Path, owned: &Owned) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    for &name in owned.files {
        let p = dir.join(name);
        match look(&p) {
            Found::Absent => {}
            Found::File => found.push(name.to_string()),
            Found::InTheWay => return Err(in_the_way(&p)),
        }
    }
    let charts = dir.join(CHARTS);
    match std::fs::symlink_metadata(&charts) {
        Err(_) => {}
        Ok(m) if !m.file_type().is_dir() => return Err(in_the_way(&charts)),
        Ok(_) => {
            let entries = std::fs::read_dir(&charts)
                .map_err(|e| Error::Usage(format!("--out: cannot read {}: {e}", charts.display())))?;
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| (owned.chart)(n))
                .collect();
            names.sort();
            for n in names {
                let p = charts.join(&n);
                match look(&p) {
                    Found::Absent => {}
                    Found::File => found.push(format!("{CHARTS}/{n}")),
                    Found::InTheWay => return Err(in_the_way(&p)),
                }
            }
        }
    }
    Ok(found)
}

/// Removes the temporary files that killed runs left in `dir` and `dir/charts`: only
/// regular files named exactly as bordersim's own temporaries.
fn remove_stale_temps(dir: &Path) {
    for (d, is_temp) in [
        (dir.to_path_buf(), is_result_temp as fn(&str) -> bool),
        (dir.join(CHARTS), is_chart_temp),
    ] {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_temp(&name) && matches!(look(&e.path()), Found::File) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Why `dir` cannot be written, in words a user can act on: the OS text alone says "No such
/// file or directory" for /proc, where the directory exists but takes no files.
fn cannot_write(dir: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let reason = match e.kind() {
        K::PermissionDenied => "permission denied".to_string(),
        K::ReadOnlyFilesystem => "it is on a read-only file system".to_string(),
        K::StorageFull => "the disk is full".to_string(),
        K::NotFound if dir.is_dir() => {
            "it does not take new files (a read-only or pseudo file system such as /proc or /sys)".to_string()
        }
        K::NotADirectory => "a part of the path is not a directory".to_string(),
        _ => {
            let t = e.to_string();
            t.split(" (os error").next().unwrap_or(&t).to_string()
        }
    };
    Error::Usage(format!("--out: cannot write to {}: {reason}", dir.display()))
}

/// Makes sure results can be written to `dir` before any simulation starts, so an hour of
/// work is not lost to a typo in a path, and that earlier results there are not silently
/// mixed with new ones: they are refused, or with `force` removed, by exact name and only
/// as regular files (never through a symlink, never a directory, never the user's files in
/// `charts/`). With `resume` nothing is removed: the checkpoint is read and checked first.
/// Temporary files that killed runs left are removed in every case that goes ahead.
pub fn prepare(dir: &Path, force: bool, resume: bool) -> Result<(), Error> {
    let files: Vec<&str> = result_files().collect();
    let owned = Owned {
        files: &files,
        chart: &is_chart_file,
    };
    prepare_owned(dir, force, resume, &owned)
}

/// [`prepare`] for `bordersim trs --out DIR`: only the TRS report's own files (trs.csv and
/// charts/trs_PORT.png/.svg) count as results, so a report can go beside the run whose
/// trace it reads, and `--force` replaces the report without touching the run's files.
pub fn prepare_trs(dir: &Path, force: bool) -> Result<(), Error> {
    let owned = Owned {
        files: &[TRS_CSV],
        chart: &|n: &str| is_chart_file(n) && n.starts_with("trs_"),
    };
    prepare_owned(dir, force, false, &owned)
}

fn prepare_owned(dir: &Path, force: bool, resume: bool, owned: &Owned) -> Result<(), Error> {
    if let Ok(m) = std::fs::symlink_metadata(dir) {
        let is_dir = if m.file_type().is_symlink() {
            dir.is_dir()
        } else {
            m.is_dir()
        };
        if !is_dir {
            return Err(Error::Usage(format!(
                "--out: {} exists and is not a directory",
                dir.display()
            )));
        }
        let present = results_in(dir, owned)?;
        if !present.is_empty() && !resume {
            let shown: Vec<&str> = present
                .iter()
                .map(String::as_str)
                .filter(|f| *f != CHECKPOINT && *f != super::exporter::SWEEP_CHECKPOINT)
                .collect();
            if !force && !shown.is_empty() {
                let charts = shown.iter().filter(|f| f.starts_with("charts/")).count();
                let mut names: Vec<String> = shown
                    .iter()
                    .filter(|f| !f.starts_with("charts/"))
                    .map(|f| f.to_string())
                    .collect();
                if charts > 0 {
                    names.push(format!("charts/ ({charts} charts)"));
                }
                return Err(Error::Usage(format!(
                    "--out: {} already holds results ({}): choose another directory, or add --force to replace them",
                    dir.display(),
                    names.join(", ")
                )));
            }
            if force {
                for f in &present {
                    let p = dir.join(f);
                    std::fs::remove_file(&p)
                        .map_err(|e| Error::Usage(format!("--force: cannot remove {}: {e}", p.display())))?;
                }
                // The folder goes only when nothing of the user's is left in it.
                let _ = std::fs::remove_dir(dir.join(CHARTS));
            }
        }
        remove_stale_temps(dir);
    }
    probe_write(dir)
}

/// Creates `dir` if needed, writes and removes a probe file, and removes `dir` again if it
/// was created here (no trace until there are results to write).
fn probe_write(dir: &Path) -> Result<(), Error> {
    let fail = |e: std::io::Error| cannot_write(dir, &e);
    let existed = dir.exists();
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe: PathBuf = dir.join(format!(".bordersim-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    if !existed {
        let _ = std::fs::remove_dir(dir);
    }
    Ok(())
}

/// Removes the describing JSON `name` of an earlier result set before new results are
/// written next to it, so stale files next to a stale JSON can never look complete.
pub fn retire_describing(dir: &Path, name: &str) -> Result<(), Error> {
    let p = dir.join(name);
    match look(&p) {
        Found::Absent => Ok(()),
        Found::File => std::fs::remove_file(&p).map_err(|e| Error::Output {
            path: p.clone(),
            reason: e.to_string(),
        }),
        Found::InTheWay => Err(in_the_way(&p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_are_known_by_exact_pattern() {
        assert!(is_result_temp(".comparison.csv.tmp-12345"));
        assert!(is_result_temp(".checkpoint.bin.tmp-1"));
        assert!(!is_result_temp(".comparison.csv.tmp-"));
        assert!(!is_result_temp(".comparison.csv.tmp-12a"));
        assert!(!is_result_temp(".notes.txt.tmp-12"));
        assert!(!is_result_temp("comparison.csv.tmp-12"));
        assert!(is_chart_temp(".queue_baktu.tmp-77.png"));
        assert!(is_chart_temp(".compare_difference_baktu.tmp-77.svg"));
        assert!(!is_chart_temp(".my_own_chart.tmp-77.png"));
        assert!(!is_chart_temp(".queue_baktu.tmp-77.jpg"));
    }
}
