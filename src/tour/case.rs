//! What every case shares: sizes, how a case runs (with or without a
//! session), and what it hands back (groups of variants, extrapolations).

use crate::error::{Error, Result};
use crate::profiler::{Profile, Session, SessionBuilder};

/// How big the tour's problems are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Small sizes: the whole tour in well under 20 s.
    Quick,
    /// The sizes the issue names (1e6-element arrays, 1000x500 @ 500x1000).
    Full,
}

impl Size {
    /// `quick` or `full` by size.
    pub fn pick<T>(self, quick: T, full: T) -> T {
        match self {
            Size::Quick => quick,
            Size::Full => full,
        }
    }

    /// `quick` or `full`.
    pub fn name(self) -> &'static str {
        self.pick("quick", "full")
    }
}

/// The session settings every case uses: sampled mode (the default: 250 Hz
/// with native stacks), heap report and integer value ranges on, labelled
/// with the case and size; in instrumented mode scalar get/set are timed 1
/// in 64 (counts stay exact).
pub fn builder(case: &str, size: Size) -> SessionBuilder {
    Session::builder()
        .heap(true)
        .value_ranges(true)
        .scalar_time_every(64)
        .label("case", case)
        .label("size", size.name())
}

/// How a case runs: its size, and under which profiler settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    /// How big the problems are.
    pub size: Size,
    /// Whether, and how much, the profiler records.
    pub profiling: Profiling,
}

/// The profiler settings a case runs under (to measure what each part costs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profiling {
    /// No session: the baseline; the case returns no profiles.
    Off,
    /// Scopes and op records only: no heap report, value ranges or CPU sampling.
    OpsOnly,
    /// Everything but CPU sampling.
    NoCpu,
    /// A default session with the heap report: scopes, ops, heap, the
    /// sampler with native stacks; no value ranges (an opt-in analysis that
    /// reads every integer result once more).
    Default,
    /// Everything the tour uses ([`builder`]): [`Profiling::Default`] plus
    /// value ranges.
    Full,
    /// [`Profiling::Default`] in instrumented mode (per-event clock reads,
    /// calibrated); no value ranges, whose extra pass no calibration removes.
    Instrumented,
}

/// A case's session, or nothing when the case runs unprofiled.
pub(crate) struct CaseSession(Option<Session>);

impl CaseSession {
    pub(crate) fn finish(self) -> Result<Option<Profile>> {
        self.0.map(Session::finish).transpose()
    }
}

pub(crate) fn start(builder: SessionBuilder, setup: Setup) -> Result<CaseSession> {
    super::repeat::session_started();
    let builder = match setup.profiling {
        Profiling::Off => return Ok(CaseSession(None)),
        Profiling::OpsOnly => builder.heap(false).value_ranges(false).cpu_hz(0),
        Profiling::NoCpu => builder.cpu_hz(0),
        Profiling::Default => builder.value_ranges(false),
        Profiling::Full => builder,
        Profiling::Instrumented => builder
            .value_ranges(false)
            .mode(crate::profiler::Mode::Instrumented),
    };
    Ok(CaseSession(Some(builder.start()?)))
}

pub(crate) fn session(case: &str, setup: Setup) -> Result<CaseSession> {
    start(builder(case, setup.size), setup)
}

pub(crate) fn disagree(case: &str, what: &str) -> Error {
    Error::invalid(format!(
        "tour case {case}: the {what} variant's result differs from the others"
    ))
}

/// What one case recorded.
pub struct CaseRun {
    /// The case id (also its output directory).
    pub case: &'static str,
    /// Profiles with the subdirectory they are written to (`""`: the case's own).
    pub profiles: Vec<(String, Profile)>,
    /// Variants to compare, in groups.
    pub groups: Vec<Group>,
    /// Variants measured at reduced sizes.
    pub extrapolations: Vec<Extrapolation>,
    /// Sizes and checks, for the summary.
    pub notes: Vec<String>,
    /// The wall-clock times of every repeated variant (and of each reduced
    /// run of an extrapolated one).
    pub timings: Vec<super::repeat::Timing>,
}

/// Variants compared against each other.
#[derive(Clone, Debug)]
pub struct Group {
    /// The heading in the summary table.
    pub title: String,
    /// The variants, slowest first as run.
    pub members: Vec<Member>,
}

/// One variant: a scope path in one of the case's profiles.
#[derive(Clone, Debug)]
pub struct Member {
    /// Which of the case's profiles holds the variant.
    pub profile: usize,
    /// The variant's scope path in that profile.
    pub path: Vec<String>,
    /// The name in the summary table.
    pub name: String,
}

impl Member {
    pub(crate) fn new(profile: usize, path: Vec<String>) -> Member {
        let name = path.last().cloned().unwrap_or_default();
        Member {
            profile,
            path,
            name,
        }
    }
}

impl Group {
    /// Variants that are top-level scopes of one profile.
    pub fn top_level(title: &str, profile: usize, names: &[&str]) -> Group {
        Group {
            title: title.to_string(),
            members: names
                .iter()
                .map(|n| Member::new(profile, vec![n.to_string()]))
                .collect(),
        }
    }

    /// Variants that are child scopes of `parent`.
    pub fn under(title: &str, profile: usize, parent: &str, names: &[&str]) -> Group {
        Group {
            title: title.to_string(),
            members: names
                .iter()
                .map(|n| Member::new(profile, vec![parent.to_string(), n.to_string()]))
                .collect(),
        }
    }

    /// The same top-level scope `scope` in each of several profiles, shown
    /// under the given names (`(profile, name)`).
    pub fn each_profile(title: &str, scope: &str, members: &[(usize, &str)]) -> Group {
        Group {
            title: title.to_string(),
            members: members
                .iter()
                .map(|(p, n)| Member {
                    profile: *p,
                    path: vec![scope.to_string()],
                    name: n.to_string(),
                })
                .collect(),
        }
    }
}

/// A variant measured at reduced sizes: its child scopes are the runs.
#[derive(Clone, Debug)]
pub struct Extrapolation {
    /// Which of the case's profiles holds the variant.
    pub profile: usize,
    /// The variant's scope path.
    pub path: Vec<String>,
    /// Child scope name and problem size of each reduced run.
    pub points: Vec<(String, f64)>,
    /// The size variable's name (`n`, `rows`).
    pub variable: &'static str,
    /// The full problem size.
    pub full: f64,
    /// Exponents of the cost law to fit (`[1.0, 2.0]`: per call plus quadratic copying).
    pub exponents: &'static [f64],
}
