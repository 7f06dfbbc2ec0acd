//! Spanish late-payment interest between businesses (Ley 3/2004 de lucha contra la morosidad).
//!
//! - **Scope**: B2B (and business-to-public-body) invoices in Spain only; never
//!   consumers. The caller decides whether an invoice qualifies.
//! - **Accrual** (arts. 5-6): automatic, from the day after the due date to
//!   `until` inclusive, simple interest, split by calendar half-year because
//!   the rate changes every 1 January and 1 July.
//! - **Principal**: what is owed on each day. A partial payment lowers it from
//!   the day after it was made ([`late_interest_after_payments`]): up to that
//!   day the whole amount accrued, after it the rest. Periods are therefore
//!   split at payments too, each with its own principal; interest on today's
//!   balance for the whole time would understate what the law grants.
//! - **Rate** (art. 7): ECB main refinancing rate before the half-year + 8
//!   points, as published in the BOE each half-year; kept in [`RATES`] with
//!   its BOE id. A half-year not in the table is **never guessed**:
//!   [`late_interest`] refuses with [`InterestError::MissingRate`] (2H 2026
//!   is not known as of 2026-11-23) and the app omits interest and says why;
//!   [`late_interest_partial`] gives the known periods and lists the missing
//!   ones, for showing the owner a lower bound.
//! - **Arithmetic**: per period (a half-year, or the part of one between
//!   payments) `principal × rate / 100 × days / 365`
//!   (actual/365 even in leap years; the law fixes no day count), computed
//!   exactly in `Decimal` and rounded to cents, half to even, once at the end
//!   of each period; the interest is the sum of the rounded periods.
//! - **Costs** (art. 8): a fixed 40 EUR per overdue invoice, owed without request.

pub mod configured;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_decimal_macros::dec;

/// Art. 8 fixed recovery costs per overdue invoice, in EUR.
pub const FIXED_COSTS_EUR: Decimal = dec!(40.00);

/// Days in the year used to prorate the annual rate.
const DAY_COUNT_BASIS: Decimal = dec!(365);

/// A calendar half-year: `1H` is January–June, `2H` July–December.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HalfYear {
    /// The year.
    pub year: i32,
    /// 1 or 2.
    pub half: u8,
}

impl HalfYear {
    /// The half-year `date` falls in.
    pub fn containing(date: NaiveDate) -> HalfYear {
        HalfYear {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// The last day of this half-year (30 June or 31 December).
    pub fn last_day(self) -> NaiveDate {
        let (month, day) = if self.half == 1 { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for HalfYear {
    /// `2H 2026`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}H {}", self.half, self.year)
    }
}

/// One half-year's legal late-payment rate for commercial transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedRate {
    /// The half-year the rate applies to.
    pub half_year: HalfYear,
    /// ECB main refinancing rate before the half-year, in percent.
    pub ecb_rate: Decimal,
    /// The annual late-payment rate, in percent (ECB + 8).
    pub rate: Decimal,
    /// The BOE resolution that published it, if recorded.
    pub boe_id: Option<&'static str>,
    /// Checked against the BOE (`false`: derived from the ECB rate, BOE id not recorded).
    pub verified: bool,
}

const fn published(
    year: i32,
    half: u8,
    ecb_rate: Decimal,
    rate: Decimal,
    boe_id: Option<&'static str>,
    verified: bool,
) -> PublishedRate {
    PublishedRate {
        half_year: HalfYear { year, half },
        ecb_rate,
        rate,
        boe_id,
        verified,
    }
}

/// The rates table (source: `shared/reference/compliance.md`, BOE resolutions of the
/// Secretaría General del Tesoro). Add each new half-year with its BOE id when published.
pub const RATES: &[PublishedRate] = &[
    published(
        2020,
        1,
        dec!(0.00),
        dec!(8.00),
        Some("BOE-A-2019-18736"),
        true,
    ),
    // 2H 2020 – 2H 2022: ECB MRO was 0.00% from March 2016 to 27 July 2022, so
    // 8.00%; each BOE resolution not checked, so marked unverified, no BOE id.
    published(2020, 2, dec!(0.00), dec!(8.00), None, false),
    published(2021, 1, dec!(0.00), dec!(8.00), None, false),
    published(2021, 2, dec!(0.00), dec!(8.00), None, false),
    published(2022, 1, dec!(0.00), dec!(8.00), None, false),
    published(2022, 2, dec!(0.00), dec!(8.00), None, false),
    published(
        2023,
        1,
        dec!(2.50),
        dec!(10.50),
        Some("BOE-A-2022-24416"),
        true,
    ),
    published(
        2023,
        2,
        dec!(4.00),
        dec!(12.00),
        Some("BOE-A-2023-15221"),
        true,
    ),
    published(
        2024,
        1,
        dec!(4.50),
        dec!(12.50),
        Some("BOE-A-2023-26709"),
        true,
    ),
    published(
        2024,
        2,
        dec!(4.25),
        dec!(12.25),
        Some("BOE-A-2024-13089"),
        true,
    ),
    published(
        2025,
        1,
        dec!(3.15),
        dec!(11.15),
        Some("BOE-A-2024-27618"),
        true,
    ),
    published(
        2025,
        2,
        dec!(2.15),
        dec!(10.15),
        Some("BOE-A-2025-13217"),
        true,
    ),
    published(
        2026,
        1,
        dec!(2.15),
        dec!(10.15),
        Some("BOE-A-2025-27201"),
        true,
    ),
    // 2H 2026: expected in a BOE of late June / early July 2026; not found yet.
];

/// The published rate for `half_year`, if the table has it.
pub fn rate_for(half_year: HalfYear) -> Option<&'static PublishedRate> {
    RATES.iter().find(|r| r.half_year == half_year)
}

/// The rate for `half_year` from the built-in table, else from `extra` (rates the owner added
/// in the configuration, see [`configured`]).
pub fn rate_in(extra: &[PublishedRate], half_year: HalfYear) -> Option<PublishedRate> {
    rate_for(half_year)
        .copied()
        .or_else(|| extra.iter().find(|r| r.half_year == half_year).copied())
}

/// A payment that lowers the principal from the day after it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repayment {
    /// The day it was made: the principal is still whole that day.
    pub paid_on: NaiveDate,
    /// The amount it takes off.
    pub amount: Decimal,
}

/// Why late interest could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    /// A half-year in the range has no rate in the table; nothing is guessed.
    #[error(
        "no published late-payment rate for {half_year} (Ley 3/2004 art. 7): interest is omitted; \
         once the BOE publishes it, add it to the configuration: [[interest.rates]] half, rate, boe"
    )]
    MissingRate {
        /// The first half-year without a rate.
        half_year: HalfYear,
    },
    /// The principal is negative.
    #[error("principal {principal} is negative: late interest needs the amount still owed")]
    NegativePrincipal {
        /// The principal as given.
        principal: Decimal,
    },
}

