//! The region reference (`config/regions.csv`): only the municipality codes
//! and names are needed here.

use std::path::Path;

#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: String,
    pub name: String,
}

pub fn read(path: &Path) -> Result<Vec<Municipality>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{}: no column {name}", path.display()))
    };
    let (code_col, name_col) = (find("gemeente_code")?, find("gemeente_naam")?);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(Municipality {
            code: record[code_col].to_owned(),
            name: record[name_col].to_owned(),
        });
    }
    if out.is_empty() {
        return Err(format!("{}: no municipalities", path.display()));
    }
    Ok(out)
}
