//! What the single-case examples share: run one case of the tour into
//! `profiles/`, print its summary and advice.

use ndprof::tour::{self, Size, TourConfig};
use std::process::ExitCode;

/// Runs tour case `name` (`--quick` on the command line: small sizes) and
/// prints the summary; errors print as one line with exit status 1.
pub fn run_case(name: &str) -> ExitCode {
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let cfg = TourConfig {
        size: if quick { Size::Quick } else { Size::Full },
        out: "profiles".into(),
    };
    match tour::run_selected(&cfg, &[name], &mut |_, _, _| {}) {
        Ok(result) => {
            print!("{}", result.summary_text());
            println!("\nwrote profiles/{name}/ (open profiles/index.html)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}
