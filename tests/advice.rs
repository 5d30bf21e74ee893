//! Each advice rule fires on its positive case and stays silent on its
//! negative one, on real sessions. Sessions are process-wide: every test
//! holds the profiler test lock.

use ndprof::ops::BinaryOp;
use ndprof::report::{advise, Advice, AdviceOptions, Report};
use ndprof::{profile, Array, DType, Mode, Session};

fn report_of(value_ranges: bool, work: impl FnOnce() -> ndprof::Result<()>) -> Report {
    // Instrumented: exact times and counts, whatever the sampler would catch.
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .value_ranges(value_ranges)
        .start()
        .unwrap();
    work().unwrap();
    session.finish().unwrap().report_with_advice()
}

fn rules(r: &Report) -> Vec<&str> {
    r.advice.iter().map(|a| a.rule.as_str()).collect()
}

fn only<'a>(r: &'a Report, rule: &str) -> Vec<&'a Advice> {
    r.advice.iter().filter(|a| a.rule == rule).collect()
}

#[test]
fn scalar_loop_fires_on_a_per_element_map_and_not_on_the_vectorized_op() {
    let _l = ndprof::testing::lock();
    let x = Array::random_uniform(&[5000], 0.0, 1.0, 1, DType::Float64).unwrap();
    let r = report_of(false, || {
        profile!("loop", {
            let mut y = Array::zeros(&[5000], DType::Float64)?;
            for i in 0..5000 {
                y.set(&[i], x.get(&[i])?.to_f64() * 2.0)?;
            }
        });
        profile!("short loop", {
            let mut y = Array::zeros(&[100], DType::Float64)?;
            for i in 0..100 {
                y.set(&[i], x.get(&[i])?)?;
            }
        });
        profile!("vectorized", { x.mul_scalar(2.0)? });
        Ok(())
    });
    let a = only(&r, "scalar-loop");
    assert_eq!(a.len(), 1, "{:?}", r.advice);
    assert_eq!(a[0].path, ["loop"]);
    assert!(
        a[0].evidence.contains("5000 scalar get and 5000 set calls"),
        "{}",
        a[0].evidence
    );
    assert!(
        a[0].evidence.contains("arrays of up to 5000 elements"),
        "{}",
        a[0].evidence
    );
    assert!(a[0].saving_ns.is_some_and(|s| s > 0.0));
    assert!(a[0].to_string().starts_with("advice[scalar-loop]: loop: "));
    assert!(!rules(&r).contains(&"manual-reduction"));
}

#[test]
fn manual_reduction_fires_on_read_only_and_mul_add_loops_only() {
    let _l = ndprof::testing::lock();
    let x = Array::random_uniform(&[4000], 0.0, 1.0, 2, DType::Float64).unwrap();
    let a = Array::random_uniform(&[4, 300], 0.0, 1.0, 3, DType::Float64).unwrap();
    let b = Array::random_uniform(&[300, 4], 0.0, 1.0, 4, DType::Float64).unwrap();
    let r = report_of(false, || {
        let _mean = profile!("hand mean", {
            let mut s = 0.0;
            for i in 0..4000 {
                s += x.get(&[i])?.to_f64();
            }
            s / 4000.0
        });
        profile!("hand dot", {
            let mut c = Array::zeros(&[4, 4], DType::Float64)?;
            for i in 0..4 {
                for j in 0..4 {
                    let mut s = 0.0;
                    for p in 0..300 {
                        s += a.get(&[i, p])?.to_f64() * b.get(&[p, j])?.to_f64();
                    }
                    c.set(&[i, j], s)?;
                }
            }
        });
        profile!("built-in", { (x.mean()?, a.dot(&b)?) });
        Ok(())
    });
    let found = only(&r, "manual-reduction");
    let paths: Vec<&str> = found.iter().map(|a| a.path[0].as_str()).collect();
    assert_eq!(paths, ["hand mean", "hand dot"], "{:?}", r.advice);
    assert!(found[0].message.contains("sum`/`mean"));
    assert!(found[1].message.contains("`dot`"), "{}", found[1].message);
    assert!(found[1]
        .message
        .contains("reading 600 elements per element written"));
    assert!(!rules(&r).contains(&"scalar-loop"));
}

#[test]
fn append_growth_fires_on_copying_append_and_not_on_push() {
    let _l = ndprof::testing::lock();
    let r = report_of(false, || {
        profile!("append", {
            let mut a = Array::zeros(&[0], DType::Float64)?;
            let one = Array::ones(&[1], DType::Float64)?;
            for _ in 0..2000 {
                a = a.append(&one)?;
            }
        });
        profile!("push", {
            let mut a = Array::with_capacity(DType::Float64, 0)?;
            for i in 0..2000 {
                a.push(i as f64)?;
            }
        });
        profile!("zeros", { Array::zeros(&[2000], DType::Float64)? });
        Ok(())
    });
    let found = only(&r, "append-growth");
    assert_eq!(found.len(), 1, "{:?}", r.advice);
    assert_eq!(found[0].path, ["append", "append[float64]"]);
    // Call i copies i + 1 elements of 8 bytes (the array and the new value)
    // to build 16,000 bytes in the end.
    assert_eq!(found[0].saving_bytes, Some(2000 * 2001 / 2 * 8 - 16_000));
    assert!(
        found[0].evidence.contains("2000 calls"),
        "{}",
        found[0].evidence
    );
}

