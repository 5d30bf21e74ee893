//! The session in time, from the timer samples (either mode, with the sampler on): where each
//! thread was and how many heap bytes were live at each sample. Bounded:
//! at most [`MAX_TIMELINE_POINTS`], decimated by time so that each kept
//! point is the one with the most live bytes in its slice of the run (the
//! heap's high-water marks survive decimation).

use serde::{Deserialize, Serialize};

/// The most points a profile keeps, whatever the run's length.
pub const MAX_TIMELINE_POINTS: usize = 10_000;

/// One timer sample in time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// Nanoseconds since the session started.
    pub t_ns: f64,
    /// The sampled thread (its OS thread id; 0: not known).
    pub tid: u32,
    /// The record the thread was in (`None`: outside every record kept).
    pub record: Option<usize>,
    /// Live heap bytes then: array buffers and, with `alloc::Tracking`, the
    /// whole heap (flushed per thread in 64 KiB steps, so low by at most
    /// that much per allocating thread).
    pub live_bytes: u64,
}

/// Keeps at most `max` of `points` (in time order): the run is cut into
/// `max` equal slices of time and each keeps its point with the most live bytes.
pub(crate) fn decimate(points: Vec<TimelinePoint>, max: usize) -> Vec<TimelinePoint> {
    if points.len() <= max || max == 0 {
        return points;
    }
    let (first, last) = match (points.first(), points.last()) {
        (Some(a), Some(b)) => (a.t_ns, b.t_ns),
        _ => return points,
    };
    let span = (last - first).max(1.0);
    let mut out: Vec<TimelinePoint> = Vec::with_capacity(max);
    let mut slot = usize::MAX;
    for p in points {
        let s = (((p.t_ns - first) / span) * (max - 1) as f64) as usize;
        match out.last_mut() {
            Some(q) if s == slot => {
                if p.live_bytes > q.live_bytes {
                    *q = p;
                }
            }
            _ => {
                out.push(p);
                slot = s;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::profiler::timeline::*;

    #[test]
    fn decimation_bounds_the_points_and_keeps_the_high_water_mark() {
        let points: Vec<TimelinePoint> = (0..100_000)
            .map(|i| TimelinePoint {
                t_ns: i as f64,
                tid: 1,
                record: None,
                live_bytes: if i == 54_321 {
                    1 << 40
                } else {
                    i as u64 % 1000
                },
            })
            .collect();
        let kept = decimate(points, MAX_TIMELINE_POINTS);
        assert!(kept.len() <= MAX_TIMELINE_POINTS && kept.len() > MAX_TIMELINE_POINTS / 2);
        assert!(kept.iter().any(|p| p.live_bytes == 1 << 40));
        assert!(kept.windows(2).all(|w| w[0].t_ns <= w[1].t_ns));
        let few = decimate(kept[..10].to_vec(), MAX_TIMELINE_POINTS);
        assert_eq!(few.len(), 10);
    }
}
