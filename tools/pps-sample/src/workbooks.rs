//! Finding spreadsheet files below a folder, the way the monitor does:
//! `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods`, skipping names that start
//! with `~$` or `.`. Sorted, so output is stable.

use std::fs;
use std::path::{Path, PathBuf};

use crate::sheet::io_msg;

pub fn find(root: &Path) -> Result<Vec<PathBuf>, String> {
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| io_msg(&dir, &e))? {
            let path = entry.map_err(|e| io_msg(&dir, &e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with("~$") || name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if is_workbook(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods"
        )
    })
}
