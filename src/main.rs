//! `pps-monitor`: parse the command line, run, exit with the contract's code.

mod cli;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(u8::try_from(cli::main()).unwrap_or(1))
}
