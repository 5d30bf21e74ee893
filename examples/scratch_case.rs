use ndprof::alloc::Tracking;
use ndprof::tour::{self, Profiling, Setup, Size};
#[global_allocator]
static ALLOC: Tracking<mimalloc::MiMalloc> = Tracking::new(mimalloc::MiMalloc);
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let p = match args[2].as_str() {
        "off" => Profiling::Off,
        "ops" => Profiling::OpsOnly,
        _ => Profiling::Default,
    };
    let _fixed = tour::FixedRuns::set(tour::MIN_RUNS);
    let (_, case) = tour::CASES.iter().find(|(n, _)| *n == args[1]).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..40 {
        case(Setup {
            size: Size::Quick,
            profiling: p,
        })
        .unwrap();
    }
    println!("{:.3} ms per case", t.elapsed().as_secs_f64() * 1e3 / 40.0);
}
