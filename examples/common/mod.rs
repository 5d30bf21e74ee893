//! What the single-case examples share: run one case of the tour into
//! `profiles/<case>/` (never the whole tour's `profiles/index.html`,
//! `summary.txt` or `tour.json`), print its summary and advice.

use ndprof::tour::{self, Size, TourConfig};
use std::process::ExitCode;

/// Runs tour case `name` (`--quick` on the command line: small sizes) and
/// prints the summary; errors print as one line with exit status 1.
pub fn run_case(name: &str) -> ExitCode {
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let cfg = TourConfig {
        size: if quick { Size::Quick } else { Size::Full },
        out: std::path::Path::new("profiles").join(name),
    };
    match tour::run_case(&cfg, name, &mut |_, _, _| {}) {
        Ok(result) => {
            print!("{}", result.summary_text());
            println!("\nwrote profiles/{name}/ (open profiles/{name}/index.html)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}
