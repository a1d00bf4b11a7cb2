//! The one integration test binary (one binary keeps link time down with
//! polars). Tests run the real `pps-monitor` binary on scenario folders
//! built in code, plus a few committed office-suite fixtures.

mod common;

mod attack;
mod cli;
mod crash;
mod formats;
mod gemeenten;
mod golden;
mod hostile;
mod outputs_v2;
mod properties;
mod protection;
mod publishing;
mod report;
mod rules;
mod sample_run;
mod schema;
mod template;
mod values;