#[test]
fn dtype_downsize_needs_fitting_values_and_float_advice_needs_opting_in() {
    let _l = ndprof::testing::lock();
    let small = || -> ndprof::Result<()> {
        profile!("counts", {
            let i = Array::arange(0.0, 100_000.0, 1.0, DType::Int64)?;
            i.floor_div_scalar(10)?.add_scalar(1)?
        });
        Ok(())
    };
    let r = report_of(true, small);
    let found = only(&r, "dtype-downsize");
    assert_eq!(found.len(), 1, "{:?}", r.advice);
    assert!(
        found[0].message.starts_with("use int32 instead of int64"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].evidence.contains("[0, 99999]"),
        "{}",
        found[0].evidence
    );
    // 3 int64 arrays of 800,000 bytes: half of it saved.
    assert_eq!(found[0].saving_bytes, Some(3 * 400_000));

    // Smaller values pick a smaller dtype.
    let r = report_of(true, || {
        Array::arange(0.0, 1000.0, 1.0, DType::Int64)?;
        Ok(())
    });
    assert!(only(&r, "dtype-downsize")[0]
        .message
        .starts_with("use int16"));

    // Values that need 64 bits, value ranges off, and int32 data that needs 32: silent.
    let r = report_of(true, || {
        Array::arange(0.0, 100.0, 1.0, DType::Int64)?.mul_scalar(10_000_000_000i64)?;
        Ok(())
    });
    assert!(only(&r, "dtype-downsize").is_empty(), "{:?}", r.advice);
    let r = report_of(false, small);
    assert!(only(&r, "dtype-downsize").is_empty(), "{:?}", r.advice);
    let r = report_of(true, || {
        Array::arange(0.0, 100_000.0, 1.0, DType::Int32)?;
        Ok(())
    });
    assert!(only(&r, "dtype-downsize").is_empty(), "{:?}", r.advice);

    // float64: only with precision advice.
    let r = report_of(true, || {
        Array::ones(&[10_000], DType::Float64)?.mul_scalar(2.0)?;
        Ok(())
    });
    assert!(only(&r, "dtype-downsize").is_empty());
    let opts = AdviceOptions {
        precision: true,
        ..AdviceOptions::default()
    };
    let with = advise(&r, &opts);
    assert!(with
        .iter()
        .any(|a| a.rule == "dtype-downsize" && a.message.contains("float32")));
}

#[test]
fn temporaries_fire_on_allocating_loops_and_not_on_out_loops() {
    let _l = ndprof::testing::lock();
    let x = Array::ones(&[20_000], DType::Float64).unwrap();
    let y = Array::ones(&[20_000], DType::Float64).unwrap();
    let r = report_of(false, || {
        profile!("allocating", {
            for _ in 0..50 {
                let _t = x.add(&y)?.mul_scalar(0.5)?;
            }
        });
        profile!("out=", {
            let mut out = Array::zeros(&[20_000], DType::Float64)?;
            for _ in 0..50 {
                x.binary_into(BinaryOp::Add, &y, &mut out)?;
                out.binary_scalar_inplace(BinaryOp::Mul, 0.5)?;
            }
        });
        Ok(())
    });
    let found = only(&r, "temporaries");
    assert_eq!(found.len(), 1, "{:?}", r.advice);
    assert_eq!(found[0].path, ["allocating"]);
    assert_eq!(found[0].saving_bytes, Some(100 * 160_000));
    assert!(
        found[0].evidence.contains("add[float64] x50"),
        "{}",
        found[0].evidence
    );
    // Instrumented: timed per call, not sampled.
    assert!(
        found[0].evidence.contains("the allocating ops took")
            && !found[0].evidence.contains("sampled"),
        "{}",
        found[0].evidence
    );
}

#[test]
fn temporaries_say_when_no_time_sample_fell_in_the_allocating_ops() {
    let _l = ndprof::testing::lock();
    let x = Array::ones(&[20_000], DType::Float64).unwrap();
    // Sampled mode with the sampler off: counts exact, no time samples.
    let session = Session::builder().cpu_hz(0).start().unwrap();
    profile!("allocating", {
        for _ in 0..50 {
            std::hint::black_box(x.add(&x).unwrap());
        }
    });
    let r = session.finish().unwrap().report_with_advice();
    let found = only(&r, "temporaries");
    assert_eq!(found.len(), 1, "{:?}", r.advice);
    assert!(
        found[0]
            .evidence
            .contains("no time sample fell in the allocating ops"),
        "{}",
        found[0].evidence
    );
}

#[test]
fn a_report_without_loops_growth_or_temporaries_gets_no_advice() {
    let _l = ndprof::testing::lock();
    let r = report_of(true, || {
        let x = Array::random_uniform(&[100_000], 0.0, 1.0, 5, DType::Float64)?;
        profile!("work", { x.square()?.sum()? });
        Ok(())
    });
    assert!(r.advice.is_empty(), "{:?}", r.advice);
    assert!(r.summary().contains("no advice"));
}
