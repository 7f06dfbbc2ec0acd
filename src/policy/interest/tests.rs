//! Table-driven tests for Ley 3/2004 late interest.

use super::*;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn every_rate_is_ecb_plus_eight_and_contiguous() {
    for pair in RATES.windows(2) {
        let (a, b) = (pair[0].half_year, pair[1].half_year);
        let expected = if a.half == 1 {
            HalfYear {
                year: a.year,
                half: 2,
            }
        } else {
            HalfYear {
                year: a.year + 1,
                half: 1,
            }
        };
        assert_eq!(b, expected, "gap after {a}");
    }
    for rate in RATES {
        assert_eq!(rate.rate, rate.ecb_rate + dec!(8), "{}", rate.half_year);
        assert_eq!(rate.verified, rate.boe_id.is_some(), "{}", rate.half_year);
    }
    assert!(
        rate_for(HalfYear {
            year: 2026,
            half: 2
        })
        .is_none()
    );
}

/// (name, principal, due, until, expected periods as (from, to, days, rate, boe, amount), interest, fixed, total)
type Row = (
    &'static str,
    Decimal,
    &'static str,
    &'static str,
    &'static [(
        &'static str,
        &'static str,
        i64,
        Decimal,
        Option<&'static str>,
        Decimal,
    )],
    Decimal,
    Decimal,
    Decimal,
);

/// Periods split at each half-year, and amounts rounded half to even.
#[test]
fn breakdowns_across_half_years_and_rounding() {
    const ROWS: &[Row] = &[
        (
            "across two half-years",
            dec!(1000.00),
            "2025-06-15",
            "2025-07-10",
            &[
                (
                    "2025-06-16",
                    "2025-06-30",
                    15,
                    dec!(11.15),
                    Some("BOE-A-2024-27618"),
                    dec!(4.58),
                ),
                (
                    "2025-07-01",
                    "2025-07-10",
                    10,
                    dec!(10.15),
                    Some("BOE-A-2025-13217"),
                    dec!(2.78),
                ),
            ],
            dec!(7.36),
            dec!(40.00),
            dec!(47.36),
        ),
        (
            "half to even: 3.045 rounds to 3.04",
            dec!(3650.00),
            "2026-01-01",
            "2026-01-04",
            &[(
                "2026-01-02",
                "2026-01-04",
                3,
                dec!(10.15),
                Some("BOE-A-2025-27201"),
                dec!(3.04),
            )],
            dec!(3.04),
            dec!(40.00),
            dec!(43.04),
        ),
        (
            "half to even: 1.015 rounds to 1.02",
            dec!(3650.00),
            "2026-01-01",
            "2026-01-02",
            &[(
                "2026-01-02",
                "2026-01-02",
                1,
                dec!(10.15),
                Some("BOE-A-2025-27201"),
                dec!(1.02),
            )],
            dec!(1.02),
            dec!(40.00),
            dec!(41.02),
        ),
        (
            "due on the last day of a half-year starts in the next",
            dec!(730.00),
            "2024-06-30",
            "2024-07-02",
            &[(
                "2024-07-01",
                "2024-07-02",
                2,
                dec!(12.25),
                Some("BOE-A-2024-13089"),
                dec!(0.49),
            )],
            dec!(0.49),
            dec!(40.00),
            dec!(40.49),
        ),
    ];
    check_breakdowns(ROWS);
}

/// A leap year, a day before due, one day overdue.
#[test]
fn breakdowns_at_the_edges() {
    const ROWS: &[Row] = &[
        (
            "leap year still prorates over 365 days",
            dec!(10000.00),
            "2023-12-31",
            "2024-06-30",
            &[(
                "2024-01-01",
                "2024-06-30",
                182,
                dec!(12.50),
                Some("BOE-A-2023-26709"),
                dec!(623.29),
            )],
            dec!(623.29),
            dec!(40.00),
            dec!(663.29),
        ),
        (
            "not overdue: nothing owed, not even the 40 EUR",
            dec!(500.00),
            "2026-05-10",
            "2026-05-10",
            &[],
            dec!(0),
            dec!(0),
            dec!(0),
        ),
        (
            "overdue by one day: the 40 EUR are owed",
            dec!(0.00),
            "2026-05-10",
            "2026-05-11",
            &[(
                "2026-05-11",
                "2026-05-11",
                1,
                dec!(10.15),
                Some("BOE-A-2025-27201"),
                dec!(0.00),
            )],
            dec!(0.00),
            dec!(40.00),
            dec!(40.00),
        ),
    ];
    check_breakdowns(ROWS);
}

