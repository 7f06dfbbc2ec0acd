//! Exact money arithmetic inside SQLite, for the triggers that keep each invoice's paid sum.
//!
//! Amounts are TEXT decimals (see [`Money`]); SQLite's own `sum()`/`total()` would go through
//! integers or floats and lose cents. `cobrador_money_sum(amount)` is an aggregate that adds
//! TEXT amounts with `rust_decimal`, exactly as the Rust code adds [`Money`] (same fold from
//! zero, same scale), and returns the TEXT of the sum (`'0'` over no rows). It is registered on
//! every connection the store opens, before the migrations run: the migration
//! `schema_paid_sum.sql` back-fills with it and its triggers call it. A connection that did not
//! register it (the `sqlite3` shell) can read everything but cannot write payments: SQLite
//! refuses with "no such function: cobrador_money_sum" instead of leaving a wrong sum.

use std::str::FromStr;

use rusqlite::Connection;
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rust_decimal::Decimal;

use crate::domain::Money;

/// The SQL name of the exact sum of TEXT amounts (NULLs skipped; NULL over no amount, like
/// SQLite's `sum()`).
pub const MONEY_SUM: &str = "cobrador_money_sum";

/// The SQL name of the exact sum of what is still owed, `cobrador_owed_sum(amount, paid)`:
/// adds `amount - paid` of the rows where that is positive (a settled or overpaid invoice owes
/// nothing); NULL when no row owes anything.
pub const OWED_SUM: &str = "cobrador_owed_sum";

/// The SQL name of the exact sum of two TEXT amounts, `cobrador_money_add(paid, amount)`: the
/// insert trigger adds a new payment to the invoice's stored sum with it. A NULL counts as
/// zero; the TEXT is the one [`MONEY_SUM`] gives for the same amounts (same value and scale).
pub const MONEY_ADD: &str = "cobrador_money_add";

/// Argument `i` as an exact decimal (`None` for NULL), read in place: no copy of the text.
fn decimal(ctx: &Context<'_>, i: usize, name: &str) -> rusqlite::Result<Option<Decimal>> {
    let text = match ctx.get_raw(i) {
        ValueRef::Null => return Ok(None),
        // Most invoices have no payment: their paid sum is the text "0".
        ValueRef::Text(b"0") => return Ok(Some(Decimal::ZERO)),
        ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or("(not UTF-8)"),
        _ => "(not text)",
    };
    Decimal::from_str(text).map(Some).map_err(|e| {
        rusqlite::Error::UserFunctionError(
            format!("{name}: amount {text:?} is not a decimal: {e}").into(),
        )
    })
}

struct MoneySum;

impl Aggregate<Option<Money>, Option<String>> for MoneySum {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Option<Money>> {
        Ok(None)
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Option<Money>) -> rusqlite::Result<()> {
        if let Some(amount) = decimal(ctx, 0, MONEY_SUM)? {
            *acc = Some(acc.unwrap_or(Money::ZERO) + Money(amount));
        }
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        acc: Option<Option<Money>>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(acc.flatten().map(|m| m.0.to_string()))
    }
}

struct OwedSum;

impl Aggregate<Option<Money>, Option<String>> for OwedSum {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Option<Money>> {
        Ok(None)
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Option<Money>) -> rusqlite::Result<()> {
        let amount = decimal(ctx, 0, OWED_SUM)?.unwrap_or(Decimal::ZERO);
        let paid = decimal(ctx, 1, OWED_SUM)?.unwrap_or(Decimal::ZERO);
        // As the Rust side computes a balance: `amount - paid` on Money.
        let balance = Money(amount) - Money(paid);
        if !balance.is_settled() {
            *acc = Some(acc.unwrap_or(Money::ZERO) + balance);
        }
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        acc: Option<Option<Money>>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(acc.flatten().map(|m| m.0.to_string()))
    }
}

/// `cobrador_money_add(a, b)`: as [`MoneySum`] folds, from zero (NULLs count as zero).
fn money_add(ctx: &Context<'_>) -> rusqlite::Result<String> {
    let a = decimal(ctx, 0, MONEY_ADD)?.unwrap_or(Decimal::ZERO);
    let b = decimal(ctx, 1, MONEY_ADD)?.unwrap_or(Decimal::ZERO);
    Ok((Money::ZERO + Money(a) + Money(b)).0.to_string())
}

/// Registers the money functions on `conn` (deterministic, callable from triggers).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_aggregate_function(MONEY_SUM, 1, flags, MoneySum)?;
    conn.create_scalar_function(MONEY_ADD, 2, flags, money_add)?;
    conn.create_aggregate_function(OWED_SUM, 2, flags, OwedSum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-memory table `t` made by `sql`, with the functions registered.
    fn table(sql: &str) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(sql).unwrap();
        conn
    }

    /// `SELECT expr FROM t WHERE g = group`.
    fn one(conn: &Connection, expr: &str, group: i64) -> rusqlite::Result<Option<String>> {
        conn.query_row(
            &format!("SELECT {expr} FROM t WHERE g = ?1"),
            [group],
            |r| r.get(0),
        )
    }

    #[test]
    fn sums_text_amounts_exactly_and_null_over_no_rows() {
        let conn = table(
            "CREATE TABLE t (g INTEGER, a TEXT);
             INSERT INTO t VALUES (1, '0.10'), (1, '0.20'), (1, '1234567890123.455'), (2, '7'),
                                  (4, 'x');",
        );
        let sum = |g| one(&conn, "cobrador_money_sum(a)", g).unwrap();
        assert_eq!(sum(1).as_deref(), Some("1234567890123.755"));
        assert_eq!(sum(2).as_deref(), Some("7"));
        assert_eq!(sum(3), None);
        let err = one(&conn, "cobrador_money_sum(a)", 4).unwrap_err();
        assert!(err.to_string().contains("not a decimal"), "{err}");
    }

    #[test]
    fn adding_one_by_one_gives_the_sum_of_all() {
        let conn = table(
            "CREATE TABLE t (g INTEGER, a TEXT);
             INSERT INTO t VALUES (1, '0.10'), (1, '0.2'), (1, '1234567890123.455'), (1, '7');",
        );
        let mut acc = "0".to_owned();
        let mut stmt = conn.prepare("SELECT a FROM t ORDER BY rowid").unwrap();
        let amounts: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for a in amounts {
            acc = conn
                .query_row("SELECT cobrador_money_add(?1, ?2)", [&acc, &a], |r| {
                    r.get(0)
                })
                .unwrap();
        }
        let sum = one(&conn, "cobrador_money_sum(a)", 1).unwrap();
        assert_eq!(sum.as_deref(), Some(acc.as_str()));
        assert_eq!(acc, "1234567890130.755");
        let err = conn
            .query_row("SELECT cobrador_money_add('0', 'x')", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap_err();
        assert!(err.to_string().contains("not a decimal"), "{err}");
    }

    #[test]
    fn owed_sum_adds_only_positive_balances() {
        let conn = table(
            "CREATE TABLE t (g INTEGER, a TEXT, p TEXT);
             INSERT INTO t VALUES (1, '10.00', '0'), (1, '5', '5.00'), (1, '3.333', '4'),
                                  (1, '2.5', '0.25'), (2, '1', '1'), (2, '1', '2');",
        );
        let owed = |g| one(&conn, "cobrador_owed_sum(a, p)", g).unwrap();
        assert_eq!(owed(1).as_deref(), Some("12.25"));
        assert_eq!(owed(2), None);
    }
}
