//! Where the payment statements and phrases are: the last "paid", the promises, the last
//! promise (with "el resto" after a partial payment counted as one).

use super::Found;
use crate::understand::intent::{Statement, StatementKind};
use crate::understand::lexicon::Cue;

/// Where the payment statements are: the last "paid", the promises, the last promise.
pub(super) struct Signals<'f> {
    pub(super) last_paid: Option<(usize, usize)>,
    pub(super) promises: Vec<&'f Statement>,
    pub(super) last_promise: Option<(usize, usize)>,
}

impl<'f> Signals<'f> {
    pub(super) fn of(f: &'f Found<'_, '_>) -> Self {
        let last_paid = f
            .positive(StatementKind::Paid)
            .map(|s| (s.start, s.end))
            .chain(
                f.cues
                    .iter()
                    .filter(|c| c.cue == Cue::PaidProof)
                    .map(|c| (c.start, c.end)),
            )
            .max();
        let promises: Vec<&Statement> = f.positive(StatementKind::Promise).collect();
        let last_promise = promises
            .iter()
            .map(|s| (s.start, s.end))
            .chain(
                f.cues
                    .iter()
                    .filter(|c| matches!(c.cue, Cue::PromisePhrase | Cue::Reschedule))
                    .map(|c| (c.start, c.end)),
            )
            .max();
        // "Le he ingresado 300, el resto la semana que viene": the rest is promised.
        let rest_promised = last_paid.and_then(|paid| {
            let cands = f.candidates();
            f.cues
                .iter()
                .filter(|c| c.cue == Cue::Partial && c.start >= paid.1)
                .find(|c| {
                    cands
                        .iter()
                        .any(|m| f.clause_of(m.start) == f.clause_of(c.start) && !m.weak)
                })
                .map(|c| (c.start, c.end))
        });
        Self {
            last_paid,
            promises,
            last_promise: last_promise.max(rest_promised),
        }
    }

    /// Anything said about paying, for or against.
    pub(super) fn pays(&self) -> bool {
        self.last_paid.is_some() || self.last_promise.is_some()
    }
}