/// Each row's periods, interest, fixed costs and total, all from verified rates.
fn check_breakdowns(rows: &[Row]) {
    for (name, principal, due, until, periods, interest, fixed, total) in rows {
        let got = late_interest(*principal, d(due), d(until)).unwrap();
        let got_periods: Vec<_> = got
            .periods
            .iter()
            .map(|p| (p.from, p.to, p.days, p.rate, p.boe_id, p.amount))
            .collect();
        let want_periods: Vec<_> = periods
            .iter()
            .map(|(f, t, days, rate, boe, amount)| (d(f), d(t), *days, *rate, *boe, *amount))
            .collect();
        assert_eq!(got_periods, want_periods, "{name}");
        assert_eq!(
            (got.interest, got.fixed_costs, got.total),
            (*interest, *fixed, *total),
            "{name}"
        );
        assert!(got.all_verified(), "{name}");
    }
}

#[test]
fn unverified_half_years_are_marked() {
    let got = late_interest(dec!(1000), d("2021-03-31"), d("2021-04-09")).unwrap();
    assert_eq!(got.periods.len(), 1);
    assert_eq!(
        (got.periods[0].rate, got.periods[0].boe_id),
        (dec!(8.00), None)
    );
    assert!(!got.all_verified());
    assert_eq!(got.interest, dec!(1.97)); // 1000 × 8% × 9 / 365 = 1.9726…
}

#[test]
fn missing_half_year_is_refused() {
    let cases = [
        ("2026-06-20", "2026-11-23", "2H 2026"),
        ("2026-07-01", "2026-07-02", "2H 2026"),
        ("2019-12-01", "2020-02-01", "2H 2019"),
    ];
    for (due, until, half_year) in cases {
        let err = late_interest(dec!(1000), d(due), d(until)).unwrap_err();
        let InterestError::MissingRate { half_year: got } = err else {
            panic!("{due}..{until}: {err}");
        };
        assert_eq!(got.to_string(), half_year);
    }
    let err = late_interest(dec!(1000), d("2026-06-20"), d("2026-11-23")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no published late-payment rate for 2H 2026 (Ley 3/2004 art. 7): interest is omitted; \
         once the BOE publishes it, add it to the configuration: [[interest.rates]] half, rate, boe"
    );
}

#[test]
fn a_configured_rate_completes_the_table() {
    let extra = [PublishedRate {
        half_year: HalfYear {
            year: 2026,
            half: 2,
        },
        ecb_rate: dec!(2.15),
        rate: dec!(10.15),
        boe_id: Some("BOE-A-2026-99999"),
        verified: true,
    }];
    // 1000 EUR due 30 June 2026, until 9 July: 9 days of 2H 2026 at 10.15 %.
    let got = late_interest_with(&extra, dec!(1000), d("2026-06-30"), d("2026-07-09")).unwrap();
    assert_eq!(got.periods.len(), 1);
    assert_eq!(got.periods[0].boe_id, Some("BOE-A-2026-99999"));
    assert_eq!(got.interest, dec!(2.50));
    // A built-in half-year keeps its own rate.
    let fake_1h = [PublishedRate {
        half_year: HalfYear {
            year: 2026,
            half: 1,
        },
        ..extra[0]
    }];
    assert_eq!(
        rate_in(
            &fake_1h,
            HalfYear {
                year: 2026,
                half: 1
            }
        )
        .unwrap()
        .boe_id,
        Some("BOE-A-2025-27201")
    );
    assert!(late_interest(dec!(1000), d("2026-06-30"), d("2026-07-09")).is_err());
}

