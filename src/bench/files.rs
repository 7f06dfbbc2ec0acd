//! CSV files for the import benchmark (`cobrador bench csv`, hidden): what a collection
//! agency's invoicing program exports, at scale. Spanish Excel conventions (`;`, dates
//! `dd/mm/yyyy`, amounts `1.234,56`), invoices in number order with their clients spread
//! through the file, payments partial or full, half of them with a bank reference.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};

/// What to write.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Invoice rows (clients are a fifth of them).
    pub invoices: usize,
    /// Payment rows.
    pub payments: usize,
    /// Seed of the generator.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CsvReport {
    /// Client rows.
    pub clients: usize,
    /// Invoice rows.
    pub invoices: usize,
    /// Payment rows.
    pub payments: usize,
}

/// (country, currency) of the generated clients, one in five outside Spain.
const COUNTRIES: &[(&str, &str)] = &[
    ("ES", "EUR"),
    ("ES", "EUR"),
    ("ES", "EUR"),
    ("ES", "EUR"),
    ("MX", "MXN"),
    ("CO", "COP"),
    ("CL", "CLP"),
    ("PE", "PEN"),
    ("AR", "ARS"),
    ("ES", "EUR"),
];

/// Writes `clients.csv`, `invoices.csv` and `payments.csv` into `dir`.
pub fn write_csv(dir: &Path, opts: &CsvOptions) -> Result<CsvReport> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let clients = (opts.invoices / 5).max(1);
    let mut out = writer(dir, "clients.csv")?;
    writeln!(out, "id;nombre;pais;email")?;
    for c in 0..clients {
        let (country, _) = COUNTRIES[c % COUNTRIES.len()];
        writeln!(
            out,
            "C{c:07};Cliente {c} S.L.;{country};pagos{c}@cliente{c}.example"
        )?;
    }
    out.flush()?;
    let start = NaiveDate::from_ymd_opt(2024, 11, 1).context("a fixed date")?;
    let mut amounts = Vec::with_capacity(opts.invoices);
    let mut out = writer(dir, "invoices.csv")?;
    writeln!(
        out,
        "numero;cliente;fecha;vencimiento;importe;moneda;concepto"
    )?;
    for i in 0..opts.invoices {
        let c = rng.usize(..clients);
        let (_, currency) = COUNTRIES[c % COUNTRIES.len()];
        let issued = start + Days::new(rng.u64(..730));
        let due = issued + Days::new([0, 15, 30, 30, 60, 90][rng.usize(..6)]);
        let cents = rng.i64(5_000..2_500_000);
        amounts.push(cents);
        writeln!(
            out,
            "F{:08};C{c:07};{};{};{};{currency};Servicios {}",
            i + 1,
            issued.format("%d/%m/%Y"),
            due.format("%d/%m/%Y"),
            spanish_amount(cents),
            issued.format("%m/%Y")
        )?;
    }
    out.flush()?;
    let mut out = writer(dir, "payments.csv")?;
    writeln!(out, "factura;fecha_pago;importe_pagado;referencia")?;
    for p in 0..opts.payments {
        let i = rng.usize(..opts.invoices.max(1));
        let paid = start + Days::new(rng.u64(..760));
        // Two in five pay in full; the rest pay part.
        let total = amounts.get(i).copied().unwrap_or(10_000);
        let cents = if rng.u8(..5) < 2 {
            total
        } else {
            (total * rng.i64(10..90) / 100).max(1)
        };
        let reference = if p % 2 == 0 {
            format!("TRF-{p:08}")
        } else {
            String::new()
        };
        writeln!(
            out,
            "F{:08};{};{};{reference}",
            i + 1,
            paid.format("%d/%m/%Y"),
            spanish_amount(cents)
        )?;
    }
    out.flush()?;
    Ok(CsvReport {
        clients,
        invoices: opts.invoices,
        payments: opts.payments,
    })
}

fn writer(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// `123456` cents → `1.234,56`.
fn spanish_amount(cents: i64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, d) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(d);
    }
    format!("{grouped},{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_written_the_spanish_way() {
        assert_eq!(super::spanish_amount(123456), "1.234,56");
        assert_eq!(super::spanish_amount(5), "0,05");
        assert_eq!(super::spanish_amount(123456789), "1.234.567,89");
    }
}