/// Interest for the days of one half-year at one principal (a payment splits a half-year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestPeriod {
    /// First day of accrual in this period.
    pub from: NaiveDate,
    /// Last day of accrual in this period (inclusive).
    pub to: NaiveDate,
    /// Days of accrual, `to - from + 1`.
    pub days: i64,
    /// What was owed on each of these days: the amount less the payments made before `from`.
    pub principal: Decimal,
    /// Annual rate in percent (e.g. `10.15`).
    pub rate: Decimal,
    /// The BOE resolution that published the rate, if recorded.
    pub boe_id: Option<&'static str>,
    /// Whether the rate was checked against the BOE.
    pub verified: bool,
    /// Interest for the period, rounded to cents half to even.
    pub amount: Decimal,
}

/// Late interest and fixed costs for one invoice, half-year by half-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestBreakdown {
    /// The amount owed on the last day of accrual (each period has its own principal).
    pub principal: Decimal,
    /// The invoice's due date; accrual starts the next day.
    pub due_date: NaiveDate,
    /// The last day of accrual (inclusive).
    pub until: NaiveDate,
    /// One entry per half-year with accrual (per part of one, between payments), in date order.
    pub periods: Vec<InterestPeriod>,
    /// Sum of the period amounts.
    pub interest: Decimal,
    /// Art. 8 fixed costs: 40 EUR if overdue, else 0.
    pub fixed_costs: Decimal,
    /// `interest + fixed_costs`.
    pub total: Decimal,
}

impl InterestBreakdown {
    /// Whether every period's rate was checked against the BOE.
    pub fn all_verified(&self) -> bool {
        self.periods.iter().all(|p| p.verified)
    }
}

/// What can be computed when some half-years have no rate: a lower bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialInterest {
    /// Interest for the half-years with a rate, plus the fixed costs.
    pub breakdown: InterestBreakdown,
    /// Half-years in the range without a rate, in order; their days are not counted.
    pub missing: Vec<HalfYear>,
}

