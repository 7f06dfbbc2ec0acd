#!/usr/bin/env python3
"""Builds the spreadsheet fixtures of tests/import_formats.rs under tests/fixtures/import/.

The files are committed; this script documents how they were made and rebuilds them:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install openpyxl odfpy
    /tmp/v/bin/python scripts/gen-import-fixtures.py

- clients-excel.csv: what Excel on Spanish Windows writes with "CSV (delimitado por comas)":
  Windows-1252, CRLF line ends, `;` separator.
- invoices.xlsx / invoices.ods: real workbooks with number and date cells, an empty row in the
  middle (row numbers must still be the sheet's) and a second sheet.
- invoices-bad.xlsx: the same with an unknown client on row 5 (the whole file must roll back).
- invoices-excel-bad.csv: Windows-1252 CRLF, a quoted line break, an impossible date on line 5.
- holded-facturas.csv: an export named as Holded names its columns (examples/columns/holded.toml).
"""
import csv
import datetime as dt
import os

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "import")

CLIENTS = [
    ["Código", "Nombre", "Razón social", "NIF", "País", "Email", "Contacto", "Observaciones"],
    ["C001", "Talleres Peña", "Talleres Peña e Hijos S.L.", "B12345678", "ES",
     "pagos@tallerespena.es", "Begoña Núñez", "Cliente desde 2019 — paga con transferencia"],
    ["C002", "Ferretería Añón", "Ferretería Añón S.A.", "A87654321", "ES",
     "admin@ferreteria-anon.es", "José Ibáñez", "Pide el albarán; «urgente» si > 1.000 €"],
    ["C003", "Distribuidora Güemes", "", "B11223344", "ES",
     "cobros@guemes.es", "Iñaki Güemes", ""],
]

# (number, client, issue, due, amount, description)
INVOICES = [
    ("F2026-001", "C001", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 1210.0, "Reparación de maquinaria"),
    ("F2026-002", "C002", dt.date(2026, 9, 15), dt.date(2026, 10, 15), 363.0, "Suministro de tornillería (año 2026)"),
    None,  # an empty row: the next one is still row 5
    ("F2026-003", "C003", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2456.75, "Portes y montaje en Añorbe"),
]
HEADER = ["Número", "Cliente", "Fecha", "Vencimiento", "Importe", "Descripción"]


def clients_csv():
    # Excel quotes a value holding the separator, as the csv module does.
    with open(os.path.join(OUT, "clients-excel.csv"), "w", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(CLIENTS)


def invoices_csv():
    # A quoted description with a line break (CRLF inside quotes) spans lines 2-3, so the row
    # with 31/02/2026 is on line 5 as any editor shows it.
    lines = [
        "Número;Cliente;Fecha;Vencimiento;Importe;Descripción",
        'F2026-010;C001;01/10/2026;31/10/2026;1.210,00;"Revisión anual\r\nincluye piezas"',
        "F2026-011;C002;02/10/2026;01/11/2026;99,50;Señal del pedido nº 7",
        "F2026-012;C003;03/10/2026;31/02/2026;50,00;Fecha imposible",
    ]
    with open(os.path.join(OUT, "invoices-excel-bad.csv"), "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def holded_csv():
    # One row per invoice, as Holded's invoice template names its columns; UTF-8 with BOM.
    lines = [
        "Num factura;Fecha dd/mm/yyyy;Fecha de vencimiento dd/mm/yyyy;Nombre del contacto;NIF;"
        "Descripción interna;Total;Cantidad cobrada",
        "H-0001;05/10/2026;04/11/2026;Talleres Peña;B12345678;Mantenimiento octubre;605,00;0",
        "H-0002;06/10/2026;05/11/2026;Ferretería Añón;A87654321;Pedido 118;1.815,00;0",
    ]
    with open(os.path.join(OUT, "holded-facturas.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))


def xlsx(name, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Facturas"
    ws.append(HEADER)
    for r in rows:
        ws.append(list(r) if r else [])
    for row in ws.iter_rows(min_row=2):
        for cell in row[2:4]:
            cell.number_format = "DD/MM/YYYY"
        row[4].number_format = "#,##0.00 €"
    notes = wb.create_sheet("Notas")
    notes.append(["Exportado para cobrador"])
    wb.save(os.path.join(OUT, name))


def ods(name, rows):
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Facturas")

    def add(values):
        tr = TableRow()
        for v in values:
            if isinstance(v, dt.date):
                cell = TableCell(valuetype="date", datevalue=v.isoformat())
                cell.addElement(P(text=v.strftime("%d/%m/%Y")))
            elif isinstance(v, float):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=f"{v:.2f}".replace(".", ",")))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)

    add(HEADER)
    for r in rows:
        add(list(r) if r else [])
    doc.spreadsheet.addElement(table)
    doc.save(os.path.join(OUT, name))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    clients_csv()
    invoices_csv()
    holded_csv()
    xlsx("invoices.xlsx", INVOICES)
    ods("invoices.ods", INVOICES)
    bad = list(INVOICES)
    bad[3] = ("F2026-003", "C999", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2456.75, "Cliente que no existe")
    xlsx("invoices-bad.xlsx", bad)