#[test]
fn partial_answer_counts_known_half_years_only() {
    let got = late_interest_partial(dec!(1000.00), d("2026-06-20"), d("2026-11-23")).unwrap();
    assert!(!got.is_complete());
    assert_eq!(
        got.missing,
        vec![HalfYear {
            year: 2026,
            half: 2
        }]
    );
    let periods = &got.breakdown.periods;
    assert_eq!(periods.len(), 1);
    assert_eq!(
        (periods[0].from, periods[0].to, periods[0].days),
        (d("2026-06-21"), d("2026-06-30"), 10)
    );
    assert_eq!(periods[0].amount, dec!(2.78)); // 1000 × 10.15% × 10 / 365 = 2.7808…
    assert_eq!(got.breakdown.fixed_costs, dec!(40.00));
    assert_eq!(got.breakdown.total, dec!(42.78));
    let complete = late_interest_partial(dec!(1000.00), d("2025-06-15"), d("2025-07-10")).unwrap();
    assert!(complete.is_complete());
}

#[test]
fn negative_principal_is_an_error() {
    let err = late_interest(dec!(-1.00), d("2025-01-01"), d("2025-02-01")).unwrap_err();
    assert_eq!(
        err,
        InterestError::NegativePrincipal {
            principal: dec!(-1.00)
        }
    );
}

/// The walk's case: 2,000 € due 29 December 2025, 500 € paid on 7 January, interest stated on
/// 2 February. Up to the payment day the principal was 2,000 €, after it 1,500 €: 15.85 €,
/// where interest on today's balance for the whole time gave 14.60 €.
#[test]
fn a_partial_payment_lowers_the_principal_from_the_next_day() {
    let payments = [Repayment {
        paid_on: d("2026-01-07"),
        amount: dec!(500.00),
    }];
    let got = late_interest_after_payments(
        &[],
        dec!(2000.00),
        &payments,
        d("2025-12-29"),
        d("2026-02-02"),
    )
    .unwrap();
    let periods: Vec<_> = got
        .periods
        .iter()
        .map(|p| (p.from, p.to, p.days, p.principal, p.boe_id, p.amount))
        .collect();
    assert_eq!(
        periods,
        [
            (
                d("2025-12-30"),
                d("2025-12-31"),
                2,
                dec!(2000.00),
                Some("BOE-A-2025-13217"),
                dec!(1.11)
            ),
            (
                d("2026-01-01"),
                d("2026-01-07"),
                7,
                dec!(2000.00),
                Some("BOE-A-2025-27201"),
                dec!(3.89)
            ),
            (
                d("2026-01-08"),
                d("2026-02-02"),
                26,
                dec!(1500.00),
                Some("BOE-A-2025-27201"),
                dec!(10.85)
            ),
        ]
    );
    assert_eq!(
        (got.interest, got.principal, got.total),
        (dec!(15.85), dec!(1500.00), dec!(55.85))
    );
    let on_balance = late_interest(dec!(1500.00), d("2025-12-29"), d("2026-02-02")).unwrap();
    assert_eq!(on_balance.interest, dec!(14.60));
}

/// Payments before the due date lower the principal from the start; after a payment that
/// settles the rest nothing accrues; one made after `until` does not count yet.
#[test]
fn payments_before_due_after_until_and_in_full() {
    let pay = |on: &str, amount| Repayment {
        paid_on: d(on),
        amount,
    };
    let interest = |payments: &[Repayment]| {
        late_interest_after_payments(
            &[],
            dec!(1000.00),
            payments,
            d("2026-01-31"),
            d("2026-03-01"),
        )
        .unwrap()
    };
    let before = interest(&[pay("2026-01-20", dec!(400.00))]);
    assert_eq!(before.periods.len(), 1);
    assert_eq!(before.periods[0].principal, dec!(600.00));
    assert_eq!(
        before.interest,
        late_interest(dec!(600.00), d("2026-01-31"), d("2026-03-01"))
            .unwrap()
            .interest
    );
    let settled = interest(&[pay("2026-02-10", dec!(1000.00))]);
    let owed: Vec<_> = settled
        .periods
        .iter()
        .map(|p| (p.to, p.principal, p.amount))
        .collect();
    assert_eq!(
        owed,
        [
            (d("2026-02-10"), dec!(1000.00), dec!(2.78)),
            (d("2026-03-01"), dec!(0.00), dec!(0.00))
        ]
    );
    assert_eq!(settled.principal, dec!(0.00));
    let later = interest(&[pay("2026-03-05", dec!(300.00))]);
    assert_eq!(
        later,
        late_interest(dec!(1000.00), d("2026-01-31"), d("2026-03-01")).unwrap()
    );
}