impl PartialInterest {
    /// Whether every half-year had a rate (then `breakdown` is the full answer).
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Ley 3/2004 interest on `principal` from the day after `due_date` to `until` inclusive.
///
/// Refuses with [`InterestError::MissingRate`] if any half-year in the range
/// has no published rate. If `until <= due_date` nothing is owed: no periods,
/// zero interest and zero fixed costs.
pub fn late_interest(
    principal: Decimal,
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<InterestBreakdown, InterestError> {
    late_interest_with(&[], principal, due_date, until)
}

/// [`late_interest`] with the built-in rates completed by `extra` (configured rates).
pub fn late_interest_with(
    extra: &[PublishedRate],
    principal: Decimal,
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<InterestBreakdown, InterestError> {
    let partial = late_interest_partial_with(extra, principal, due_date, until)?;
    match partial.missing.first() {
        Some(&half_year) => Err(InterestError::MissingRate { half_year }),
        None => Ok(partial.breakdown),
    }
}

/// Like [`late_interest`], but skips half-years without a rate and lists them.
///
/// The result is a lower bound for the owner's eyes; a message to a client
/// should use [`late_interest`] and omit interest when it refuses.
pub fn late_interest_partial(
    principal: Decimal,
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<PartialInterest, InterestError> {
    late_interest_partial_with(&[], principal, due_date, until)
}

/// [`late_interest_partial`] with the built-in rates completed by `extra` (configured rates).
pub fn late_interest_partial_with(
    extra: &[PublishedRate],
    principal: Decimal,
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<PartialInterest, InterestError> {
    late_interest_partial_after_payments(extra, principal, &[], due_date, until)
}

/// Ley 3/2004 interest on `amount` lowered by `payments`, each from the day after it was made,
/// from the day after `due_date` to `until` inclusive (`extra`: configured rates). Periods are
/// split at half-years and at payments, each with its own principal (zero once it is all paid:
/// such days accrue nothing). Refuses like [`late_interest`].
pub fn late_interest_after_payments(
    extra: &[PublishedRate],
    amount: Decimal,
    payments: &[Repayment],
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<InterestBreakdown, InterestError> {
    let partial = late_interest_partial_after_payments(extra, amount, payments, due_date, until)?;
    match partial.missing.first() {
        Some(&half_year) => Err(InterestError::MissingRate { half_year }),
        None => Ok(partial.breakdown),
    }
}

/// [`late_interest_after_payments`] that skips half-years without a rate and lists them, like
/// [`late_interest_partial`].
pub fn late_interest_partial_after_payments(
    extra: &[PublishedRate],
    amount: Decimal,
    payments: &[Repayment],
    due_date: NaiveDate,
    until: NaiveDate,
) -> Result<PartialInterest, InterestError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(InterestError::NegativePrincipal { principal: amount });
    }
    // What is owed after `day`: the amount less what was paid up to it (never below zero).
    let owed_after = |day: NaiveDate| -> Decimal {
        let paid: Decimal = payments
            .iter()
            .filter(|p| p.paid_on <= day)
            .map(|p| p.amount)
            .sum();
        (amount - paid).max(Decimal::ZERO)
    };
    let mut periods = Vec::new();
    let mut missing: Vec<HalfYear> = Vec::new();
    let mut next = due_date.succ_opt();
    while let Some(from) = next.filter(|from| *from <= until) {
        let half_year = HalfYear::containing(from);
        // The period ends with its half-year, or on the day of the first payment in it.
        let payment_day = payments
            .iter()
            .map(|p| p.paid_on)
            .filter(|d| *d >= from)
            .min();
        let to = payment_day.map_or(half_year.last_day(), |d| d.min(half_year.last_day()));
        let to = to.min(until);
        next = to.succ_opt();
        let Some(published) = rate_in(extra, half_year) else {
            if missing.last() != Some(&half_year) {
                missing.push(half_year);
            }
            continue;
        };
        let principal = from.pred_opt().map_or(amount, owed_after);
        let days = (to - from).num_days() + 1;
        let exact = principal * published.rate * Decimal::from(days)
            / (Decimal::ONE_HUNDRED * DAY_COUNT_BASIS);
        periods.push(InterestPeriod {
            from,
            to,
            days,
            principal,
            rate: published.rate,
            boe_id: published.boe_id,
            verified: published.verified,
            amount: exact.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven),
        });
    }
    let principal = owed_after(until);
    let interest: Decimal = periods.iter().map(|p| p.amount).sum();
    let fixed_costs = if until > due_date {
        FIXED_COSTS_EUR
    } else {
        Decimal::ZERO
    };
    Ok(PartialInterest {
        breakdown: InterestBreakdown {
            principal,
            due_date,
            until,
            periods,
            interest,
            fixed_costs,
            total: interest + fixed_costs,
        },
        missing,
    })
}

#[cfg(test)]
mod tests;
