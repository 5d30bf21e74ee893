use ndprof::alloc::Tracking;
use ndprof::tour::{self, Profiling, Setup, Size};
#[global_allocator]
static ALLOC: Tracking<mimalloc::MiMalloc> = Tracking::new(mimalloc::MiMalloc);
fn main() {
    let want: Vec<String> = std::env::args().skip(1).collect();
    let rounds = 3;
    let mut acc: std::collections::BTreeMap<(String, &str), Vec<f64>> = Default::default();
    for r in 0..rounds {
        let order = if r % 2 == 0 {
            [Profiling::Default, Profiling::Off]
        } else {
            [Profiling::Off, Profiling::Default]
        };
        for p in order {
            for (name, case) in tour::CASES.iter() {
                if !want.is_empty() && !want.iter().any(|w| name.contains(w.as_str())) {
                    continue;
                }
                let run = case(Setup {
                    size: Size::Quick,
                    profiling: p,
                })
                .unwrap();
                for t in &run.timings {
                    let key = (
                        format!("{name}:{}:{}", t.profile, t.path.join(";")),
                        if p == Profiling::Off { "off" } else { "on" },
                    );
                    acc.entry(key).or_default().push(t.median() / 1e6);
                }
            }
        }
    }
    let keys: std::collections::BTreeSet<String> = acc.keys().map(|k| k.0.clone()).collect();
    for k in keys {
        let off = &acc[&(k.clone(), "off")];
        let on = &acc[&(k.clone(), "on")];
        let ratios: Vec<String> = on
            .iter()
            .zip(off)
            .map(|(a, b)| format!("{:.2}", a / b))
            .collect();
        println!(
            "{k:<70} off {:?} ratios {}",
            off.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>(),
            ratios.join(" ")
        );
    }
}
