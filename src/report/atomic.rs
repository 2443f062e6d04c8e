//! Writing output files so that a reader never sees half a file.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporary files this process is writing right now, so that quitting at once (a second
/// Ctrl-C) can remove them instead of leaving them behind.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A temporary file path registered while it exists: dropping it removes the file if it is
/// still there (it was not renamed into place) and forgets it.
#[derive(Debug)]
pub struct Temp(PathBuf);

impl Temp {
    /// Registers `path` before anything creates it; blocks while [`quit_now`] is cleaning
    /// up, so no new temporary file can appear after the clean-up.
    pub fn new(path: PathBuf) -> Self {
        live().push(path.clone());
        Self(path)
    }

    /// The path to create.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let mut l = live();
        if let Ok(m) = std::fs::symlink_metadata(&self.0)
            && m.is_file()
        {
            let _ = std::fs::remove_file(&self.0);
        }
        l.retain(|p| p != &self.0);
    }
}

/// Removes every temporary file this process is writing and exits with `code` while still
/// holding the registry, so none is created in between. For quitting in the middle of a
/// write (a second Ctrl-C): finished files stay complete, unfinished ones vanish.
pub fn quit_now(code: i32) -> ! {
    let l = live();
    for p in l.iter() {
        let _ = std::fs::remove_file(p);
    }
    std::process::exit(code)
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename:
/// an interrupted or failed run leaves either the old file, the complete new one, or none.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], but the content is streamed by `fill` into a buffered temporary
/// file, so a large file is never held in memory whole.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let err = |e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = Temp::new(dir.join(format!(".{name}.tmp-{}", std::process::id())));
    let result = (|| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(tmp.path())?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(tmp.path(), path)
    })();
    // Dropping `tmp` removes the file if the rename did not happen.
    drop(tmp);
    result.map_err(err)
}

/// Creates the output directory (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Output {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = std::env::temp_dir().join(format!("bordersim-atomic-{}", std::process::id()));
        ensure_dir(&dir).unwrap();
        let p = dir.join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // A failed write leaves neither its temporary file nor a registry entry.
        let failed = write_atomic_with(&dir.join("b.txt"), |_| Err(std::io::Error::other("no")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert!(live().iter().all(|p| !p.starts_with(&dir)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
