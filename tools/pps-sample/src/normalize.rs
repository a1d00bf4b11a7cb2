//! `normalize-zip`: rewrites a zip-based office file (`.ods`, `.xlsx`) with
//! every entry stamped 1980-01-01 00:00, in the original order, the stored
//! `mimetype` entry kept first and uncompressed.
//!
//! LibreOffice stamps zip entries with the wall clock even when the document
//! itself is unchanged, so without this every `make-sample.sh` run would
//! change the committed `.ods` bytes.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::sheet::io_msg;

pub fn run(paths: &[impl AsRef<Path>]) -> Result<(), String> {
    for path in paths {
        let path = path.as_ref();
        let zip_err = |e: zip::result::ZipError| format!("{}: {e}", path.display());
        let original = fs::read(path).map_err(|e| io_msg(path, &e))?;
        let mut archive = ZipArchive::new(Cursor::new(original)).map_err(zip_err)?;
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(zip_err)?;
            let method = if entry.compression() == CompressionMethod::Stored {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            let options = SimpleFileOptions::default()
                .compression_method(method)
                .last_modified_time(DateTime::default())
                .unix_permissions(0o644);
            let name = entry.name().map_err(zip_err)?.into_owned();
            if entry.is_dir() {
                out.add_directory(name, options).map_err(zip_err)?;
                continue;
            }
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| io_msg(path, &e))?;
            out.start_file(name, options).map_err(zip_err)?;
            out.write_all(&bytes).map_err(|e| io_msg(path, &e))?;
        }
        let bytes = out.finish().map_err(zip_err)?.into_inner();
        fs::write(path, bytes).map_err(|e| io_msg(path, &e))?;
    }
    Ok(())
}
