//! The `ndprof` command: the tour, and tools for `report.json` files. Thin:
//! it parses arguments and calls the library. Errors print as one line
//! (`ndprof: ...`) with exit status 1; usage errors exit with 2.

use clap::{Parser, Subcommand};
use ndprof::report::compare::{differential_svg, Comparison};
use ndprof::report::export::export_file;
use ndprof::report::{advise, write_text, AdviceOptions, Format, Metric, Report};
use ndprof::tour::{self, Size, TourConfig};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

// Every heap allocation of the program is counted against the scope that
// made it, so the tour's heap reports cover more than array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

/// A NumPy-style array runtime that profiles itself.
///
/// With no command, runs the full tour into `profiles/`.
#[derive(Parser)]
#[command(name = "ndprof", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run every case of the tour under the profiler and write flamegraphs,
    /// heap reports per dtype, comparisons, a summary with advice and
    /// index.html into the output directory.
    Tour {
        /// Small sizes: finishes in seconds.
        #[arg(long)]
        quick: bool,
        /// Output directory.
        #[arg(long, default_value = "profiles")]
        out: PathBuf,
    },
    /// Compare two report.json files (A before, B after): totals and every
    /// scope/op path side by side with B/A ratios.
    Compare {
        a: PathBuf,
        b: PathBuf,
        /// Also write a differential flamegraph (B's shape, colored by the change).
        #[arg(long)]
        svg: Option<PathBuf>,
        /// The metric of the differential flamegraph: time, bytes or allocs.
        #[arg(long, default_value = "time")]
        metric: Metric,
    },
    /// Print a report.json (or a run's folder holding one) as text: the
    /// cProfile-style table, the imbalance across MPI ranks when the report
    /// was merged from ranks, the heap summary and the advice.
    Report {
        report: PathBuf,
        /// Also suggest float32 for float64 work (changes precision).
        #[arg(long)]
        precision: bool,
    },
    /// Render a flamegraph SVG of a report.json.
    Flamegraph {
        report: PathBuf,
        /// time, bytes or allocs.
        #[arg(long, default_value = "time")]
        metric: Metric,
        /// Output SVG file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a saved report.json in another format: pprof (ops.pb), folded
    /// stacks, a flamegraph SVG, the text table, DHAT's JSON (dhat-heap.json,
    /// for DHAT's viewer), Chrome trace events (trace.json, for Perfetto and
    /// speedscope), the heap over time (heap-timeline.svg), or JSON
    /// (upgrading an old schema).
    Export {
        report: PathBuf,
        /// json, folded, svg, text, pprof, dhat, trace or heap-timeline.
        #[arg(long)]
        format: Format,
        /// The metric of folded stacks and flamegraphs: time, bytes or allocs.
        #[arg(long, default_value = "time")]
        metric: Metric,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Merge report.json files of many processes (simulation ranks, repeated
    /// runs): counts and times summed per path, peaks added. Reports that
    /// each carry a distinct MPI `rank` (an MPI run's `ranks/rank-N.json`)
    /// also get the imbalance across ranks and `rank-imbalance` advice.
    Merge {
        #[arg(required = true, num_args = 1..)]
        reports: Vec<PathBuf>,
        /// Output report.json.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli.command.unwrap_or(Command::Tour {
        quick: false,
        out: PathBuf::from("profiles"),
    })) {
        eprintln!("ndprof: {e}");
        std::process::exit(1);
    }
}

/// Writes to stdout: a closed pipe (`ndprof report r.json | head`) ends
/// the program quietly with status 0, as `grep` and `head` do; any other
/// write error (`> /dev/full`: no space) is an error naming stdout.
fn emit(args: std::fmt::Arguments<'_>) -> ndprof::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(ndprof::Error::io(std::path::Path::new("<stdout>"), e)),
    }
}

macro_rules! out {
    ($($t:tt)*) => { emit(format_args!($($t)*))? };
}

macro_rules! outln {
    ($($t:tt)*) => { emit(format_args!("{}\n", format_args!($($t)*)))? };
}

fn run(command: Command) -> ndprof::Result<()> {
    match command {
        Command::Tour { quick, out } => {
            let cfg = TourConfig {
                size: if quick { Size::Quick } else { Size::Full },
                out,
            };
            let started = std::time::Instant::now();
            let mut bar = Progress::new();
            let result = tour::run(&cfg, &mut |step, total, what| bar.step(step, total, what))?;
            out!("{}", result.summary_text());
            outln!(
                "\ntour ({}) took {:.1} s; open {} in a browser",
                cfg.size.name(),
                started.elapsed().as_secs_f64(),
                cfg.out.join("index.html").display()
            );
            Ok(())
        }
        Command::Compare { a, b, svg, metric } => {
            let (ra, rb) = (Report::load(&a)?, Report::load(&b)?);
            outln!("A = {}\nB = {}", a.display(), b.display());
            out!("{}", Comparison::new(&ra, &rb).to_text());
            if let Some(path) = svg {
                write_text(&path, &differential_svg(&ra, &rb, metric)?)?;
                outln!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Report { report, precision } => {
            // A run's folder stands for its report.json.
            let report = if report.is_dir() {
                report.join("report.json")
            } else {
                report
            };
            let mut r = Report::load(&report)?;
            let opts = AdviceOptions {
                precision,
                ..AdviceOptions::default()
            };
            r.advice = advise(&r, &opts);
            let ranks = ndprof::report::ranks::imbalance_text(&r, 20);
            let ranks = if ranks.is_empty() {
                ranks
            } else {
                format!("{ranks}\n")
            };
            out!("{}\n{ranks}{}", r.table(), r.summary());
            Ok(())
        }
        Command::Flamegraph {
            report,
            metric,
            output,
        } => {
            let r = Report::load(&report)?;
            write_text(&output, &r.flamegraph_svg(metric)?)?;
            outln!("wrote {}", output.display());
            Ok(())
        }
        Command::Export {
            report,
            format,
            metric,
            output,
        } => {
            let r = Report::load(&report)?;
            export_file(&r, format, metric, &output)?;
            outln!("wrote {}", output.display());
            Ok(())
        }
        Command::Merge { reports, output } => {
            let loaded = reports
                .iter()
                .map(Report::load)
                .collect::<ndprof::Result<Vec<_>>>()?;
            // Each report from a distinct MPI rank (`ranks/rank-N.json`):
            // merged with the imbalance across ranks; otherwise summed.
            let ranked = loaded.iter().all(|r| r.rank.is_some());
            let mut merged = if ranked {
                ndprof::report::ranks::merge_ranks(&loaded)?
            } else {
                Report::merge(&loaded)?
            };
            merged.advice = advise(&merged, &AdviceOptions::default());
            write_text(&output, &merged.to_json()?)?;
            outln!("merged {} reports into {}", loaded.len(), output.display());
            Ok(())
        }
    }
}

/// A progress bar on stderr (one line per step when stderr is not a terminal).
/// The tour's progress: a bar with the running case and the elapsed time
/// (ticking while a long case runs) on a terminal; nothing when stdout or
/// stderr is not a terminal (logs and pipes get the summary only).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new() -> Progress {
        if !(std::io::stdout().is_terminal() && std::io::stderr().is_terminal()) {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(1);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(bar))
    }

    fn step(&mut self, step: usize, total: usize, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_length(total as u64);
            bar.set_position(step as u64);
            bar.set_message(what.to_string());
            if step == total {
                bar.finish_and_clear();
            }
        }
    }
}
