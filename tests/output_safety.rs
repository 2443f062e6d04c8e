//! What bordersim leaves in an output directory when things go wrong: damaged checkpoints,
//! files in the way, interrupts and kills, directories that cannot be written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run bordersim")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every file under `dir` (relative path → bytes), to show that a refused command changed
/// nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap_or_default(),
                );
            }
        }
    }
    out
}

/// Starts bordersim, sends `kill SIGNAL` after each of `delays` (ms, from the previous
/// signal), and waits for it.
fn signal_after(args: &[&str], delays: &[u64], signal: &str) -> Output {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for d in delays {
        std::thread::sleep(Duration::from_millis(*d));
        let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
    }
    child.wait_with_output().unwrap()
}

fn compare_args(dir: &Path, replications: &str) -> Vec<String> {
    [
        "compare",
        "scenarios/baktu.toml",
        "-q",
        "--replications",
        replications,
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Header length of checkpoint.bin (magic, version, fingerprint, payload length, CRC-32).
const HEADER: usize = 32;

#[test]
fn damaged_checkpoints_are_refused_and_nothing_is_overwritten() {
    let out = tmp("safety-checkpoint");
    let args = compare_args(&out, "200");
    let o = signal_after(&strs(&args), &[1200], "-INT");
    assert_eq!(o.status.code(), Some(130), "not interrupted: {}", text(&o.stderr));
    let ckpt = out.join("checkpoint.bin");
    let good = std::fs::read(&ckpt).unwrap();
    let mut resume = args.clone();
    resume.push("--resume".into());

    // The replication count (the first fold's `done`, a one-byte varint after the number of
    // folds), edited and the checksum made to match again.
    let mut edited = good.clone();
    assert!(edited[HEADER + 1] < 127, "more replications than one varint byte holds");
    edited[HEADER + 1] += 1;
    let crc = crc32fast::hash(&edited[HEADER..]).to_le_bytes();
    edited[28..32].copy_from_slice(&crc);
    // A payload byte flipped, the checksum left as it was.
    let mut flipped = good.clone();
    let mid = HEADER + (good.len() - HEADER) / 2;
    flipped[mid] ^= 0x01;
    // Cut short.
    let cut = good[..good.len() - 100].to_vec();

    for (what, bytes) in [("edited count", edited), ("flipped byte", flipped), ("truncated", cut)] {
        std::fs::write(&ckpt, &bytes).unwrap();
        let before = snapshot(&out);
        let o = run(&strs(&resume));
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(&format!("{} is damaged: ", ckpt.display())),
            "{what}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{what}: {err}");
        let after = snapshot(&out);
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        assert!(changed.is_empty(), "{what}: the refused resume changed {changed:?}");
    }

    // The intact checkpoint still resumes to the uninterrupted result.
    std::fs::write(&ckpt, &good).unwrap();
    let o = run(&strs(&resume));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let full = tmp("safety-checkpoint-full");
    assert!(run(&strs(&compare_args(&full, "200"))).status.success());
    for f in ["comparison.csv", "comparison.json", "compare_timeseries.csv"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(full.join(f)).unwrap(),
            "{f} differs after resume"
        );
    }
}
