//! Seeded mutation fuzzing, bounded in time (about 10 s per target): the
//! `.npy` reader and `report.json` loading never panic, and whatever loads
//! survives a round trip unchanged (save, load, save gives the same bytes).

use ndprof::io::npy::{read_npy, write_npy};
use ndprof::report::Report;
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(10);
const MAX_CASES: usize = 200_000;

/// xorshift64*: a fixed seed, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to four edits: flip a bit, set an interesting byte, insert or delete
/// a run, or splice in a token.
fn mutate(rng: &mut Rng, input: &[u8], tokens: &[&[u8]]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] = [0, 1, 0x7f, 0x80, 0xff, b'9', b',', b'(', b')'][rng.below(9)];
            }
            2 => {
                let n = 1 + rng.below(8);
                let end = (at + n).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let t = tokens[rng.below(tokens.len())];
                v.splice(at..at, t.iter().copied());
            }
            4 if v.len() > 1 => v.truncate(at.max(1)),
            _ => {
                let b = (rng.next() & 0xff) as u8;
                v.insert(at, b);
            }
        }
    }
    v
}

fn npy_bytes(a: &ndprof::Array) -> Vec<u8> {
    let mut w = Vec::new();
    write_npy(a, &mut w).unwrap(); // ok: test
    w
}

#[test]
fn npy_reader_never_panics_and_round_trips_what_it_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "npy").then(|| std::fs::read(p).ok())?
        })
        .collect();
    assert!(seeds.len() > 10);
    let tokens: &[&[u8]] = &[
        b"'descr'",
        b"'shape'",
        b"'fortran_order'",
        b"True",
        b"False",
        b"(",
        b")",
        b",",
        b"<f8",
        b">i4",
        b"|b1",
        b"18446744073709551615",
        b"-1",
        b"L",
        b"{",
        b"}",
        b"\x02\x00",
        b"\x03\x00",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (start, mut loaded, mut cases) = (Instant::now(), 0, 0);
    while cases < MAX_CASES && start.elapsed() < BUDGET {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, tokens);
        cases += 1;
        if let Ok(a) = read_npy(&mut &input[..]) {
            loaded += 1;
            let once = npy_bytes(&a);
            let back = read_npy(&mut &once[..]).unwrap(); // ok: test
            assert_eq!(npy_bytes(&back), once, "round trip of case {cases}");
        }
    }
    assert!(cases > 1000 && loaded > 0, "{cases} cases, {loaded} loaded");
}

#[test]
fn report_loading_never_panics_and_round_trips_what_it_loads() {
    let v2 = include_str!("data/report_v2.json");
    let v3 = Report::from_json(v2).unwrap().to_json().unwrap(); // ok: test
    let seeds = [v2.as_bytes().to_vec(), v3.into_bytes()];
    let tokens: &[&[u8]] = &[
        b"null",
        b"1e308",
        b"-1",
        b"18446744073709551615",
        b"18446744073709551616",
        b"NaN",
        b"\"\\n;x\"",
        b"\"a;b\"",
        b"[]",
        b"{}",
        b"\"parent\": 0",
        b"\"parent\": 99999",
        b"\"kind\": \"op\"",
        b"\"schema_version\": 4",
        b",",
        b":",
        b"\"",
    ];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let (start, mut loaded, mut cases) = (Instant::now(), 0, 0);
    while cases < MAX_CASES && start.elapsed() < BUDGET {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, tokens);
        cases += 1;
        let Ok(text) = std::str::from_utf8(&input) else {
            continue;
        };
        if let Ok(r) = Report::from_json(text) {
            loaded += 1;
            let once = r.to_json().unwrap(); // ok: test
            let back = Report::from_json(&once).unwrap(); // ok: test
            assert_eq!(back.to_json().unwrap(), once, "round trip of case {cases}");
            // Rendering what loads never panics either.
            let _ = r.flamegraph_svg(ndprof::report::Metric::Time);
            let _ = r.table();
        }
    }
    assert!(cases > 1000 && loaded > 0, "{cases} cases, {loaded} loaded");
}
